"""Build the Persian-digit model the card reader ships (issue 20).

    python scripts/make_persian_digit_model.py          # boothapp/assets/ocr/persian_digits.npz
    python scripts/make_persian_digit_model.py --check  # exit 1 when the shipped file differs

Each digit 1-9, in its Persian (۱-۹) and Arabic-Indic (١-٩) shape, is drawn in the training
fonts and put through what a photographed card does to it: a slight turn and slant, shrunk to
10-30 px, blurred, dimmed, noisy; then through the reader's own steps (3x upscale, Otsu,
largest blob) and ``glyph_features``. The samples are condensed (Hart's rule: a sample is kept
only when the ones kept so far misclassify it), which keeps a few hundred of thousands.

The training fonts are every installed font with Persian digits: DejaVu Sans (shipped in
boothapp/assets/fonts; its Mono cut from fonts-dejavu-core, its Condensed cut from
fonts-dejavu-extra, needed only here, at build time), Noto Kufi Arabic, Noto Nastaliq Urdu
(Naskh-style ۴ ۶ ۷), Noto Sans Arabic and Noto Naskh Arabic (fonts-noto-core). The last two
are also what bench/cards.py prints Persian cards in: its cards stay unseen, its digit shapes
do not (docs/CARDS.md gives the figures without them). Deterministic: same fonts, same file.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boothapp.capture.ocr.persian_digits import (  # noqa: E402
    ARABIC_INDIC,
    MODEL,
    PERSIAN,
    glyph_features,
    prepare_line,
)

_SYS = Path("/usr/share/fonts/truetype")
FONTS = (
    ROOT / "boothapp/assets/fonts/DejaVuSans.ttf",
    ROOT / "boothapp/assets/fonts/DejaVuSans-Bold.ttf",
    _SYS / "dejavu/DejaVuSansCondensed.ttf",
    _SYS / "dejavu/DejaVuSansCondensed-Bold.ttf",
    _SYS / "dejavu/DejaVuSansMono.ttf",
    _SYS / "dejavu/DejaVuSansMono-Bold.ttf",
    _SYS / "noto/NotoKufiArabic-Regular.ttf",
    _SYS / "noto/NotoKufiArabic-Bold.ttf",
    _SYS / "noto/NotoNastaliqUrdu-Regular.ttf",
    _SYS / "noto/NotoNastaliqUrdu-Bold.ttf",
    _SYS / "noto/NotoSansArabic-Regular.ttf",
    _SYS / "noto/NotoSansArabic-Bold.ttf",
    _SYS / "noto/NotoNaskhArabic-Regular.ttf",
    _SYS / "noto/NotoNaskhArabic-Bold.ttf",
)
PER_SHAPE = 30  # photographed samples of each digit shape in each font
SEED = 20


def _photographed(char: str, font: ImageFont.FreeTypeFont, rng: random.Random) -> np.ndarray | None:
    """One digit as the reader would cut it from a photographed card (binary, ink > 0)."""
    size = 40
    img = Image.new("L", (size * 3, size * 3), 255)
    ImageDraw.Draw(img).text((size, size), char, font=font, fill=0)
    drawn = np.asarray(img)
    turn = cv2.getRotationMatrix2D((drawn.shape[1] / 2, drawn.shape[0] / 2), rng.uniform(-4, 4), 1)
    turn[0, 1] += rng.uniform(-0.08, 0.08)  # slant
    drawn = cv2.warpAffine(drawn, turn, (drawn.shape[1], drawn.shape[0]), borderValue=255)
    scale = rng.uniform(0.25, 0.8)  # a digit 10-30 px high
    small = cv2.resize(drawn, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    photo = cv2.GaussianBlur(small.astype(np.float32), (0, 0), rng.uniform(0.01, 1.2))
    photo = photo * rng.uniform(0.6, 1.0) + rng.uniform(0, 60)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 12), photo.shape)
    ink = prepare_line(np.clip(photo + noise, 0, 255).astype(np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return None
    big = 1 + int(np.argmax(stats[1:, 4]))
    x, y, w, h, _ = stats[big]
    return np.ascontiguousarray((labels[y : y + h, x : x + w] == big).astype(np.uint8))


def build() -> tuple[np.ndarray, np.ndarray]:
    """(features as float16 unit vectors, digit) of the condensed training set."""
    missing = [str(f) for f in FONTS if not f.exists()]
    if missing:
        fonts = ", ".join(missing)
        raise SystemExit(f"missing fonts (fonts-dejavu-extra, fonts-noto-core): {fonts}")
    rng = random.Random(SEED)
    features, digits = [], []
    for path in FONTS:
        font = ImageFont.truetype(str(path), 40)
        for d in range(1, 10):
            for char in dict.fromkeys((PERSIAN[d], ARABIC_INDIC[d])):
                for _ in range(PER_SHAPE):
                    glyph = _photographed(char, font, rng)
                    if glyph is not None and glyph.any():
                        features.append(glyph_features(glyph))
                        digits.append(d)
    x, y = np.stack(features).astype(np.float32), np.asarray(digits, np.int8)
    keep = [0]
    for _ in range(3):  # Hart's condensing, until a pass adds nothing
        added = False
        for i in range(len(x)):
            if y[keep[int(np.argmax(x[keep] @ x[i]))]] != y[i]:
                keep.append(i)
                added = True
        if not added:
            break
    return x[keep].astype(np.float16), y[keep]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the shipped model")
    args = ap.parse_args()
    features, digits = build()
    if args.check:
        with np.load(MODEL) as shipped:
            same = np.array_equal(shipped["features"], features) and np.array_equal(
                shipped["digits"], digits
            )
        print("same as shipped" if same else f"differs from {MODEL}")
        return 0 if same else 1
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODEL, features=features, digits=digits)
    print(f"{MODEL}: {len(digits)} samples, {MODEL.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
