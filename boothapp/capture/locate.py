"""Find where a symbol probably is, and cut it out of the full-resolution frame.

A badge held at arm's length fills a small part of a 720p frame: the fast pass on a reduced
frame misses it, but a full-resolution crop around the region (upscaled when modules are only
a pixel or two wide, straightened when the badge is tilted) reads it.
"""

from __future__ import annotations

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
    """Dense, high-contrast, edge-rich blobs (barcodes), ranked by how code-like they look.

    ``grey`` is a reduced frame; ``scale`` maps its pixels to the full frame (full = small/scale).
    Bars have strong gradients in one direction, matrix codes in both; either way a closed,
    thresholded gradient map makes a solid blob where the symbol is.
    """
    h, w = grey.shape[:2]
    gx = cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_16S, 0, 1, ksize=3)
    mag = cv2.addWeighted(cv2.convertScaleAbs(gx), 0.5, cv2.convertScaleAbs(gy), 0.5, 0)
    mag = cv2.blur(mag, (5, 5))
    # Otsu on the gradient adapts to light level; a floor keeps flat noise out.
    thr, _ = cv2.threshold(mag, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, mask = cv2.threshold(mag, max(thr, 28.0), 255, cv2.THRESH_BINARY)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    mask = cv2.erode(mask, None, iterations=2)
    mask = cv2.dilate(mask, None, iterations=3)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_side = max(8.0, 0.015 * max(h, w))
    found: list[Candidate] = []
    for contour in contours:
        rect = cv2.minAreaRect(contour)
        (_, _), (rw, rh), _ = rect
        short, long = min(rw, rh), max(rw, rh)
        if short < min_side or long > 0.9 * max(h, w):
            continue
        area = rw * rh
        fill = cv2.contourArea(contour) / max(area, 1.0)
        aspect = long / max(short, 1.0)
        if fill < 0.45 or aspect > 8.0:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        density = float(mag[y : y + bh, x : x + bw].mean())
        score = fill * density * np.sqrt(area) / (1.0 + 0.15 * (aspect - 1.0))
        box = cv2.boxPoints(rect) / scale
        found.append(Candidate(order_quad(box), float(score), "gradient"))
    found.sort(key=lambda c: c.score, reverse=True)
    return found[:limit]


def order_quad(points: np.ndarray | list[Point]) -> Quad:
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
    grey: Frame, candidate: Candidate, margin: float = 0.25, min_module_px: float = 0.0
) -> Crop:
    """An upright crop around the candidate, upscaled so small symbols get enough pixels."""
    h, w = grey.shape[:2]
    x0, y0, x1, y1 = candidate.bbox()
    mx, my = (x1 - x0) * margin + 8, (y1 - y0) * margin + 8
    left, top = max(0, int(x0 - mx)), max(0, int(y0 - my))
    right, bottom = min(w, int(x1 + mx)), min(h, int(y1 + my))
    image = grey[top:bottom, left:right]
    factor = 1.0
    short = min(candidate.width, candidate.height)
    # A symbol under ~160 px rarely gives zxing two pixels per module: upscale it.
    if min_module_px and 0 < short < 160:
        factor = min(3.0, 160.0 / short)
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    transform = np.array([[1 / factor, 0, left], [0, 1 / factor, top]], dtype=np.float64)
    return Crop(np.ascontiguousarray(image), transform)


def rectified_crop(grey: Frame, candidate: Candidate, margin: float = 0.12) -> Crop:
    """The candidate quad warped to an upright rectangle (PDF417 hates perspective)."""
    quad = np.asarray(candidate.quad, dtype=np.float32)
    width = max(candidate.width, 1.0)
    height = max(candidate.height, 1.0)
    # Keep at least ~2 px per module for typical badge symbols.
    factor = max(1.0, min(3.0, 200.0 / max(1.0, min(width, height))))
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
