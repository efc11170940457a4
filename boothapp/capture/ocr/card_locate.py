"""Finding a business card in a still and flattening it for OCR.

The card is the largest convex four-sided shape that stands out from the desk: found on a
downscaled copy (edges, then a brightness split as a second opinion), its corners mapped back
to the full-resolution still, and the card warped to a flat rectangle of fixed width so the
letters reach the size Tesseract reads best. When no outline is found (a white card on a
pale desk, a corner out of the picture) the card's print is: its lines, found as small dark
marks, give the text's angle and extent, and that block is turned level at reading size.
Deskew and contrast normalisation follow;
the upside-down check needs the OCR engine and lives in ``card_reader``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from boothapp.capture.types import Frame

# px of the flattened card (~310 dpi for 89 mm): body text ~25 px high, the size Tesseract
# reads best; wider cards made it drop the accents of large names (İ, ü) and cost time.
CARD_WIDTH = 1100
_WORK_WIDTH = 640  # px: the size the shape search runs at
_MIN_AREA = 0.06  # of the frame: smaller quads are a logo or a pen, not a card
_ASPECTS = (1.2, 2.4)  # long side / short side: ISO 1.59, US 1.75, EU 1.6, badges ~1.3


class NoCardFound(Exception):
    """No card-shaped region in the still: nothing to read."""


@dataclass(frozen=True, slots=True)
class LocatedCard:
    image: Frame  # flat card, BGR, CARD_WIDTH wide, right way round as far as shape tells
    corners: tuple[tuple[float, float], ...]  # in the still, clockwise from top-left
    whole_frame: bool = False  # the still was already a flat card (a scan, a crop)


def locate_card(still: Frame) -> LocatedCard:
    """The card in ``still``, flattened. Raises NoCardFound when there is none."""
    if still.ndim == 2:
        still = cv2.cvtColor(still, cv2.COLOR_GRAY2BGR)  # type: ignore[assignment]
    h, w = still.shape[:2]
    if min(h, w) < 80:
        raise NoCardFound("no card found: the image is too small")
    quad = _find_quad(still)
    if quad is None:
        block = _text_block(still)
        if block is not None:
            # the card's outline is lost (a white card on a pale desk, a corner out of the
            # picture) but its print is there: the print's own rectangle, turned level
            corners, width = block
            return LocatedCard(_warp(still, corners, width), _tuple(corners))
        if _looks_like_flat_card(still):
            corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
            return LocatedCard(_warp(still, corners), _tuple(corners), whole_frame=True)
        raise NoCardFound("no card found: hold the card flat, filling most of the picture")
    return LocatedCard(_warp(still, quad), _tuple(quad))


def normalise_contrast(card: Frame) -> Frame:
    """Grey, dark-on-light, evened out: what the OCR engines read best.

    A dark card with light print is inverted; uneven light across the card (a shadow, the
    hall's spotlights) is divided out by a large-scale background estimate.
    """
    grey = card if card.ndim == 2 else cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    if _is_dark_paper(grey):  # type: ignore[arg-type]
        grey = 255 - grey
    grey = _light_paper_everywhere(grey)  # type: ignore[arg-type]
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((31, 31), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 15)
    flat = cv2.divide(grey, np.maximum(background, 1), scale=235)
    lo, hi = np.percentile(flat, (1, 99.5))
    if hi - lo > 10:
        flat = np.clip((flat.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
    return flat.astype(np.uint8)


def _light_paper_everywhere(grey: Frame) -> Frame:
    """Invert the dark parts of a card (a coloured band with the company in white)."""
    # the paper's local brightness: a wide median ignores the strokes of the letters
    small = cv2.resize(grey, (max(1, grey.shape[1] // 8), max(1, grey.shape[0] // 8)))
    paper = cv2.medianBlur(small, 9)
    paper = cv2.resize(paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST)
    dark = paper < 110
    if not dark.any():
        return grey
    out = grey.copy()
    out[dark] = 255 - grey[dark]
    return out


def deskew(grey: Frame) -> Frame:
    """Straighten small leftover rotation (a quad off by a few degrees) from the text lines.

    A turn that leaves the rows of print far less sharp than they were is not made (issue
    20): one line's box can lie about the angle (a bold Persian name's descenders gave -6.4
    degrees on a card the warp had made level, and the turn ran the address into the e-mail
    below it). Small turns are kept as before: Tesseract's Persian model read five test
    cards worse without them.
    """
    ink = (grey < 128).astype(np.uint8)
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 25), np.uint8))  # type: ignore[assignment]
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles: list[float] = []
    weights: list[float] = []
    for c in contours:
        (_, _), (rw, rh), angle = cv2.minAreaRect(c)
        if max(rw, rh) < 80 or min(rw, rh) < 5:
            continue
        if rw < rh:
            angle -= 90
        if abs(angle) <= 8:
            angles.append(angle)
            weights.append(max(rw, rh))
    if not angles:
        return grey
    angle = float(np.average(angles, weights=weights))
    if abs(angle) < 0.3:
        return grey
    h, w = grey.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(grey, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if _row_sharpness(turned) * _BLURRED_ROWS < _row_sharpness(grey):  # type: ignore[arg-type]
        return grey
    return turned  # type: ignore[return-value]


_BLURRED_ROWS = 10  # a turn leaving the rows this many times less sharp is a wrong one


def _row_sharpness(grey: Frame) -> float:
    """How crisply the print falls into rows: level lines give a profile of steep steps."""
    h, w = grey.shape[:2]
    margin = max(2, w // 20)  # the card's edge and the desk beyond it are not print
    ink = (grey[margin : h - margin, margin : w - margin] < 128).astype(np.float32)
    profile = ink.sum(axis=1)
    return float((np.diff(profile) ** 2).sum())


def _is_dark_paper(grey: Frame) -> bool:
    return float(np.median(grey)) < 110


def _find_quad(still: Frame) -> np.ndarray | None:
    h, w = still.shape[:2]
    scale = _WORK_WIDTH / w
    small = cv2.resize(still, (_WORK_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    area = small.shape[0] * small.shape[1]
    best: tuple[float, np.ndarray] | None = None
    for mask in _masks(small):  # type: ignore[arg-type]
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            a = cv2.contourArea(c)
            if a < _MIN_AREA * area or a > 0.97 * area:
                continue
            quad = _quad_of(c)
            if quad is None or _on_frame_edge(quad, small.shape[1], small.shape[0]):
                continue
            score = a * _rectangularity(c, quad)
            if best is None or score > best[0]:
                best = (score, quad)
    if best is None:
        return None
    return _order(best[1] / scale)


def _masks(small: Frame) -> list[Frame]:
    """Candidate card silhouettes: closed edges, and the two sides of an Otsu split."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB)
    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    med = float(np.median(blurred))
    edges = cv2.Canny(blurred, max(10, 0.5 * med), min(255, 1.2 * med))
    # colour edges too: a white card on a pale desk differs in hue more than in brightness
    for ch in (1, 2):
        edges |= cv2.Canny(cv2.GaussianBlur(lab[:, :, ch], (5, 5), 0), 8, 25)  # type: ignore[misc]
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    filled = _fill_holes(closed)  # type: ignore[arg-type]
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = np.ones((15, 15), np.uint8)
    light = cv2.morphologyEx(otsu, cv2.MORPH_CLOSE, k)
    dark = cv2.morphologyEx(255 - otsu, cv2.MORPH_CLOSE, k)
    return [filled, _fill_holes(light), _fill_holes(dark)]  # type: ignore[arg-type]


def _fill_holes(mask: Frame) -> Frame:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 255, thickness=cv2.FILLED)
    return cv2.morphologyEx(out, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))  # type: ignore[return-value]


def _quad_of(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    else:
        quad = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
    sides = [np.linalg.norm(quad[i] - quad[(i + 1) % 4]) for i in range(4)]
    long_side = (sides[0] + sides[2]) / 2
    short_side = (sides[1] + sides[3]) / 2
    if min(long_side, short_side) < 1:
        return None
    aspect = max(long_side, short_side) / min(long_side, short_side)
    if not _ASPECTS[0] * 0.85 <= aspect <= _ASPECTS[1] * 1.15:
        return None
    return quad


def _on_frame_edge(quad: np.ndarray, width: int, height: int) -> bool:
    """Two corners on the picture's border of a big region: the desk's light and shade.

    A card held close may touch the border too, so only regions over 40 % of the picture
    are turned down for it.
    """
    if cv2.contourArea(quad.reshape(-1, 1, 2)) < 0.4 * width * height:
        return False
    margin = 0.015 * max(width, height)
    near = (
        (quad[:, 0] < margin)
        | (quad[:, 0] > width - margin)
        | (quad[:, 1] < margin)
        | (quad[:, 1] > height - margin)
    )
    return int(near.sum()) >= 2


def _rectangularity(contour: np.ndarray, quad: np.ndarray) -> float:
    qa = cv2.contourArea(quad.reshape(-1, 1, 2))
    return float(cv2.contourArea(contour) / qa) if qa > 0 else 0.0


def _order(quad: np.ndarray) -> np.ndarray:
    """Clockwise from the top-left, the long side across (cards are read landscape)."""
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles)]  # clockwise in image coordinates, starting near -pi
    start = int(np.argmin(quad.sum(axis=1)))
    quad = np.roll(quad, -start, axis=0)
    top = np.linalg.norm(quad[1] - quad[0])
    side = np.linalg.norm(quad[3] - quad[0])
    if side > top * 1.05:
        quad = np.roll(quad, -1, axis=0)  # a portrait-looking quad: a card turned 90 degrees
    return quad.astype(np.float32)


def _warp(still: Frame, quad: np.ndarray, width: int = CARD_WIDTH) -> Frame:
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    aspect = (top + bottom) / max(left + right, 1)  # type: ignore[operator]
    if width == CARD_WIDTH:
        aspect = max(aspect, 1.0)  # a card is read landscape (_order turned it so)
    height = max(1, round(width / aspect))
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    # (a print block's margin may reach past the picture's edge: repeat the edge there)
    return cv2.warpPerspective(
        still, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )  # type: ignore[return-value]


_TEXT_WORK_WIDTH = 1280  # px: the print search needs letters of a few px, not the card's edge
_BODY_TEXT = 30  # px: a body line's blob height (letters closed into a line) read best


def _text_block(still: Frame) -> tuple[np.ndarray, int] | None:
    """The printed block of a card whose outline was not found, as a quad in ``still`` with
    the width to flatten it to; None when the picture holds too little print.

    Letters are small dark marks on lighter paper (a black-hat filter keeps them and drops
    the desk's soft grain); joined into lines, the lines give the text's angle, and their
    extent turned level, with a margin, is the part of the card worth reading.
    """
    h, w = still.shape[:2]
    scale = min(1.0, _TEXT_WORK_WIDTH / w)
    grey = cv2.cvtColor(still, cv2.COLOR_BGR2GRAY)
    if scale < 1.0:
        grey = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    if _is_dark_paper(grey):  # type: ignore[arg-type]
        grey = 255 - grey
    marks = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, np.ones((15, 15), np.uint8))
    _, ink = cv2.threshold(marks, 40, 255, cv2.THRESH_BINARY)
    lines_mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    contours, _ = cv2.findContours(lines_mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lines: list[np.ndarray] = []
    marks_: list[np.ndarray] = []
    angles: list[float] = []
    lengths: list[float] = []
    heights: list[float] = []
    for c in contours:
        (_, _), (rw, rh), angle = cv2.minAreaRect(c)
        long_side, short_side = max(rw, rh), min(rw, rh)
        if long_side < 6 or short_side > 150:
            continue  # a speck of grain; a dark object on the desk
        marks_.append(c.reshape(-1, 2))
        if not 4 <= short_side <= 60 or long_side < 3 * short_side or long_side < 40:
            continue  # a dot, a logo, a word of large print: not a line of body text
        if rw < rh:
            angle -= 90
        angle = (angle + 90) % 180 - 90
        if abs(angle) > 35:
            continue
        lines.append(c.reshape(-1, 2))
        angles.append(angle)
        lengths.append(long_side)
        heights.append(short_side)
    if len(lines) < 3:
        return None
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(lengths)[order])
    angle = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    t = np.deg2rad(angle)
    rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])  # turns the text level
    level = np.vstack(lines).astype(np.float64) @ rot.T
    (x0, y0), (x1, y1) = level.min(axis=0), level.max(axis=0)
    line = float(np.median(heights))
    # the block grows by the marks near it: the name and the company in large or bold
    # print, a short word ending a line
    spans = [np.vstack([m.min(axis=0), m.max(axis=0)]) for m in (mk @ rot.T for mk in marks_)]
    reach = 4 * line
    for _ in range(4):
        grown = False
        for (ax, ay), (bx, by) in spans:
            inside = x0 <= ax and bx <= x1 and y0 <= ay and by <= y1
            near = ax < x1 + reach and bx > x0 - reach and ay < y1 + reach and by > y0 - reach
            if near and not inside:
                x0, y0, x1, y1 = min(x0, ax), min(y0, ay), max(x1, bx), max(y1, by)
                grown = True
        if not grown:
            break
    mx, my = 1.5 * line, 1.5 * line
    box = np.array([[x0 - mx, y0 - my], [x1 + mx, y0 - my], [x1 + mx, y1 + my], [x0 - mx, y1 + my]])
    quad = (box @ rot) / scale  # back to the still (rot is orthonormal: its inverse is .T)
    # letters at the flattened card's body size: (width / block width) * line height = body
    width = round((x1 - x0 + 2 * mx) * _BODY_TEXT / line)
    return quad.astype(np.float32), int(np.clip(width, 400, 1600))


def _looks_like_flat_card(still: Frame) -> bool:
    """A scan or a crop: card-shaped, even paper, some print on it."""
    h, w = still.shape[:2]
    aspect = max(w, h) / min(w, h)
    if not _ASPECTS[0] * 0.85 <= aspect <= _ASPECTS[1] * 1.15:
        return False
    grey = cv2.cvtColor(still, cv2.COLOR_BGR2GRAY)
    paper = np.median(grey)
    ink = np.count_nonzero(np.abs(grey.astype(np.int16) - paper) > 60) / grey.size
    return 0.005 < ink < 0.35  # type: ignore[return-value]


def _tuple(quad: np.ndarray) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in quad)
