"""What to tell staff when a symbol is in view but does not read yet."""

from __future__ import annotations

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
    """Burnt-out pixels on paper that is otherwise grey-white (a clean scan is all 255)."""
    if enhance.saturated_fraction(patch) <= GLARE_FRACTION:
        return False
    lo, hi = np.percentile(patch, (5, 95))
    light = patch[patch > (float(lo) + float(hi)) / 2]
    return light.size > 0 and float(np.median(light)) < 235.0


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
