"""The post-show PDF report an event manager hands to their boss (reportlab platypus).

Written in the event's language (``language:`` in the event config, issue 21): every heading
and label goes through the core catalogue (``core.i18n``), numbers and dates through Babel
(``core.i18n_format``), and in Persian the pages read right to left (right-aligned text,
tables mirrored, Arabic script shaped by ``pdf_text.visual``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from boothapp.core.i18n import Language, current, label, using
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_date, format_number, format_percent, format_zone
from boothapp.core.models import Rating
from boothapp.core.results.report import ShowResults
from boothapp.reports.columns import event_zone
from boothapp.reports.export_io import atomic_path
from boothapp.reports.pdf_charts import bar_chart, funnel_chart, rating_pie
from boothapp.reports.pdf_layout import data_table, mirrored, numbered_canvas
from boothapp.reports.pdf_roi import roi_pages
from boothapp.reports.pdf_text import FONT, FONT_BOLD, GRID, local_time, para, styles, visual
from boothapp.reports.stats import Count, GroupRow, ReportData

PdfProgress = Callable[[int, int], None]  # (step done, steps)
LOGO_MAX_W, LOGO_MAX_H = 6 * cm, 3 * cm
PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
# SimpleDocTemplate's frame pads 6 pt on each side inside the margins.
FRAME_PAD = 6
CONTENT_W = PAGE_W - 2 * MARGIN - 2 * FRAME_PAD


def _pct(part: int, whole: int) -> str:
    return format_percent(part / whole) if whole else "–"


def _n(value: int) -> str:
    return format_number(value)


def _minutes(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 120:
        return _("{minutes} min").format(minutes=format_number(value))
    return _("{hours} h").format(hours=format_number(value / 60, decimals=1))


def _logo(path: Path) -> Image:
    try:
        reader = ImageReader(str(path))
        w, h = reader.getSize()
    except Exception as exc:  # reportlab/PIL raise many types for a bad image
        raise ValueError(f"Logo {str(path)!r} is not a readable image: {exc}") from exc
    scale = min(LOGO_MAX_W / w, LOGO_MAX_H / h, 1.0)
    image = Image(str(path), width=w * scale, height=h * scale)
    image.hAlign = "LEFT"
    return image


def _cover(data: ReportData, logo: Path | None) -> list[Flowable]:
    st = styles()
    ev = data.event
    zone = event_zone(ev)
    story: list[Flowable] = []
    if logo is not None:
        story += [_logo(logo), Spacer(1, 0.6 * cm)]
    story += [
        para(st["title"], _("Post-show report")),
        Spacer(1, 0.2 * cm),
        para(st["subtitle"], ev.name),
        Spacer(1, 0.5 * cm),
    ]
    facts = [
        (_("Venue"), ev.venue),
        (_("Booth"), ev.booth),
        (_("Dates"), " – ".join(format_date(d) for d in (ev.starts_on, ev.ends_on) if d)),
        (_("Time zone"), format_zone(ev.timezone)),
        (_("Report generated"), local_time(data.generated_at, zone)),
    ]
    fact_rows = [mirrored([visual(k), para(st["body"], v)]) for k, v in facts if v]
    if fact_rows:
        key_col = -1 if current().rtl else 0
        t = Table(fact_rows, colWidths=mirrored([4.6 * cm, CONTENT_W - 4.6 * cm]))
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (key_col, 0), (key_col, -1), FONT_BOLD, 9.5),
                    ("ALIGN", (key_col, 0), (key_col, -1), "RIGHT" if current().rtl else "LEFT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story += [t, Spacer(1, 0.6 * cm)]
    story.append(para(st["h1"], _("Key figures")))
    story.append(_key_figures(data))
    return story


def _key_figures(data: ReportData) -> Table:
    mix = {c.label: c.count for c in data.rating_mix}
    rows = [
        (_("Total leads"), _n(data.total), ""),
        (_("Qualified (hand to sales)"), _n(data.qualified), _pct(data.qualified, data.total)),
        (_("Nurture"), _n(data.nurture), _pct(data.nurture, data.total)),
        *(
            (label(r), _n(mix.get(r.value, 0)), _pct(mix.get(r.value, 0), data.total))
            for r in (Rating.HOT, Rating.WARM, Rating.COLD)
        ),
        (_("Average score"), format_number(data.average_score, decimals=1), ""),
        (
            _("Flagged 'please delete'"),
            _n(data.please_delete),
            _pct(data.please_delete, data.total),
        ),
    ]
    r = data.response
    if r is not None:
        touched = r.touched + r.untouched
        rows += [
            (_("Contacted so far"), _n(r.touched), _pct(r.touched, touched)),
            (_("Median time to first contact"), _minutes(r.median_minutes), ""),
            (_("90 % contacted within"), _minutes(r.p90_minutes), ""),
            (_("Contacted within 1 hour"), _n(r.within_1h), _pct(r.within_1h, touched)),
            (_("Contacted within 24 hours"), _n(r.within_24h), _pct(r.within_24h, touched)),
            (_("Contacted within 48 hours"), _n(r.within_48h), _pct(r.within_48h, touched)),
        ]
    rtl = current().rtl
    t = Table(
        [mirrored([visual(cell) for cell in row]) for row in rows],
        colWidths=mirrored([8 * cm, 3.5 * cm, 2.5 * cm]),
        hAlign="RIGHT" if rtl else "LEFT",
    )
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 10),
                ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                *([] if rtl else [("ALIGN", (0, 0), (0, -1), "LEFT")]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _days(per_day: tuple[Count, ...]) -> tuple[Count, ...]:
    """The chart's days in the reader's short date ("29/3/26", "۱۴۰۵/۱/۹" is Babel's call);
    English keeps ISO days, the form its pinned report text holds (issue 21)."""
    if current() is Language.EN:
        return per_day
    return tuple(
        Count(format_date(date.fromisoformat(c.label), width="short"), c.count) for c in per_day
    )


def _charts(data: ReportData) -> list[Flowable]:
    st = styles()
    half_h = 7.2 * cm
    return [
        para(st["h1"], _("When leads came in")),
        para(st["small"], _("Hall clock, {zone}.").format(zone=format_zone(data.event.timezone))),
        Spacer(1, 0.2 * cm),
        bar_chart(_("Leads per day"), _days(data.per_day), CONTENT_W, half_h),
        Spacer(1, 0.5 * cm),
        bar_chart(_("Leads per hour of day (all days)"), data.per_hour, CONTENT_W, half_h),
        PageBreak(),
        para(st["h1"], _("Lead quality and pipeline")),
        rating_pie(_("Rating mix"), data.rating_mix, CONTENT_W, 6 * cm),
        Spacer(1, 0.6 * cm),
        funnel_chart(_("Funnel by stage"), data.funnel, CONTENT_W, 7 * cm),
    ]


def _group_table(rows: tuple[GroupRow, ...], first: str) -> Flowable:
    st = styles()
    widths = [5.6 * cm, 1.8 * cm, 1.6 * cm, 2.0 * cm, 2.2 * cm, CONTENT_W - 13.2 * cm]
    body = [
        (
            r.label,
            _n(r.leads),
            _n(r.hot),
            _n(r.qualified),
            format_number(r.average_score, decimals=1),
            _minutes(r.median_response_minutes),
        )
        for r in rows
    ]
    header = (first, _("Leads"), label(Rating.HOT), _("Qualified"), _("Avg score"),
              _("Median reply"))  # fmt: skip
    return data_table(header, body, widths, st["cell"], numeric_cols=(1, 2, 3, 4, 5))


def _tables(data: ReportData) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [
        PageBreak(),
        para(st["h1"], _("Who captured and who follows up")),
    ]
    story += [
        para(st["h2"], _("Per staff member")),
        _group_table(data.per_staff, _("Staff")),
    ]
    story += [
        para(st["h2"], _("Per routing owner")),
        _group_table(data.per_owner, _("Owner")),
    ]
    for q in data.per_question:
        story += [para(st["h2"], q.label), _group_table(q.rows, _("Answer"))]
    return story


def _top_leads(data: ReportData) -> list[Flowable]:
    st = styles()
    zone = event_zone(data.event)
    rows = [
        (
            lead.display_name,
            lead.contact.company,
            label(lead.rating),
            _n(lead.score),
            data.owner_name(lead.owner),
            local_time(lead.created_at, zone),
        )
        for lead in data.top_leads
    ]
    widths = [4.4 * cm, 4.0 * cm, 1.5 * cm, 1.3 * cm, 3.6 * cm, CONTENT_W - 14.8 * cm]
    header = (_("Name"), _("Company"), _("Rating"), _("Score"), _("Owner"), _("Captured"))
    return [
        PageBreak(),
        para(st["h1"], _("Top {count} leads").format(count=_n(len(rows)))),
        data_table(header, rows, widths, st["cell"], numeric_cols=(3,)),
    ]


def write_report_pdf(
    data: ReportData,
    path: Path,
    logo: Path | None = None,
    progress: PdfProgress | None = None,
    roi: ShowResults | None = None,
    language: Language | None = None,
) -> None:
    """Write the post-show report; the file appears only once complete. ``roi``: the
    results pages (issue 22, ``pdf_roi``) after the report's own. ``language``: the event's
    (None: the current language)."""
    with using(language):
        _write_report_pdf(data, path, logo, progress, roi)


def _write_report_pdf(
    data: ReportData,
    path: Path,
    logo: Path | None,
    progress: PdfProgress | None,
    roi: ShowResults | None,
) -> None:
    steps = 5

    def step(n: int) -> None:
        if progress is not None:
            progress(n, steps)

    if logo is not None and not Path(logo).is_file():
        raise ValueError(f"Logo file {str(logo)!r} does not exist.")
    story = _cover(data, Path(logo) if logo else None)
    step(1)
    story += [PageBreak(), *_charts(data)]
    step(2)
    story += _tables(data)
    step(3)
    story += _top_leads(data)
    if roi is not None:
        story += roi_pages(roi, CONTENT_W)
    step(4)
    path = Path(path)
    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Post-show report: {event}").format(event=data.event.name),
            author="BoothApp",
        )
        doc.build(
            story,
            canvasmaker=numbered_canvas(
                visual(_("{event} · post-show report").format(event=data.event.name))
            ),
        )
    step(5)
