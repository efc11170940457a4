import re
import unicodedata
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from boothapp.reports.demo_leads import DEMO_QUESTIONS, generate
from boothapp.reports.lead_sheet import HistoryEntry, write_lead_sheet


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_sheet_shows_contact_answers_reasons_notes_and_history(tmp_path: Path) -> None:
    demo = generate(3)
    lead = replace(demo.leads[2], notes="Wants a demo <b>next week</b> & a quote")
    assert lead.created_at is not None
    path = tmp_path / "lead.pdf"
    write_lead_sheet(
        lead,
        demo.event,
        path,
        questions=DEMO_QUESTIONS,
        score_lines=["Budget over 100k: +25", "Decision maker: +15"],
        history=[
            HistoryEntry(lead.created_at + timedelta(hours=2), "Called, left voicemail", "Elif"),
            HistoryEntry(lead.created_at + timedelta(days=1), "Sent info pack"),
        ],
    )
    pages, text = _text(path)
    assert pages == 1
    assert "مریم حسینی" in unicodedata.normalize("NFKC", text)
    assert lead.contact.email in text and lead.contact.phone in text
    assert "Answers at the booth" in text and "Company size" in text
    interests = "; ".join(DEMO_QUESTIONS[0].options[o] for o in lead.answers["interests"])
    assert interests in text
    assert "Budget over 100k: +25" in text and "Decision maker: +15" in text
    assert "Wants a demo <b>next week</b> & a quote" in text  # escaped, not markup
    assert "Called, left voicemail" in text and "(Elif)" in text
    # Captured 10:xx UTC shows on the Istanbul hall clock (UTC+3).
    local = (lead.created_at + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    assert f"captured {local}" in text
    assert "Page 1 of 1" in text


def test_long_notes_and_history_still_fit_one_page(tmp_path: Path) -> None:
    demo = generate(1)
    lead = replace(demo.leads[0], notes="Long conversation about pricing. " * 120)
    assert lead.created_at is not None
    history = [
        HistoryEntry(lead.created_at + timedelta(hours=i), f"Attempt {i}") for i in range(40)
    ]
    path = tmp_path / "lead.pdf"
    write_lead_sheet(lead, demo.event, path, questions=DEMO_QUESTIONS, history=history)
    pages, text = _text(path)
    assert pages == 1
    # Only the 15 most recent entries: attempts 25..39.
    assert re.search(r"Attempt 25\b", text) and re.search(r"Attempt 39\b", text)
    assert not re.search(r"Attempt 24\b", text)
    assert "Ayşe Yılmaz" in text


def test_the_card_photographed_at_the_booth_is_on_the_sheet(tmp_path: Path) -> None:
    """Issue 20: a card lead's sheet carries the card photo, and still fits one page."""
    import cv2

    from boothapp.demo.cards import demo_card_frame

    _, still = demo_card_frame()
    photo = tmp_path / "card.jpg"
    cv2.imwrite(str(photo), still)
    demo = generate(1)
    lead = replace(demo.leads[0], notes="Long conversation about pricing. " * 60)
    path = tmp_path / "lead.pdf"
    write_lead_sheet(lead, demo.event, path, questions=DEMO_QUESTIONS, card_image=photo)
    pages, text = _text(path)
    assert pages == 1 and "Business card" in text
    (image,) = PdfReader(path).pages[0].images
    assert image.image is not None and image.image.size == (still.shape[1], still.shape[0])


def test_the_sheet_shows_the_card_flattened_out_of_the_still(tmp_path: Path) -> None:
    import cv2

    from boothapp.demo.cards import demo_card_frame
    from boothapp.services.card_images import card_picture

    _, still = demo_card_frame()
    photo = tmp_path / "card.jpg"
    cv2.imwrite(str(photo), still)
    demo = generate(1)
    path = tmp_path / "lead.pdf"
    write_lead_sheet(demo.leads[0], demo.event, path, card_image=card_picture(photo))
    (image,) = PdfReader(path).pages[0].images
    width, height = image.image.size  # type: ignore[union-attr]
    assert width < still.shape[1] and 1.5 < width / height < 1.9  # the card, not the desk


def test_the_owner_is_named_not_shown_by_id(tmp_path: Path) -> None:
    """The routing owner is a rep id; the sheet names the rep (issue 21)."""
    demo = generate(1)
    lead = replace(demo.leads[0], owner="booth_manager")
    path = tmp_path / "lead.pdf"
    write_lead_sheet(lead, demo.event, path, owner_name="Deniz Aksoy")
    _pages, text = _text(path)
    assert "Deniz Aksoy" in text and "booth_manager" not in text
