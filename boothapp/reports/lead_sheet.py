"""One-page PDF handover sheet for the rep who takes a lead over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from boothapp.core.models import Event, Lead
from boothapp.reports.columns import QuestionColumn, event_zone, format_answer
from boothapp.reports.export_io import atomic_path
from boothapp.reports.pdf_layout import numbered_canvas
from boothapp.reports.pdf_text import (
    FONT_BOLD,
    GRID,
    MUTED,
    NARROW_CELL_CHARS,
    local_time,
    markup,
    styles,
    visual,
)

PAGE_W, PAGE_H = A4
MARGIN = 1.6 * cm
# SimpleDocTemplate's frame pads 6 pt on each side inside the margins.
FRAME_PAD = 6
CONTENT_W = PAGE_W - 2 * MARGIN - 2 * FRAME_PAD
# Space left for the body once margins and the footer are taken; KeepInFrame shrinks the
# content into it so the sheet is always exactly one page, however long the notes are.
BODY_H = PAGE_H - 2 * MARGIN - 2 * FRAME_PAD - 0.2 * cm
MAX_HISTORY = 15
CARD_W = 8 * cm  # the business card photo: readable, and the page still fits on one sheet


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    text: str
    by: str = ""


def _facts(rows: Sequence[tuple[str, str]], style_cell: object) -> Table:
    shown = [[visual(k), Paragraph(markup(v, NARROW_CELL_CHARS), style_cell)] for k, v in rows if v]
    if not shown:
        shown = [["", ""]]
    table = Table(shown, colWidths=[3.6 * cm, CONTENT_W / 2 - 3.8 * cm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), FONT_BOLD, 8.5),
                ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _card(source: Path | BinaryIO) -> Image:
    """The card photo at CARD_W wide, its own proportions kept."""
    picture = Image(str(source) if isinstance(source, Path) else source)
    ratio = picture.imageHeight / max(1, picture.imageWidth)
    picture.drawWidth, picture.drawHeight = CARD_W, CARD_W * ratio
    picture.hAlign = "LEFT"
    return picture


def _answers_table(lead: Lead, questions: Sequence[QuestionColumn], cell: object) -> Table:
    rows = []
    for q in questions:
        value = format_answer(q, lead.answers.get(q.id))
        if isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = "" if value is None else str(value)
        rows.append([Paragraph(markup(q.label), cell), Paragraph(markup(text or "–"), cell)])
    table = Table(rows, colWidths=[6 * cm, CONTENT_W - 6 * cm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def write_lead_sheet(
    lead: Lead,
    event: Event,
    path: Path,
    *,
    questions: Sequence[QuestionColumn] = (),
    score_lines: Sequence[str] = (),
    history: Sequence[HistoryEntry] = (),
    card_image: Path | BinaryIO | None = None,
) -> None:
    """Write a one-page handover sheet: contact, answers, notes, score reasons, history, and
    the business card photographed at the booth when there is one (issue 20)."""
    st = styles()
    zone = event_zone(event)
    c = lead.contact
    story: list[Flowable] = [
        Paragraph(markup(lead.display_name), st["title"]),
        Paragraph(markup(" · ".join(p for p in (c.title, c.company) if p)), st["subtitle"]),
        Paragraph(
            markup(
                f"Lead from {event.name}, captured {local_time(lead.created_at, zone)} "
                f"({event.timezone})"
            ),
            st["small"],
        ),
        Spacer(1, 0.4 * cm),
    ]
    contact = _facts(
        [
            ("Email", c.email),
            ("Phone", c.phone),
            ("Company", c.company),
            ("Job title", c.title),
            ("Location", ", ".join(p for p in (c.city, c.country) if p)),
            ("Time zone", c.timezone),
            ("Website", c.website),
        ],
        st["cell"],
    )
    qualification = _facts(
        [
            ("Rating", lead.rating.value + (" (set by staff)" if lead.rating_overridden else "")),
            ("Score", str(lead.score)),
            ("Qualified", "yes" if lead.qualified else "no, nurture"),
            ("Owner", lead.owner or "(unassigned)"),
            ("Stage", lead.stage.value.replace("_", " ")),
            ("Captured by", lead.staff_name),
            ("Source", lead.source.value.replace("_", " ")),
            ("Badge", lead.badge_id),
            ("Referred by", lead.referred_by),
        ],
        st["cell"],
    )
    two_col = Table([[contact, qualification]], colWidths=[CONTENT_W / 2, CONTENT_W / 2])
    two_col.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [two_col, Spacer(1, 0.3 * cm)]

    if questions:
        story += [
            Paragraph("Answers at the booth", st["h2"]),
            _answers_table(lead, questions, st["cell"]),
        ]
    if score_lines:
        story.append(Paragraph("Why this score", st["h2"]))
        story += [Paragraph("• " + markup(line), st["cell"]) for line in score_lines]
    story += [Paragraph("Notes", st["h2"]), Paragraph(markup(lead.notes or "–", None), st["body"])]
    if lead.consent_text:
        when = local_time(lead.consent_given_at, zone)
        story += [
            Paragraph("Consent", st["h2"]),
            Paragraph(
                markup(
                    f"“{lead.consent_text}” — given {when}" if when else lead.consent_text, None
                ),
                st["cell"],
            ),
        ]
    if card_image is not None:
        story += [Paragraph("Business card", st["h2"]), _card(card_image)]
    if history:
        recent = sorted(history, key=lambda h: h.at)[-MAX_HISTORY:]
        story.append(Paragraph("History", st["h2"]))
        for entry in recent:
            who = f" ({entry.by})" if entry.by else ""
            story.append(
                Paragraph(markup(f"{local_time(entry.at, zone)}{who}: {entry.text}"), st["cell"])
            )

    path = Path(path)
    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"Lead: {lead.display_name}",
            author="BoothApp",
        )
        body = KeepInFrame(CONTENT_W, BODY_H, story, mode="shrink")
        doc.build([body], canvasmaker=numbered_canvas(f"{visual(event.name)} · lead handover"))
