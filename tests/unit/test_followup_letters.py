"""Printed letters: one per page, personalised, lead data printed literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from boothapp.core.messages.render import MessageContext, render_message
from boothapp.reports.letters import Letter, write_letters_pdf


def letter(touch_id: str, lang: str, ctx: MessageContext, name: str) -> Letter:
    return Letter(
        touch_id=touch_id,
        recipient_lines=(name, ctx.company or "", "Hauptstr. 1", "10115 Berlin"),
        sender_lines=("BoothCo GmbH", "Messeweg 2, 30521 Hannover"),
        date_text="24.11.2026",
        message=render_message("letter", lang, ctx),
    )


def test_letters_pdf_has_one_personalised_page_per_letter(tmp_path: Path) -> None:
    ayse = MessageContext(first_name="Ayşe", last_name="<b>Yılmaz</b>", company="Acme & Co")
    greek = MessageContext(first_name="Νίκος", last_name="Παπαδόπουλος", event_name="Expo")
    out = tmp_path / "letters" / "batch.pdf"
    count = write_letters_pdf(
        [
            letter("t1", "en", ayse, "Ayşe <b>Yılmaz</b>"),
            letter("t2", "el", greek, "Νίκος Παπαδόπουλος"),
        ],
        out,
    )
    assert count == 2
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert "Dear Ayşe <b>Yılmaz</b>," in first
    assert "Acme & Co" in first
    assert "Thank you for your visit" in first
    second = reader.pages[1].extract_text()
    assert "Νίκος Παπαδόπουλος" in second
    assert "Expo" in second


def test_no_letters_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no letters"):
        write_letters_pdf([], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_persian_letter_embeds_a_font_with_arabic_glyphs(tmp_path: Path) -> None:
    ctx = MessageContext(first_name="علی", company="Acme", staff_name="Jo Lee")
    out = tmp_path / "fa.pdf"
    write_letters_pdf([letter("t3", "fa", ctx, "علی")], out)
    page = PdfReader(out).pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in f or "Naskh" in f for f in fonts), fonts
    text = page.extract_text()
    assert "Acme" in text and "Jo Lee" in text  # Latin inside Persian text is not lost
