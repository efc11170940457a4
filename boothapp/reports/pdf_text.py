"""Fonts and text preparation for the PDFs.

DejaVuSans (shipped in ``boothapp/assets/fonts``, Debian fonts-dejavu-core, licence beside it)
covers Latin incl. Turkish, Greek, Cyrillic and the Arabic presentation forms. reportlab draws
glyphs left to right without shaping, so Arabic-script text (Persian names) is first shaped
into presentation forms with ``arabic-reshaper`` and put in visual order with ``python-bidi``.
CJK is not covered by DejaVuSans: characters DejaVuSans lacks are drawn with the first
fallback font that has them (``BOOTHAPP_PDF_FALLBACK_FONTS``, os.pathsep-separated, then the
known system CJK fonts below); with none installed they show as empty boxes.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from boothapp.core.i18n import Language, current
from boothapp.core.i18n_format import format_datetime

FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})

FALLBACK_ENV = "BOOTHAPP_PDF_FALLBACK_FONTS"
# TrueType-outline fonts only: reportlab cannot embed CFF fonts such as Noto Sans CJK.
KNOWN_FALLBACKS = (
    FONT_DIR / "DroidSansFallbackFull.ttf",
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("C:/Windows/Fonts/msyh.ttc"),
    Path("C:/Windows/Fonts/simsun.ttc"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
)

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


@dataclass(frozen=True, slots=True)
class _Fallback:
    name: str
    path: Path
    codepoints: frozenset[int]


@functools.cache
def _main_codepoints() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    return frozenset(font.face.charToGlyph)


@functools.cache
def _fallbacks(spec: str) -> tuple[_Fallback, ...]:
    """Register the fallback fonts that exist (loaded only once a character needs them)."""
    paths = [Path(p) for p in spec.split(os.pathsep) if p] + list(KNOWN_FALLBACKS)
    found: list[_Fallback] = []
    for i, path in enumerate(paths):
        if not path.is_file():
            continue
        name = f"BoothFallback{i}"
        try:
            font = TTFont(name, str(path), subfontIndex=0)
        except Exception:  # a CFF or broken font: skip it, never fail the report
            continue
        pdfmetrics.registerFont(font)
        found.append(_Fallback(name, path, frozenset(font.face.charToGlyph)))
    return tuple(found)


def _font_for(codepoint: int) -> str | None:
    for fallback in _fallbacks(os.environ.get(FALLBACK_ENV, "")):
        if codepoint in fallback.codepoints:
            return fallback.name
    return None


def fallback_fonts() -> list[Path]:
    """The fallback font files in use, for diagnostics."""
    return [f.path for f in _fallbacks(os.environ.get(FALLBACK_ENV, ""))]


def visual(text: str) -> str:
    """Shape and reorder right-to-left runs; left-to-right text passes through unchanged. In a
    right-to-left document a mixed line reads from the right ("Sara: call ..." keeps "Sara"
    at the line's start, on the right)."""
    if not _RTL_RE.search(text):
        return text
    base = "R" if current().rtl else None
    return str(get_display(_reshaper.reshape(text), base_dir=base))


# A value in a table cell is cut to this many characters with an ellipsis: a cell taller than
# the page stops reportlab with LayoutError (issue #18: a 1,500-character company, which fits
# in one QR code, wrote no report). The full value stays in the CSV/XLSX export.
CELL_CHARS = 200
NARROW_CELL_CHARS = 120  # the lead sheet's half-width contact and qualification columns


def clip(text: str, limit: int | None = CELL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis; None keeps it whole."""
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def markup(text: str, limit: int | None = CELL_CHARS) -> str:
    """Plain text -> safe Paragraph markup (visitor-typed names may contain < or &), cut to
    ``limit`` characters (``None`` for free-flowing paragraphs that split across pages).

    Runs of characters DejaVuSans lacks are wrapped in a fallback ``<font>`` when one has them.
    """
    shown = visual(clip(text, limit))
    main = _main_codepoints()
    if all(ord(ch) in main for ch in shown if ch != "\n"):
        return escape(shown).replace("\n", "<br/>")
    parts: list[str] = []
    run: list[str] = []
    run_font: str | None = None
    for ch in shown:
        font = None if ord(ch) in main or ch == "\n" else _font_for(ord(ch))
        if font != run_font and run:
            parts.append(_run(run, run_font))
            run = []
        run_font = font
        run.append(ch)
    if run:
        parts.append(_run(run, run_font))
    return "".join(parts).replace("\n", "<br/>")


class BidiParagraph(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A paragraph with right-to-left text, broken into lines in reading order first and only
    then put in visual order line by line. reportlab wraps left to right: given the whole
    paragraph already reordered, its first line was the end of the text (issue 21)."""

    def __init__(self, text: str, style: ParagraphStyle, limit: int | None = CELL_CHARS) -> None:
        self._logical = clip(text, limit)
        self._broken_for: float | None = None
        super().__init__(markup(self._logical, None), style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._broken_for != availWidth:
            self._broken_for = availWidth
            lines = _break_lines(self._logical, self.style, availWidth)
            super().__init__("<br/>".join(markup(line, None) for line in lines), self.style)
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]


def _break_lines(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (greedy, at spaces, in reading order)."""
    room = width - style.leftIndent - style.rightIndent
    font, size = style.fontName, style.fontSize
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and pdfmetrics.stringWidth(visual(candidate), font, size) > room:
                lines.append(line.strip())
                line = word
            else:
                line = candidate
        lines.append(line.strip())
    return lines


def para(style: ParagraphStyle, text: str, limit: int | None = CELL_CHARS) -> Paragraph:
    """A Paragraph of plain ``text`` (cut to ``limit``): right-to-left text line-broken in
    reading order (``BidiParagraph``), any other as ``Paragraph(markup(text))``."""
    if _RTL_RE.search(text):
        return BidiParagraph(text, style, limit)
    return Paragraph(markup(text, limit), style)


def _run(chars: list[str], font: str | None) -> str:
    text = escape("".join(chars))
    return f'<font name="{font}">{text}</font>' if font else text


def local_time(moment: datetime | None, zone: ZoneInfo, fmt: str | None = None) -> str:
    """``moment`` on the wall clock of ``zone``: ISO-like for English (the report's wording
    since the start; CLDR's en is US month-first), the language's short CLDR date and time
    (Babel) for the others, or a strftime ``fmt`` when one is given."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    if fmt is None and current() is Language.EN:
        fmt = "%Y-%m-%d %H:%M"
    if fmt is None:
        return format_datetime(moment.astimezone(zone), width="short")
    return moment.astimezone(zone).strftime(fmt)


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, right-aligned when the current language reads right to left."""
    register_fonts()
    align = TA_RIGHT if current().rtl else TA_LEFT
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, alignment=align)
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
