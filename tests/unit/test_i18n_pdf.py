"""The post-show report in the event's language (issue 21): Greek and Persian headings come
out of the PDF as text, the glyphs are embedded, and Persian is shaped and right to left.

The page images go to docs/screenshots/i18n for a person to look at when
``BOOTHAPP_WRITE_SCREENSHOTS=1`` (pdftoppm, poppler-utils).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from boothapp.app import AppContext
from boothapp.core.i18n import Language
from boothapp.demo.build import build_demo

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots" / "i18n"
PRESENTATION_FORMS = range(0xFB50, 0xFF00)  # Arabic letters shaped for drawing


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[Language, Path]:
    from boothapp.app import build_context

    folder = tmp_path_factory.mktemp("i18n-report")
    ctx: AppContext = build_context(str(folder / "data"))
    try:
        event = build_demo(ctx, leads=60, seed=3).event
        out: dict[Language, Path] = {}
        for lang in (Language.EL, Language.FA):
            ctx.configs.save(event.id, replace(ctx.configs.get(event.id), language=lang))
            out[lang] = folder / f"report-{lang}.pdf"
            ctx.exports.report(event.id, out[lang])
        return out
    finally:
        ctx.close()


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _embedded_fonts(path: Path) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                d = descendant.get_object()
                desc = d.get("/FontDescriptor")
                if desc is not None and "/FontFile2" in desc.get_object():
                    names.add(str(d["/BaseFont"]))
    return names


def test_greek_report_headings_are_text(reports: dict[Language, Path]) -> None:
    text = _text(reports[Language.EL])
    for heading in ("Αναφορά μετά την έκθεση", "Βασικά στοιχεία", "Πότε ήρθαν οι επαφές",
                    "Ποιότητα επαφών και ροή πωλήσεων", "Άξιζε η έκθεση;", "Ταχύτητα επικοινωνίας",
                    "Σελίδα 1 από"):  # fmt: skip
        assert heading in text
    assert "Key figures" not in text and "Post-show report" not in text
    # The venue's zone by its Greek city name, no "Pipeline" loanword.
    assert "Κωνσταντινούπολη" in text and "Europe/" not in text and "ipeline" not in text
    # The leads-per-day chart's days in the Greek short date, not ISO.
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), re.findall(r"20\d\d-\d\d-\d\d", text)
    assert any("DejaVuSans" in name for name in _embedded_fonts(reports[Language.EL]))


def test_persian_report_is_shaped_right_to_left_and_embedded(
    reports: dict[Language, Path],
) -> None:
    raw = _text(reports[Language.FA])
    # Drawn as shaped presentation forms (reportlab does not shape by itself)...
    assert any(ord(ch) in PRESENTATION_FORMS for ch in raw)
    # ...which read back as the Persian headings once folded to the base letters.
    text = unicodedata.normalize("NFKC", raw).replace("\u200c", "")
    for heading in ("گزارش پس از نمایشگاه", "ارقام کلیدی", "کیفیت سرنخها و قیف فروش",
                    "آیا نمایشگاه ارزشش را داشت؟"):  # fmt: skip
        assert heading in text, heading
    assert "Key figures" not in raw
    assert any("DejaVuSans" in name for name in _embedded_fonts(reports[Language.FA]))
    # Persian digits in the figures, Latin ones kept in ids and e-mails.
    assert any("\u06f0" <= ch <= "\u06f9" for ch in text)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_page_images_for_a_person_to_check(reports: dict[Language, Path], tmp_path: Path) -> None:
    for lang, pdf in reports.items():
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / lang)],
            check=True,
            timeout=60,
        )
        pages = [Image.open(p) for p in sorted(tmp_path.glob(f"{lang}-*.png"))]
        assert len(pages) == 2
        width, height = pages[0].size
        sheet = Image.new("RGB", (width * 2 + 20, height), "#8a96a3")
        for i, page in enumerate(pages):
            sheet.paste(page, (i * (width + 20), 0))
        # The cover is not blank: a heading in the brand colour was drawn.
        assert pages[0].convert("RGB").getcolors(1 << 20) is not None
        if os.environ.get("BOOTHAPP_WRITE_SCREENSHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            sheet.save(SHOTS / f"report-{lang}.png", optimize=True)


def test_persian_lead_sheet_page_image(tmp_path: Path) -> None:
    """A Persian lead sheet whose notes and history mix Persian with Latin names wraps over
    several lines; its page image goes to docs/screenshots for a person to read."""
    from datetime import UTC, datetime

    from boothapp.app import build_context
    from boothapp.reports.lead_sheet import HistoryEntry, write_lead_sheet

    ctx: AppContext = build_context(str(tmp_path / "data"))
    try:
        event = build_demo(ctx, leads=5, seed=3).event
        lead = replace(
            ctx.leads.list_leads(event.id)[0],
            notes="مشتری در غرفه گفت که شرکت Quanta Labs بودجهٔ ۲۵۰ هزار یورو برای سال ۲۰۲۷ دارد و "
            "می‌خواهد نسخهٔ آزمایشی را با تیم IT خود در تهران امتحان کند؛ هفتهٔ بعد با Sophia "
            "تماس بگیرید و پیش‌فاکتور را به نشانی sophia@quanta.example بفرستید.",
        )
        history = [HistoryEntry(datetime(2026, 11, 18, 10, 42, tzinfo=UTC),
                                "مرحله: در انتظار تماس ← پیش‌فاکتور ارسال شد", "Sara")]  # fmt: skip
        pdf = tmp_path / "sheet-fa.pdf"
        write_lead_sheet(lead, event, pdf, history=history, language=Language.FA)
    finally:
        ctx.close()
    assert "Quanta" in _text(pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "sheet")], check=True, timeout=60)  # fmt: skip
    page = Image.open(next(tmp_path.glob("sheet-*.png")))
    if os.environ.get("BOOTHAPP_WRITE_SCREENSHOTS") == "1":
        page.save(SHOTS / "lead-sheet-fa.png", optimize=True)
