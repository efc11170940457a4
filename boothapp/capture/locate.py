"""Find where a symbol probably is, and cut it out of the full-resolution frame.

A badge held at arm's length fills a small part of a 720p frame: the fast pass on a reduced
frame misses it, but a full-resolution crop around the region (upscaled when modules are only
a pixel or two wide, straightened when the badge is tilted) reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from boothapp.capture.types import Frame, Point

Quad = tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A region that looks like a symbol, in full-frame pixels."""

    quad: Quad  # clockwise from top-left
    score: float
    source: str  # "zxing" (a failed read's position), "gradient" or "tracker"

    @property
    def width(self) -> float:
        (x0, y0), (x1, y1) = self.quad[0], self.quad[1]
        return float(np.hypot(x1 - x0, y1 - y0))

    @property
    def height(self) -> float:
        (x0, y0), (x3, y3) = self.quad[0], self.quad[3]
        return float(np.hypot(x3 - x0, y3 - y0))

    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)


def gradient_candidates(grey: Frame, scale: float, limit: int = 4) -> list[Candidate]:
    """Patches dense in edges (barcodes), ranked by how code-like they look.

    ``grey`` is a reduced frame; ``scale`` maps its pixels to the full frame (full = small/scale).
    Posters and card borders have strong edges only along their outline, text only in short
    runs; a symbol has an edge every module or two, so a box-filtered edge map is high right
    across it. The edge threshold follows the frame's contrast so dim halls still work.
    """
    h, w = grey.shape[:2]
    gx = cv2.Scharr(grey, cv2.CV_16S, 1, 0)
    gy = cv2.Scharr(grey, cv2.CV_16S, 0, 1)
    mag = cv2.add(cv2.convertScaleAbs(gx, alpha=0.25), cv2.convertScaleAbs(gy, alpha=0.25))
    threshold = max(12.0, 0.3 * float(np.percentile(mag[::4, ::4], 99)))
    edges = (mag > threshold).astype(np.float32)
    density = cv2.boxFilter(edges, -1, (9, 9))
    mask: np.ndarray = (density > 0.5).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _KERNEL_3)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _KERNEL_7)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Candidate] = []
    for contour in contours:
        rect = cv2.minAreaRect(contour)
        (_, _), (rw, rh), _ = rect
        short, long = min(rw, rh), max(rw, rh)
        if short < 10 or long > 0.8 * max(h, w):
            continue
        area = rw * rh
        fill = cv2.contourArea(contour) / max(area, 1.0)
        if fill < 0.5 or long / max(short, 1.0) > 6.0:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        score = float(density[y : y + bh, x : x + bw].mean()) * float(np.sqrt(area)) * fill
        found.append(Candidate(order_quad(cv2.boxPoints(rect) / scale), score, "gradient"))
    found.sort(key=lambda c: c.score, reverse=True)
    return found[:limit]


_KERNEL_3 = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
_KERNEL_7 = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))


def order_quad(points: np.ndarray | Sequence[Point]) -> Quad:
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    sums = pts.sum(axis=1)
    diffs = pts[:, 1] - pts[:, 0]
    tl, br = pts[np.argmin(sums)], pts[np.argmax(sums)]
    tr, bl = pts[np.argmin(diffs)], pts[np.argmax(diffs)]
    return tuple((float(p[0]), float(p[1])) for p in (tl, tr, br, bl))


@dataclass(frozen=True, slots=True)
class Crop:
    image: Frame
    transform: np.ndarray  # maps crop pixels to full-frame pixels (2x3 or 3x3)


def axis_crop(
    grey: Frame,
    candidate: Candidate,
    margin: float = 0.25,
    min_module_px: float = 0.0,
    max_side: float = 0.0,
) -> Crop:
    """An upright crop around the candidate, upscaled so small symbols get enough pixels."""
    h, w = grey.shape[:2]
    x0, y0, x1, y1 = candidate.bbox()
    # Located blobs stop short of a symbol's outer modules and quiet zone: be generous.
    grow = max(x1 - x0, y1 - y0) * margin + 8
    mx, my = grow, grow
    left, top = max(0, int(x0 - mx)), max(0, int(y0 - my))
    right, bottom = min(w, int(x1 + mx)), min(h, int(y1 + my))
    image: np.ndarray = grey[top:bottom, left:right]
    factor = 1.0
    long = max(candidate.width, candidate.height)
    # Under ~140 px a badge symbol rarely gives zxing 2-3 pixels per module: upscale it.
    # Over ~360 px it has pixels to spare: downscale, zxing's time grows with the area.
    if min_module_px and 0 < long < 140:
        factor = min(3.0, 140.0 / long)
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    elif max_side and long > max_side:
        factor = max_side / long
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    transform = np.array([[1 / factor, 0, left], [0, 1 / factor, top]], dtype=np.float64)
    return Crop(np.ascontiguousarray(image), transform)


def rectified_crop(grey: Frame, candidate: Candidate, margin: float = 0.12) -> Crop:
    """The candidate quad warped to an upright rectangle (PDF417 hates perspective)."""
    quad = np.asarray(candidate.quad, dtype=np.float32)
    width = max(candidate.width, 1.0)
    height = max(candidate.height, 1.0)
    # About 300 px across gives typical badge symbols 3+ px per module.
    factor = max(1.0, min(3.0, 300.0 / max(width, height)))
    out_w, out_h = width * factor, height * factor
    mx, my = out_w * margin + 6, out_h * margin + 6
    dst = np.array(
        [[mx, my], [mx + out_w, my], [mx + out_w, my + out_h], [mx, my + out_h]],
        dtype=np.float32,
    )
    homography = cv2.getPerspectiveTransform(quad, dst)
    size = (int(out_w + 2 * mx), int(out_h + 2 * my))
    image = cv2.warpPerspective(
        grey, homography, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return Crop(image, np.linalg.inv(homography))  # type: ignore[arg-type]


def grow_quad(quad: Quad, factor: float) -> Quad:
    pts = np.asarray(quad, dtype=np.float64)
    centre = pts.mean(axis=0)
    return tuple((float(x), float(y)) for x, y in centre + (pts - centre) * factor)


def symbol_quad(image: Frame) -> Quad | None:
    """The corners of the dark, dense blob at the centre of a crop, in crop pixels.

    Closing the dark modules merges a symbol into one solid blob whose outline is the symbol's
    outline; its four-corner approximation is the perspective quad to straighten.
    """
    h, w = image.shape[:2]
    if min(h, w) < 16:
        return None
    _, dark = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    k = max(3, min(h, w) // 25)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    blob: np.ndarray = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, kernel)
    blob = cv2.morphologyEx(blob, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    centre = (w / 2.0, h / 2.0)
    best = None
    best_dist = float("inf")
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < 0.02 * h * w or area > 0.9 * h * w:
            continue
        dist = -cv2.pointPolygonTest(contour, centre, True)  # <= 0 when the centre is inside
        if dist < best_dist:
            best, best_dist = contour, dist
    if best is None or best_dist > 0.25 * min(h, w):
        return None
    hull = cv2.convexHull(best)
    approx = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True)
    points = approx.reshape(-1, 2) if len(approx) == 4 else cv2.boxPoints(cv2.minAreaRect(best))
    return order_quad(points)


def plausible_quad(quad: Quad, min_side: float = 8.0) -> bool:
    """zxing reports partial positions for some failed reads (PDF417: corners at 0,0)."""
    if len(quad) != 4 or any(x == 0.0 and y == 0.0 for x, y in quad):
        return False
    pts = np.asarray(quad, dtype=np.float32)
    return bool(cv2.contourArea(pts) >= min_side * min_side)
