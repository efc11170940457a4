"""What to tell staff when a symbol is in view but does not read yet."""

from __future__ import annotations

import cv2
import numpy as np

from boothapp.capture import enhance
from boothapp.capture.locate import Candidate
from boothapp.capture.types import Frame, Hint, Point

# Below this side (full-frame px) a badge QR has under ~2.5 px per module: too far away.
SMALL_SYMBOL_PX = 70.0
DARK_MEAN = 55.0
GLARE_FRACTION = 0.04
# Laplacian variance over intensity variance: about 2 for a sharp code at 3 px per module,
# 0.25-0.45 with 8 px of motion blur, under 0.05 defocused; one-pixel modules score 5+.
BLUR_RATIO = 0.6


def assess(grey: Frame, candidates: list[Candidate]) -> tuple[Hint, tuple[tuple[Point, ...], ...]]:
    """The hint for the most code-like unread region, and the quads of all such regions."""
    seen = [c for c in candidates if c.source == "zxing" or _looks_like_code(grey, c)]
    if not seen:
        # Glare washes out half a symbol, so it no longer looks like one: say so anyway.
        glared = [c for c in candidates[:2] if _glare(_patch(grey, c))]
        if glared:
            return Hint.GLARE, tuple(c.quad for c in glared)
        if float(grey.mean()) < DARK_MEAN * 0.6:
            return Hint.TOO_DARK, ()
        return Hint.NONE, ()
    best = seen[0]
    patch = _patch(grey, best)
    quads = tuple(c.quad for c in seen)
    if patch.size == 0:
        return Hint.NONE, quads
    if float(np.percentile(patch, 95)) < DARK_MEAN * 2 and float(patch.mean()) < DARK_MEAN:
        return Hint.TOO_DARK, quads
    if _glare(patch):
        return Hint.GLARE, quads
    # Blur first: a far symbol is still crisp (one-pixel modules score high), a blurred one
    # is soft whatever its size.
    if blur_ratio(patch) < BLUR_RATIO:
        return Hint.HOLD_STILL, quads
    if min(best.width, best.height) < SMALL_SYMBOL_PX:
        return Hint.MOVE_CLOSER, quads
    return Hint.NONE, quads


def blur_ratio(patch: Frame) -> float:
    """Variance of the Laplacian over the patch's intensity variance (light-independent)."""
    spread = float(patch.astype(np.float32).var())
    if spread < 1.0:
        return 0.0
    return enhance.sharpness(patch) / spread


def _glare(patch: Frame) -> bool:
    """A compact burnt-out blob on the symbol (lamination reflecting a lamp).

    Scattered saturated pixels (white paper between modules) are not glare; one solid blob
    covering a good part of the symbol is.
    """
    saturated = (patch >= 250).astype(np.uint8)
    total = int(saturated.sum())
    if total <= GLARE_FRACTION * patch.size:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(saturated, connectivity=8)
    if count <= 1:
        return False
    areas = stats[1:, cv2.CC_STAT_AREA]
    biggest = int(np.argmax(areas))
    width = int(stats[1 + biggest, cv2.CC_STAT_WIDTH])
    height = int(stats[1 + biggest, cv2.CC_STAT_HEIGHT])
    area = int(areas[biggest])
    return area >= 0.5 * total and area >= 0.5 * width * height


def _patch(grey: Frame, candidate: Candidate) -> Frame:
    h, w = grey.shape[:2]
    x0, y0, x1, y1 = candidate.bbox()
    left, top = max(0, int(x0)), max(0, int(y0))
    right, bottom = min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1)))
    return grey[top:bottom, left:right]


def _looks_like_code(grey: Frame, candidate: Candidate) -> bool:
    """A strict check before telling staff about a region: balanced dark/light, high contrast."""
    patch = _patch(grey, candidate)
    if patch.size < 64:
        return False
    lo, hi = np.percentile(patch, (10, 90))
    if hi - lo < 40:
        return False
    dark = float(np.count_nonzero(patch < (lo + hi) / 2)) / patch.size
    aspect = max(candidate.width, candidate.height) / max(
        1.0, min(candidate.width, candidate.height)
    )
    return 0.25 <= dark <= 0.75 and aspect <= 5.0
