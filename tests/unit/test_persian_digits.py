"""Persian and Arabic-Indic digits of a phone line read glyph by glyph, and the shipped
digit model is what scripts/make_persian_digit_model.py makes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from boothapp.capture.ocr.persian_digits import read_persian_digits

ROOT = Path(__file__).resolve().parents[2]
# Noto Sans Arabic (fonts-noto-core): what the bench prints Persian cards in
_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
needs_font = pytest.mark.skipif(not _FONT.exists(), reason="fonts-noto-core not installed")


_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # the bench's other font


def _line(text: str, size: int = 30, font: Path = _FONT) -> np.ndarray:
    img = Image.new("L", (40 + size * len(text), size * 2), 245)
    ImageDraw.Draw(img).text((20, size // 2), text, font=ImageFont.truetype(str(font), size),
                             fill=20)  # fmt: skip
    return np.asarray(img)


@needs_font
def test_a_printed_mobile_number_reads_digit_for_digit() -> None:
    # as the line looks on the card: groups left to right, each group's digits left to right
    assert read_persian_digits(_line("۹۰۳۰ ۳۴۷ ۰۹۱۲")) == "۹۰۳۰ ۳۴۷ ۰۹۱۲"


@needs_font
def test_every_persian_digit_reads_at_small_print_size() -> None:
    assert read_persian_digits(_line("۴۵۶۷ ۲۳۸۹ ۰۱", size=16)) == "۴۵۶۷ ۲۳۸۹ ۰۱"


@needs_font
def test_arabic_indic_digits_read_as_their_value() -> None:
    # ٤ ٥ ٦ have their own shapes; the reading is in Persian digits, same values. Pillow lays
    # Arabic-Indic groups out right to left (bidi), so "٠٩١٢" is drawn leftmost.
    assert read_persian_digits(_line("٤٥٦٧ ٢٣٨٩ ٠٩١٢")) == "۰۹۱۲ ۲۳۸۹ ۴۵۶۷"


@pytest.mark.skipif(not _DEJAVU.exists(), reason="fonts-dejavu-core not installed")
@pytest.mark.parametrize("size", [14, 20, 30])
def test_a_zero_s_dot_stays_in_its_group(size: int) -> None:
    # DejaVu's zero is a small dot in a whole digit's room: its gap to the ۲ looked like a
    # space, "۰ ۲۱", and the groups turned round for reading gave 21 0 2348 8955
    line = _line("۸۹۵۵ ۲۳۴۸ ۰۲۱", size, _DEJAVU)
    assert read_persian_digits(line) == "۸۹۵۵ ۲۳۴۸ ۰۲۱"


def test_a_blank_crop_is_no_number() -> None:
    assert read_persian_digits(np.full((40, 300), 240, np.uint8)) is None


@pytest.mark.slow
def test_the_shipped_model_is_what_the_script_makes() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_persian_digit_model", ROOT / "scripts" / "make_persian_digit_model.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    if any(not font.exists() for font in script.FONTS):
        pytest.skip("training fonts (fonts-dejavu-extra, fonts-noto-core) not installed")
    features, digits = script.build()
    with np.load(script.MODEL) as shipped:
        assert np.array_equal(shipped["digits"], digits)
        assert np.array_equal(shipped["features"], features)
