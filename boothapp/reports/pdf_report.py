"""The post-show PDF report an event manager hands to their boss (reportlab platypus)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from boothapp.core.results.report import ShowResults
from boothapp.reports.columns import event_zone
from boothapp.reports.export_io import atomic_path
from boothapp.reports.pdf_charts import bar_chart, funnel_chart, rating_pie
from boothapp.reports.pdf_layout import data_table, numbered_canvas
from boothapp.reports.pdf_roi import roi_pages
from boothapp.reports.pdf_text import FONT, FONT_BOLD, GRID, local_time, markup, styles, visual
from boothapp.reports.stats import GroupRow, ReportData

PdfProgress = Callable[[int, int], None]  # (step done, steps)
LOGO_MAX_W, LOGO_MAX_H = 6 * cm, 3 * cm
PAGE_W, PAGE_H = A4
MARGIN = 1.8 * cm
# SimpleDocTemplate's frame pads 6 pt on each side inside the margins.
FRAME_PAD = 6
CONTENT_W = PAGE_W - 2 * MARGIN - 2 * FRAME_PAD


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} %" if whole else "–"


def _minutes(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 120:
        return f"{value:.0f} min"
    return f"{value / 60:.1f} h"


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
        Paragraph("Post-show report", st["title"]),
        Spacer(1, 0.2 * cm),
        Paragraph(markup(ev.name), st["subtitle"]),
        Spacer(1, 0.5 * cm),
    ]
    facts = [
        ("Venue", ev.venue),
        ("Booth", ev.booth),
        ("Dates", " – ".join(str(d) for d in (ev.starts_on, ev.ends_on) if d)),
        ("Time zone", ev.timezone),
        ("Report generated", local_time(data.generated_at, zone)),
    ]
    fact_rows = [[visual(k), Paragraph(markup(v), st["body"])] for k, v in facts if v]
    if fact_rows:
        t = Table(fact_rows, colWidths=[4 * cm, CONTENT_W - 4 * cm])
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), FONT_BOLD, 9.5),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story += [t, Spacer(1, 0.6 * cm)]
    story.append(Paragraph("Key figures", st["h1"]))
    story.append(_key_figures(data))
    return story


def _key_figures(data: ReportData) -> Table:
    mix = {c.label: c.count for c in data.rating_mix}
    rows = [
        ("Total leads", f"{data.total:,}", ""),
        ("Qualified (hand to sales)", f"{data.qualified:,}", _pct(data.qualified, data.total)),
        ("Nurture", f"{data.nurture:,}", _pct(data.nurture, data.total)),
        ("Hot", f"{mix.get('hot', 0):,}", _pct(mix.get("hot", 0), data.total)),
        ("Warm", f"{mix.get('warm', 0):,}", _pct(mix.get("warm", 0), data.total)),
        ("Cold", f"{mix.get('cold', 0):,}", _pct(mix.get("cold", 0), data.total)),
        ("Average score", f"{data.average_score:.1f}", ""),
        (
            "Flagged 'please delete'",
            f"{data.please_delete:,}",
            _pct(data.please_delete, data.total),
        ),
    ]
    r = data.response
    if r is not None:
        touched = r.touched + r.untouched
        rows += [
            ("Contacted so far", f"{r.touched:,}", _pct(r.touched, touched)),
            ("Median time to first contact", _minutes(r.median_minutes), ""),
            ("90 % contacted within", _minutes(r.p90_minutes), ""),
            ("Contacted within 1 hour", f"{r.within_1h:,}", _pct(r.within_1h, touched)),
            ("Contacted within 24 hours", f"{r.within_24h:,}", _pct(r.within_24h, touched)),
            ("Contacted within 48 hours", f"{r.within_48h:,}", _pct(r.within_48h, touched)),
        ]
    t = Table([list(row) for row in rows], colWidths=[8 * cm, 3.5 * cm, 2.5 * cm], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 10),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _charts(data: ReportData) -> list[Flowable]:
    st = styles()
    half_h = 7.2 * cm
    return [
        Paragraph("When leads came in", st["h1"]),
        Paragraph(f"Hall clock, {markup(data.event.timezone)}.", st["small"]),
        Spacer(1, 0.2 * cm),
        bar_chart("Leads per day", data.per_day, CONTENT_W, half_h),
        Spacer(1, 0.5 * cm),
        bar_chart("Leads per hour of day (all days)", data.per_hour, CONTENT_W, half_h),
        PageBreak(),
        Paragraph("Lead quality and pipeline", st["h1"]),
        rating_pie("Rating mix", data.rating_mix, CONTENT_W, 6 * cm),
        Spacer(1, 0.6 * cm),
        funnel_chart("Funnel by stage", data.funnel, CONTENT_W, 7 * cm),
    ]


def _group_table(rows: tuple[GroupRow, ...], first: str) -> Flowable:
    st = styles()
    widths = [5.6 * cm, 1.8 * cm, 1.6 * cm, 2.0 * cm, 2.2 * cm, CONTENT_W - 13.2 * cm]
    body = [
        (
            r.label,
            f"{r.leads:,}",
            f"{r.hot:,}",
            f"{r.qualified:,}",
            f"{r.average_score:.1f}",
            _minutes(r.median_response_minutes),
        )
        for r in rows
    ]
    header = (first, "Leads", "Hot", "Qualified", "Avg score", "Median reply")
    return data_table(header, body, widths, st["cell"], numeric_cols=(1, 2, 3, 4, 5))


def _tables(data: ReportData) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [PageBreak(), Paragraph("Who captured and who follows up", st["h1"])]
    story += [Paragraph("Per staff member", st["h2"]), _group_table(data.per_staff, "Staff")]
    story += [Paragraph("Per routing owner", st["h2"]), _group_table(data.per_owner, "Owner")]
    for q in data.per_question:
        story += [Paragraph(markup(q.label), st["h2"]), _group_table(q.rows, "Answer")]
    return story


def _top_leads(data: ReportData) -> list[Flowable]:
    st = styles()
    zone = event_zone(data.event)
    rows = [
        (
            lead.display_name,
            lead.contact.company,
            lead.rating.value,
            str(lead.score),
            lead.owner,
            local_time(lead.created_at, zone, "%m-%d %H:%M"),
        )
        for lead in data.top_leads
    ]
    widths = [4.4 * cm, 4.0 * cm, 1.5 * cm, 1.3 * cm, 3.6 * cm, CONTENT_W - 14.8 * cm]
    header = ("Name", "Company", "Rating", "Score", "Owner", "Captured")
    return [
        PageBreak(),
        Paragraph(f"Top {len(rows)} leads", st["h1"]),
        data_table(header, rows, widths, st["cell"], numeric_cols=(3,)),
    ]


def write_report_pdf(
    data: ReportData,
    path: Path,
    logo: Path | None = None,
    progress: PdfProgress | None = None,
    roi: ShowResults | None = None,
) -> None:
    """Write the post-show report; the file appears only once complete. ``roi``: the
    results pages (issue 22, ``pdf_roi``) after the report's own."""
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
            title=f"Post-show report: {data.event.name}",
            author="BoothApp",
        )
        doc.build(
            story, canvasmaker=numbered_canvas(f"{visual(data.event.name)} · post-show report")
        )
    step(5)
