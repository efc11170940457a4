"""ROI pages of the post-show report (issue 22): headline figures, the funnel, cost per stage,
speed-to-lead bars with their 95 % intervals, first-touch timing and where leads sit.

``roi_pages`` gives the flowables the post-show report appends; ``write_roi_pdf`` writes them
alone (``boothapp roi --format pdf``), with a side-by-side page when events are compared.
Worded in the current language (the post-show report sets the event's, issue 21).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
)

from boothapp.core.config.costs_section import COST_LABELS
from boothapp.core.config.rep_names import shown_rep_name
from boothapp.core.i18n import N_, label
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import locale_of
from boothapp.core.models import Rating
from boothapp.core.results.funnel import Funnel, Step
from boothapp.core.results.report import ShowResults
from boothapp.core.results.speed import SpeedBucket, bucket_label
from boothapp.core.results.timing import WEEKDAYS
from boothapp.reports.export_io import atomic_path
from boothapp.reports.pdf_charts import bar_chart, for_reader, funnel_chart
from boothapp.reports.pdf_layout import data_table, numbered_canvas
from boothapp.reports.pdf_text import BRAND, FONT, FONT_BOLD, GRID, MUTED, para, styles, visual
from boothapp.reports.roi_format import (
    amount,
    count,
    headline,
    pct,
    return_text,
    speed_row,
)
from boothapp.reports.stats import Count

MARGIN = 1.8 * cm
# Narrow columns of the by-rating and by-rep tables: the long step names overlap in bold.
SHORT_STEP = {
    Step.QUALIFIED: N_("Qualif."),
    Step.CONTACTED: N_("Contact."),
    Step.OPPORTUNITY: N_("Opport."),
}
CONTENT_W = A4[0] - 2 * MARGIN - 12
MEETING_COLOUR = colors.HexColor("#2e8b57")
WON_COLOUR = colors.HexColor("#1f4e79")


def roi_pages(r: ShowResults, width: float = CONTENT_W, new_page: bool = True) -> list[Flowable]:
    st = styles()
    m = r.money
    story: list[Flowable] = [PageBreak()] if new_page else []
    story += [
        para(st["h1"], _("Was the show worth it?")),
        para(
            st["small"],
            _(
                "From the booth's own leads, their follow-ups and the deals pulled back from "
                "the CRM. A lead counts at every funnel step up to the deepest it reached; "
                "amounts are kept per currency."
            ),
            None,
        ),
        Spacer(1, 0.3 * cm),
        data_table(
            (_("Figure"), _("Value")), headline(r), (width * 0.62, width * 0.38), st["cell"], (1,)
        ),
        Spacer(1, 0.4 * cm),
        funnel_chart(
            _("Funnel"),
            [Count(label(s.step), s.count) for s in r.funnel.steps],
            width,
            6.5 * cm,
        ),
        _funnel_table(r.funnel, width, _("Step")),
    ]
    story += [PageBreak(), para(st["h1"], _("Money"))]
    if m.totals:
        rows = [
            (t.currency, amount(t.pipeline, t.currency), amount(t.won, t.currency),
             amount(t.open, t.currency), amount(t.lost, t.currency),
             f"{t.won_deals}/{t.open_deals}/{t.lost_deals}")
            for t in m.totals
        ]  # fmt: skip
        story.append(
            data_table(
                (
                    _("Currency"),
                    _("Pipeline"),
                    _("Won"),
                    _("Open"),
                    _("Lost"),
                    _("Won/open/lost"),
                ),
                rows,
                [width * w for w in (0.11, 0.17, 0.17, 0.17, 0.17, 0.21)],
                st["cell"],
                (1, 2, 3, 4, 5),
            )
        )
    else:
        story.append(para(st["body"], _("No deals pulled from the CRM yet.")))
    if m.total_cost is not None:
        lines = [(_(COST_LABELS[k]), amount(v, m.cost_currency)) for k, v in m.cost_lines if v]
        lines.append((_("Total"), amount(m.total_cost, m.cost_currency)))
        story += [
            para(st["h2"], _("What the show cost")),
            data_table(
                (_("Item"), _("Amount")), lines, (width * 0.6, width * 0.4), st["cell"], (1,)
            ),
            para(st["body"], _("Return on cost: {value}").format(value=return_text(m))),
        ]
        if m.cost_per:
            story += [
                Spacer(1, 0.4 * cm),
                bar_chart(
                    _("Cost per stage ({currency})").format(currency=m.cost_currency),
                    [Count(label(c.step), int(c.cost or 0)) for c in m.cost_per],
                    width,
                    5.5 * cm,
                ),
            ]
    if m.earlier_deals:
        story.append(
            para(
                st["small"],
                _(
                    "{count} deal(s) won before the visitor came to the booth are prior "
                    "business and left out."
                ).format(count=m.earlier_deals),
            )
        )
    story += [
        para(st["h2"], _("Did 'hot' predict won? Funnel by rating")),
        _funnel_table_many(r.by_rating, width, _("Rating"), _rating_name),
        para(st["h2"], _("Funnel by rep")),
        _funnel_table_many(r.by_rep, width, _("Rep"), shown_rep_name),
        PageBreak(),
        para(st["h1"], _("Speed to lead")),
        speed_chart(r.speed.buckets, width, 7 * cm),
        Spacer(1, 0.2 * cm),
        data_table(
            (
                _("First contact"),
                _("Leads"),
                _("Meeting"),
                _("95 % interval"),
                _("Won"),
                _("95 % interval"),
            ),
            [speed_row(b) for b in r.speed.buckets],
            [width * w for w in (0.2, 0.12, 0.14, 0.2, 0.14, 0.2)],
            st["cell"],
            (1, 2, 3, 4, 5),
        ),
        Spacer(1, 0.2 * cm),
        para(st["body"], r.speed.summary, None),
        para(st["h2"], _("First touch that got an answer")),
        data_table(
            (_("Weekday"), *(_weekday(d.label) for d in r.timing.by_weekday)),
            [
                (_("First touches"), *(str(d.touched) for d in r.timing.by_weekday)),
                (_("Answered"), *(str(d.answered) for d in r.timing.by_weekday)),
                (_("Rate"), *(pct(d.rate) for d in r.timing.by_weekday)),
            ],
            [width * 0.23] + [width * 0.11] * 7,
            st["cell"],
            tuple(range(1, 8)),
        ),
        KeepTogether(
            [
                para(st["h2"], _("Where leads sit now")),
                data_table(
                    (_("Stage"), _("Leads"), _("Median days there"), _("Longest")),
                    [
                        (
                            label(d.stage),
                            count(d.leads),
                            "–" if d.median_days is None else f"{d.median_days:.1f}",
                            "–" if d.longest_days is None else f"{d.longest_days:.1f}",
                        )
                        for d in r.stages
                    ],
                    [width * w for w in (0.4, 0.2, 0.2, 0.2)],
                    st["cell"],
                    (1, 2, 3),
                ),
            ]
        ),
    ]
    return story


def _weekday(english: str) -> str:
    """ "Tue" (core.results.timing) as the current language abbreviates it (CLDR)."""
    if english not in WEEKDAYS:
        return english
    names = locale_of().days["format"]["abbreviated"]
    return str(names[WEEKDAYS.index(english)])


def compare_page(results: Sequence[ShowResults], width: float = CONTENT_W) -> list[Flowable]:
    st = styles()
    labels: list[str] = []
    cols = []
    for r in results:
        col = dict(headline(r))
        cols.append(col)
        labels += [k for k in col if k not in labels]
    first = width * 0.34
    rest = (width - first) / max(1, len(results))
    return [
        PageBreak(),
        para(st["h1"], _("Side by side")),
        data_table(
            (_("Figure"), *(r.event_name for r in results)),
            [(name, *(c.get(name, "–") for c in cols)) for name in labels],
            [first] + [rest] * len(results),
            st["cell"],
            tuple(range(1, len(results) + 1)),
        ),
    ]


def write_roi_pdf(results: Sequence[ShowResults], path: Path) -> None:
    """The ROI pages alone, for ``boothapp roi --format pdf``; the file appears once complete."""
    st = styles()
    story: list[Flowable] = [para(st["title"], _("Show results"))]
    for i, r in enumerate(results):
        if i:
            story.append(PageBreak())
        story += [para(st["subtitle"], r.event_name), *roi_pages(r, new_page=False)]
    if len(results) > 1:
        story += compare_page(results)
    with atomic_path(Path(path)) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=_("Show results: {event}").format(event=results[0].event_name),
            author="BoothApp",
        )  # fmt: skip
        footer = visual(_("{event} · results").format(event=results[0].event_name))
        doc.build(story, canvasmaker=numbered_canvas(footer))


def speed_chart(buckets: Sequence[SpeedBucket], width: float, height: float) -> Drawing:
    """Meeting and won rate per first-contact bucket, each bar with its 95 % interval as a
    whisker, and the number of leads under the bucket: a small bucket shows a long whisker."""
    d = Drawing(width, height)
    title = _("Conversion by time to first contact (bars: rate, whiskers: 95 % interval)")
    d.add(String(0, height - 12, visual(title), fontName=FONT_BOLD, fontSize=10,
                 fillColor=BRAND))  # fmt: skip
    left, bottom, top = 34, 34, height - 40
    plot_h = top - bottom
    slot = (width - left - 10) / max(1, len(buckets))
    bar_w = min(18.0, slot / 3)
    for pct_mark in (0, 25, 50, 75, 100):
        y = bottom + plot_h * pct_mark / 100
        d.add(Line(left, y, width - 10, y, strokeColor=GRID, strokeWidth=0.4))
        d.add(String(left - 4, y - 3, visual(pct(pct_mark / 100)), fontName=FONT, fontSize=6.5,
                     textAnchor="end", fillColor=MUTED))  # fmt: skip
    for i, b in enumerate(buckets):
        x0 = left + i * slot + slot / 2 - bar_w
        for j, (rate, colour) in enumerate(((b.meeting, MEETING_COLOUR), (b.won, WON_COLOUR))):
            x = x0 + j * bar_w
            if rate.value is not None:
                d.add(Rect(x + 1, bottom, bar_w - 2, plot_h * rate.value, fillColor=colour,
                           strokeColor=None))  # fmt: skip
            if rate.low is not None and rate.high is not None:
                cx = x + bar_w / 2
                y1, y2 = bottom + plot_h * rate.low, bottom + plot_h * rate.high
                for line in ((cx, y1, cx, y2), (cx - 3, y1, cx + 3, y1), (cx - 3, y2, cx + 3, y2)):
                    d.add(Line(*line, strokeColor=colors.black, strokeWidth=0.8))
        d.add(String(left + i * slot + slot / 2, bottom - 11, visual(bucket_label(b.label)),
                     fontName=FONT,
                     fontSize=7.5, textAnchor="middle"))  # fmt: skip
        n = visual(f"n = {count(b.leads)}")
        d.add(String(left + i * slot + slot / 2, bottom - 21, n, fontName=FONT,
                     fontSize=6.5, textAnchor="middle", fillColor=MUTED))  # fmt: skip
    legend = ((_("meeting"), MEETING_COLOUR), (_("won"), WON_COLOUR))
    for k, (name, colour) in enumerate(legend):
        x = width - 120 + k * 60
        d.add(Rect(x, height - 26, 8, 8, fillColor=colour, strokeColor=None))
        d.add(String(x + 11, height - 25, visual(name), fontName=FONT, fontSize=7.5))
    return for_reader(d)


def _funnel_rows(f: Funnel) -> list[str]:
    return [count(s.count) + ("" if s.rate is None else f" ({pct(s.rate)})") for s in f.steps]


def _funnel_table(f: Funnel, width: float, first: str) -> Flowable:
    st = styles()
    rows = [(label(s.step), count(s.count), pct(s.rate, 1)) for s in f.steps]
    return data_table(
        (first, _("Count"), _("Of the step before")), rows, (width * 0.4, width * 0.3, width * 0.3),
        st["cell"], (1, 2),
    )  # fmt: skip


def _rating_name(key: str) -> str:
    try:
        return label(Rating(key))
    except ValueError:
        return key


def _funnel_table_many(
    funnels: Sequence[Funnel],
    width: float,
    first: str,
    name: Callable[[str], str] = str,
) -> Flowable:
    st = styles()
    if not funnels:
        return para(st["body"], _("No leads."))
    steps = [_(SHORT_STEP[s.step]) if s.step in SHORT_STEP else label(s.step)
             for s in funnels[0].steps]  # fmt: skip
    col = (width - width * 0.2) / len(steps)
    return data_table(
        (first, *steps),
        [(name(f.key) if f.key else _("(nobody)"), *_funnel_rows(f)) for f in funnels],
        [width * 0.2] + [col] * len(steps),
        st["cell"],
        tuple(range(1, len(steps) + 1)),
    )
