"""One-page PDF handover sheet for the rep who takes a lead over, in the event's language
(issue 21: labels through ``core.i18n``, right to left in Persian)."""

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

from boothapp.core.i18n import Language, current, label, using
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number, format_zone
from boothapp.core.models import CONTACT_LABELS, Event, Lead
from boothapp.reports.columns import QuestionColumn, event_zone, format_answer
from boothapp.reports.export_io import atomic_path
from boothapp.reports.pdf_layout import mirrored, numbered_canvas
from boothapp.reports.pdf_text import (
    FONT_BOLD,
    GRID,
    MUTED,
    NARROW_CELL_CHARS,
    local_time,
    markup,
    para,
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
    shown = [mirrored([visual(k), para(style_cell, v, NARROW_CELL_CHARS)]) for k, v in rows if v]
    if not shown:
        shown = [["", ""]]
    key = -1 if current().rtl else 0
    table = Table(shown, colWidths=mirrored([3.6 * cm, CONTENT_W / 2 - 3.8 * cm]))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (key, 0), (key, -1), FONT_BOLD, 8.5),
                ("TEXTCOLOR", (key, 0), (key, -1), MUTED),
                ("ALIGN", (key, 0), (key, -1), "RIGHT" if current().rtl else "LEFT"),
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
            text = _("yes") if value else _("no")
        else:
            text = "" if value is None else str(value)
        rows.append(mirrored([para(cell, q.label), para(cell, text or "–")]))
    table = Table(rows, colWidths=mirrored([6 * cm, CONTENT_W - 6 * cm]))
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
    language: Language | None = None,
    owner_name: str = "",
) -> None:
    """Write a one-page handover sheet: contact, answers, notes, score reasons, history, and
    the business card photographed at the booth when there is one (issue 20).
    ``language``: the event's (None: the current language). ``owner_name``: the routing
    owner's name (the sheet shows it instead of the rep's id)."""
    with using(language):
        _write_lead_sheet(
            lead, event, path, questions, score_lines, history, card_image, owner_name
        )


def _write_lead_sheet(
    lead: Lead,
    event: Event,
    path: Path,
    questions: Sequence[QuestionColumn],
    score_lines: Sequence[str],
    history: Sequence[HistoryEntry],
    card_image: Path | BinaryIO | None,
    owner_name: str = "",
) -> None:
    st = styles()
    zone = event_zone(event)
    c = lead.contact
    story: list[Flowable] = [
        para(st["title"], lead.display_name),
        para(st["subtitle"], " · ".join(p for p in (c.title, c.company) if p)),
        para(
            st["small"],
            _("Lead from {event}, captured {when} ({zone})").format(
                event=event.name,
                when=local_time(lead.created_at, zone),
                zone=format_zone(event.timezone),
            ),
        ),
        Spacer(1, 0.4 * cm),
    ]
    contact = _facts(
        [
            (_(CONTACT_LABELS["email"]), c.email),
            (_(CONTACT_LABELS["phone"]), c.phone),
            (_(CONTACT_LABELS["company"]), c.company),
            (_(CONTACT_LABELS["title"]), c.title),
            (_("Location"), ", ".join(p for p in (c.city, c.country) if p)),
            (_("Time zone"), format_zone(c.timezone)),
            (_(CONTACT_LABELS["website"]), c.website),
        ],
        st["cell"],
    )
    qualification = _facts(
        [
            (
                _("Rating"),
                label(lead.rating) + (_(" (set by staff)") if lead.rating_overridden else ""),
            ),
            (_("Score"), format_number(lead.score)),
            (_("Qualified"), _("yes") if lead.qualified else _("no, nurture")),
            (_("Owner"), owner_name or lead.owner or _("(unassigned)")),
            (_("Stage"), label(lead.stage)),
            (_("Captured by"), lead.staff_name),
            (_("Source"), label(lead.source)),
            (_("Badge"), lead.badge_id),
            (_("Referred by"), lead.referred_by),
        ],
        st["cell"],
    )
    two_col = Table([mirrored([contact, qualification])], colWidths=[CONTENT_W / 2, CONTENT_W / 2])
    two_col.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [two_col, Spacer(1, 0.3 * cm)]

    if questions:
        story += [
            para(st["h2"], _("Answers at the booth")),
            _answers_table(lead, questions, st["cell"]),
        ]
    if score_lines:
        story.append(para(st["h2"], _("Why this score")))
        story += [Paragraph("• " + markup(line), st["cell"]) for line in score_lines]
    story += [
        para(st["h2"], _("Notes")),
        para(st["body"], lead.notes or "–", None),
    ]
    if lead.consent_text:
        when = local_time(lead.consent_given_at, zone)
        story += [
            para(st["h2"], _("Consent")),
            para(
                st["cell"],
                _("“{text}” — given {when}").format(text=lead.consent_text, when=when)
                if when
                else lead.consent_text,
                None,
            ),
        ]
    if card_image is not None:
        story += [para(st["h2"], _("Business card")), _card(card_image)]
    if history:
        recent = sorted(history, key=lambda h: h.at)[-MAX_HISTORY:]
        story.append(para(st["h2"], _("History")))
        for entry in recent:
            who = f" ({entry.by})" if entry.by else ""
            story.append(para(st["cell"], f"{local_time(entry.at, zone)}{who}: {entry.text}"))

    path = Path(path)
    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Lead: {name}").format(name=lead.display_name),
            author="BoothApp",
        )
        body = KeepInFrame(CONTENT_W, BODY_H, story, mode="shrink")
        footer = visual(_("{event} · lead handover").format(event=event.name))
        doc.build([body], canvasmaker=numbered_canvas(footer))
