"""Fonts and text preparation for the PDFs.

DejaVuSans (shipped in ``boothapp/assets/fonts``, Debian fonts-dejavu-core, licence beside it)
covers Latin incl. Turkish, Greek, Cyrillic and the Arabic presentation forms. reportlab draws
glyphs left to right without shaping, so Arabic-script text (Persian names) is first shaped
into presentation forms with ``arabic-reshaper`` and put in visual order with ``python-bidi``.
CJK is not covered by DejaVuSans; such characters show as empty boxes (see the report).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})

BRAND = colors.HexColor("#1f4e79")
MUTED = colors.HexColor("#5f6b7a")
GRID = colors.HexColor("#c9d2dc")
STRIPE = colors.HexColor("#f2f5f8")


def register_fonts() -> None:
    """Register the bundled fonts once per process (reportlab keeps a global registry)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def visual(text: str) -> str:
    """Shape and reorder right-to-left runs; left-to-right text passes through unchanged."""
    if not _RTL_RE.search(text):
        return text
    return str(get_display(_reshaper.reshape(text)))


def markup(text: str) -> str:
    """Plain text -> safe Paragraph markup (visitor-typed names may contain < or &)."""
    return escape(visual(text)).replace("\n", "<br/>")


def local_time(moment: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime(fmt)


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=29, textColor=BRAND
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=6,
            spaceAfter=6,
            textColor=BRAND,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        ),
    }
