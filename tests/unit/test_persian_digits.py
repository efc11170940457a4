"""Persian digits of a phone line read glyph by glyph, in a font the templates do not use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from boothapp.capture.ocr.persian_digits import read_persian_digits

# Noto Sans Arabic (fonts-noto-core) is what the bench prints Persian cards in; the reader's
# templates are DejaVu and Noto Kufi, so this is a font it has not seen.
_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")


def _line(text: str, size: int = 30) -> np.ndarray:
    img = Image.new("L", (40 + size * len(text), size * 2), 245)
    ImageDraw.Draw(img).text((20, size // 2), text, font=ImageFont.truetype(str(_FONT), size),
                             fill=20)  # fmt: skip
    return np.asarray(img)


@pytest.mark.skipif(not _FONT.exists(), reason="fonts-noto-core not installed")
def test_a_printed_mobile_number_reads_digit_for_digit() -> None:
    # as the line looks on the card: groups left to right, each group's digits left to right
    assert read_persian_digits(_line("۹۰۳۰ ۳۴۷ ۰۹۱۲")) == "۹۰۳۰ ۳۴۷ ۰۹۱۲"


def test_a_blank_crop_is_no_number() -> None:
    assert read_persian_digits(np.full((40, 300), 240, np.uint8)) is None
