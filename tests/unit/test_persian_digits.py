"""Persian and Arabic-Indic digits of a phone line read glyph by glyph, and the shipped
digit model is what scripts/make_persian_digit_model.py makes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
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


_BOLD = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf")


def _blurred_bold_line(text: str, size: int, blur: float) -> np.ndarray:
    img = Image.new("L", (40 + size * len(text), size * 2), 235)
    ImageDraw.Draw(img).text((20, size // 2), text, font=ImageFont.truetype(str(_BOLD), size),
                             fill=30)  # fmt: skip
    return cv2.GaussianBlur(np.asarray(img), (0, 0), blur)


@pytest.mark.skipif(not _BOLD.exists(), reason="fonts-noto-core not installed")
@pytest.mark.parametrize(
    ("printed", "size", "blur"),
    [
        ("۲۱۴۱ ۲۳۴۱ ۰۲۱", 20, 1.2),  # was "۳۳ ۲۳۲ ۰۳": each ۱ joined to the digit beside it
        ("۱۱۵۶ ۳۱۷ ۰۹۱۲", 24, 1.2),  # was "۱۱۵۶ ۳۷ ۰۹۱۲": "۳۱" one blob
        ("۱۷۸۱ ۳۴۱ ۰۹۱۲", 24, 1.6),  # was "۱۷۸۱ ۲۳ ۰۹۱۲"
        ("۴۷۵۱ ۲۳۴۷ ۰۲۱", 22, 1.4),  # was "... ۰۳"
        ("۸۳۷۸ ۳۴۴ ۰۹۱۲", 22, 1.2),  # was "۸۳۷۸ ۳۳۴ ۰۹۱۲": ۴ filled in to ۳
    ],
)
def test_bold_blurred_digits_that_touch_read_digit_for_digit(
    printed: str, size: int, blur: float
) -> None:
    # Bold print photographed a little out of focus: neighbouring digits are one blob of ink
    # and the notches that tell ۲, ۳ and ۴ apart fill in at Otsu's threshold (bench seeds
    # 9191, 4242, 2323: most of the Persian phone misses, issue 20)
    assert read_persian_digits(_blurred_bold_line(printed, size, blur)) == printed


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
