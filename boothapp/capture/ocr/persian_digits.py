"""Persian digits (۰-۹) of a phone line, read glyph by glyph (issue 20).

Tesseract's Persian model reads Persian words well but its digits badly: the zero is a dot
it drops, ۴ comes back as ۲ or ۳, "۰۹۱۲" as "۲" (bench/cards.py: Persian-digit phone numbers
right on 1 card in 8). Digits are easier than words: each is one blob of ink, and there are
ten of them. So a line Tesseract saw Persian digits in is cut into its blobs and each blob is
given the digit of its nearest sample in a small shipped set (boothapp/assets/ocr, made by
scripts/make_persian_digit_model.py from digits drawn in other fonts than the bench prints
and distorted as a photo does; nothing is downloaded or trained at run time). Persian and
Arabic-Indic shapes both read as their value. The reading is only a candidate: the caller
keeps it when ``phonenumbers`` finds a valid number in it, and Tesseract's reading otherwise.

The zero needs no sample: it is the one digit that is a small dot at mid-height; the one is
a plain upright stroke.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from boothapp.capture.types import Frame
from boothapp.resources import asset

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"  # the same values; fonts draw some Persian digits in these shapes
# Made by scripts/make_persian_digit_model.py (fonts, distortions and the reason there).
MODEL = asset("ocr", "persian_digits.npz")
_SIDE = 32  # px: a glyph's square is compared at this size
_CELLS, _BINS = 4, 8  # gradient directions: 4 x 4 cells of 8 directions
_WORST = 0.5  # a blob less like a digit than this (cosine) is not a digit: a letter, a mark


@dataclass(frozen=True, slots=True)
class _Line:
    grey: np.ndarray  # the crop as cut: small print at 3x, smoothed, on a margin of paper
    threshold: float  # Otsu's: grey at or under it is ink
    ink: np.ndarray  # 255 where grey <= threshold


def _prepared(grey: np.ndarray) -> _Line:
    if grey.shape[0] < 90:  # small print: digits ~15 px high touch and lose their shape
        grey = cv2.resize(grey, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    paper = int(np.percentile(grey, 90))
    grey = cv2.copyMakeBorder(grey, 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=paper)
    grey = cv2.GaussianBlur(grey, (3, 3), 0)
    threshold, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return _Line(grey, float(threshold), ink)


def prepare_line(grey: np.ndarray) -> np.ndarray:
    """Ink (255) of a grey line crop, as the digits are cut from it: small print at 3x."""
    return _prepared(grey).ink


def _directions(square: np.ndarray) -> np.ndarray:
    """Histogram of gradient directions per cell (a HOG; OpenCV 5 moved its own out)."""
    f = cv2.GaussianBlur(square.astype(np.float32) / 255, (0, 0), 1.0)
    gx, gy = cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    pos = (np.arctan2(gy, gx) % (2 * np.pi)) / (2 * np.pi) * _BINS
    lower = np.floor(pos).astype(np.int64) % _BINS
    frac = pos - np.floor(pos)
    n = _SIDE // _CELLS
    cell = (np.arange(_SIDE) // n)[:, None] * _CELLS + (np.arange(_SIDE) // n)[None, :]
    hist = np.zeros(_CELLS * _CELLS * _BINS, np.float32)
    np.add.at(hist, (cell * _BINS + lower).ravel(), (mag * (1 - frac)).ravel())
    np.add.at(hist, (cell * _BINS + (lower + 1) % _BINS).ravel(), (mag * frac).ravel())
    return hist / max(float(np.linalg.norm(hist)), 1e-6)


def glyph_features(glyph: np.ndarray) -> np.ndarray:
    """A binary glyph (ink > 0) as a unit vector: gradient directions, coarse ink, and its
    width to height (a ۱ and a ۸ of the same strokes differ mainly there)."""
    ys, xs = np.nonzero(glyph)
    glyph = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = glyph.shape
    side = max(h, w)
    pad = side // 8 + 1
    square = np.zeros((side + 2 * pad, side + 2 * pad), np.uint8)
    y0, x0 = pad + (side - h) // 2, pad + (side - w) // 2
    square[y0 : y0 + h, x0 : x0 + w] = (glyph > 0) * 255
    small = cv2.resize(square, (_SIDE, _SIDE), interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (12, 12), interpolation=cv2.INTER_AREA).ravel() / 255 * 0.5
    vec = np.concatenate([_directions(small), coarse, [2 * np.log(w / h)]]).astype(np.float32)
    return vec / max(float(np.linalg.norm(vec)), 1e-6)


@functools.cache
def _model() -> tuple[np.ndarray, np.ndarray]:
    """(features, digit) of the shipped samples."""
    with np.load(MODEL) as data:
        return data["features"].astype(np.float32), data["digits"].astype(np.int64)


_INK_LEVELS = (1.0, 0.8, 0.6)  # Otsu's threshold times these (darker ink only)
_ONE = 0.95  # how sure a plain upright stroke of a digit's height is a one
_CUTS = 3  # cut columns tried per glyph when digits touch
_DEPTH = 3  # a blob of touching digits holds at most this many cuts ("۲۳۴۱")


def _tight(ink: np.ndarray, x: int, y: int, w: int, h: int) -> tuple[int, int, int, int] | None:
    """The box round the ink of ``ink[y:y+h, x:x+w]`` (x, y, w, h), None when blank."""
    part = ink[y : y + h, x : x + w] > 0
    rows, cols = np.nonzero(part.any(axis=1))[0], np.nonzero(part.any(axis=0))[0]
    if not rows.size:
        return None
    return (
        x + int(cols[0]),
        y + int(rows[0]),
        int(cols[-1] - cols[0] + 1),
        int(rows[-1] - rows[0] + 1),
    )


def _scored(line: _Line, box: tuple[int, int, int, int], height: float) -> tuple[int, float]:
    """The digit (1-9) a glyph is and how like it (cosine); (-1, 0.0) for no digit.

    Blurred bold print at Otsu's threshold fills the notches that tell ۲, ۳ and ۴ apart
    (issue 20: ۴ read as ۲ or ۳ on most missed Persian phones); its darker cores keep them.
    So the glyph is compared at Otsu's threshold and at darker ones, and each digit's
    likeness is its mean over the levels."""
    x, y, w, h = box
    if h < 0.6 * height:
        return -1, 0.0  # a low mark or a piece of a digit
    if w < 0.25 * h:
        return (1, _ONE) if h > 0.75 * height else (-1, 0.0)  # a plain upright stroke
    features, digits = _model()
    grey, ink = line.grey[y : y + h, x : x + w], line.ink[y : y + h, x : x + w] > 0
    total, levels = np.zeros(10, np.float32), 0
    for level in _INK_LEVELS:
        glyph = ((grey <= line.threshold * level) & ink).astype(np.uint8) * 255
        if not glyph.any():
            continue
        per_digit = np.zeros(10, np.float32)
        np.maximum.at(per_digit, digits, features @ glyph_features(glyph))
        total += per_digit
        levels += 1
    best = int(np.argmax(total))
    return best, float(total[best] / max(1, levels))


Cut = tuple[int, int, int]  # (left, right, digit) of one glyph on the line


def _segmented(
    line: _Line, box: tuple[int, int, int, int], height: float, depth: int = 0
) -> tuple[float, list[Cut]]:
    """A blob as one digit or as touching digits (issue 20: "۴۱", "۲۳۴" in blurred bold
    print are one blob of ink): cut where the columns hold least ink, kept when every part
    is more like a digit than the whole is. Returns (the worst part's likeness, glyphs)."""
    x, y, w, h = box
    ink = line.ink
    digit, score = _scored(line, box, height)
    best: tuple[float, list[Cut]] = (score, [(x, x + w, digit)])
    if depth >= _DEPTH or w < 0.75 * height or score >= 0.97:
        return best
    cols = (ink[y : y + h, x : x + w] > 0).sum(axis=0)
    margin = max(2, int(0.15 * height))
    # a neck: a column with less ink than both its neighbours and than the glyphs on either
    # side of it (not the flat tail of a ۲ or a ۷'s open top)
    necks: dict[int, float] = {}
    for c in range(margin, w - margin):
        if cols[c] <= cols[c - 1] and cols[c] <= cols[c + 1]:
            depth = cols[c] / max(1, min(int(cols[:c].max()), int(cols[c + 1 :].max())))
            if depth < 0.6:
                necks[c] = depth
    for c in sorted(necks, key=lambda c: necks[c])[:_CUTS]:
        left, right = _tight(ink, x, y, c, h), _tight(ink, x + c, y, w - c, h)
        if left is None or right is None:
            continue
        sl, gl = _segmented(line, left, height, depth + 1)
        sr, gr = _segmented(line, right, height, depth + 1)
        if min(sl, sr) > best[0] + 0.02:
            best = (min(sl, sr), gl + gr)
    return best


def read_persian_digits(crop: Frame) -> str | None:
    """The digits of one printed line, left to right as seen, groups split by spaces.

    ``crop`` is a grey (or BGR) crop of one line, dark print on light paper. None when the
    line's blobs do not look like digits.
    """
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if grey.shape[0] < 8 or grey.shape[1] < 8:
        return None
    line = _prepared(grey)
    ink = line.ink
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = [tuple(int(v) for v in stats[i]) for i in range(1, n)]
    blobs = [b for b in blobs if b[4] >= 12]  # print, not specks
    if len(blobs) < 4:
        return None
    height = float(np.percentile([b[3] for b in blobs], 75))  # a digit's height
    if height < 6:
        return None
    middle = float(np.median([b[1] + b[3] / 2 for b in blobs if b[3] > 0.6 * height]))
    # on the number's line, and no taller than a digit (the card's edge, a rule)
    blobs = [b for b in blobs if abs(b[1] + b[3] / 2 - middle) < 0.8 * height and b[3] < 2 * height]
    blobs.sort(key=lambda b: b[0])
    glyphs: list[Cut] = []
    strangers = 0
    for x, y, w, h, _area in blobs:
        if h < 0.2 * height and w < 0.2 * height:
            continue  # a speck of noise, smaller than the zero's dot
        if h < 0.55 * height and w < 0.7 * height:
            glyphs.append((x, x + w, 0))  # the small dot at mid-height
            continue
        score, cut = _segmented(line, (x, y, w, h), height)
        if score < _WORST or any(d < 0 for _, _, d in cut):
            strangers += 1  # a low mark (a comma, a dash) or a letter: no digit
            continue
        glyphs.extend(cut)
    if strangers > max(2, len(glyphs) // 4):
        return None  # letters, not a number
    return _grouped(glyphs, height)


def _grouped(glyphs: list[Cut], height: float) -> str | None:
    """Digits joined into their printed groups; stray dots far from the number dropped."""
    if not glyphs:
        return None
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(glyphs)]
    usual = float(np.median(gaps)) if gaps else 0.0
    space = max(0.3 * height, 2.0 * usual)
    split = [gap > space for gap in gaps]
    inf = float("inf")
    for i in range(len(glyphs)):
        left = gaps[i - 1] if i > 0 and split[i - 1] else inf
        right = gaps[i] if i < len(gaps) and split[i] else inf
        if (
            (i == 0 or left < inf)
            and (i == len(gaps) or right < inf)
            and min(left, right) < 2 * height
        ):
            # a digit alone is a zero's dot (little ink, a whole digit's room) or a one whose
            # room looks like a space: it belongs to the nearer group ("۰ ۲۱" is "۰۲۱",
            # which read the other way round would be 21 0)
            split[i - 1 if left < right else i] = False
    runs: list[list[str]] = [[PERSIAN[glyphs[0][2]]]]
    apart: list[bool] = []  # whether a run is far (> 2 digit heights) from the one before
    for gap, cut, (_, _, digit) in zip(gaps, split, glyphs[1:], strict=False):
        if cut:
            apart.append(gap > 2 * height)
            runs.append([])
        runs[-1].append(PERSIAN[digit])
    # the number is the longest stretch of runs close to each other
    stretches: list[list[str]] = [["".join(runs[0])]]
    for far, run in zip(apart, runs[1:], strict=False):
        if far:
            stretches.append([])
        stretches[-1].append("".join(run))
    number = max(stretches, key=lambda groups: sum(len(g) for g in groups))
    text = " ".join(number)
    return text if sum(c != " " for c in text) >= 6 else None


__all__ = [
    "ARABIC_INDIC",
    "MODEL",
    "PERSIAN",
    "glyph_features",
    "prepare_line",
    "read_persian_digits",
]
