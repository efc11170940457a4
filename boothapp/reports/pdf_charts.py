"""reportlab.graphics charts for the post-show report, worded in the current language."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Ellipse,
    Group,
    Line,
    Path,
    Polygon,
    PolyLine,
    Rect,
    String,
    Wedge,
)
from reportlab.graphics.widgetbase import Widget
from reportlab.lib import colors

from boothapp.core.i18n import current, label
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number, format_percent, native_digits
from boothapp.core.models import Rating, Stage
from boothapp.reports.pdf_text import BRAND, FONT, FONT_BOLD, MUTED, visual
from boothapp.reports.stats import Count

RATING_COLOURS = {
    "hot": colors.HexColor("#d64541"),
    "warm": colors.HexColor("#f0a030"),
    "cold": colors.HexColor("#4a90c2"),
}


def _nice_scale(value: int) -> tuple[int, int]:
    """(axis top, step): a round step giving at most 6 gridlines, top a little above ``value``."""
    target = max(5, int(value * 1.08) + 1)
    magnitude = 10 ** (len(str(target)) - 1)
    for factor in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        step = max(1, int(magnitude * factor))
        if target / step <= 6:
            return (-(-target // step) * step, step)
    return (target, target)


def _title(drawing: Drawing, text: str) -> None:
    """The chart's title at its start (left; right once ``for_reader`` mirrors it)."""
    drawing.add(
        String(0, drawing.height - 12, visual(text), fontName=FONT_BOLD, fontSize=10,
               fillColor=BRAND)
    )  # fmt: skip


_ANCHOR = {"start": "end", "end": "start"}


def _mirror(node: object, width: float) -> object:
    """``node`` drawn mirrored about x = width / 2, its words still reading forwards: a group
    keeps its rotation mirrored and its children are mirrored about its own origin."""
    if isinstance(node, Widget):
        node = node.draw()  # a chart: the shapes it would draw
    if isinstance(node, Group):
        a, b, c, d, e, f = node.transform
        node.transform = (a, -b, -c, d, width - e, f)
        node.contents = [_mirror(child, 0.0) for child in node.contents]
    elif isinstance(node, String):
        node.x = width - node.x
        node.textAnchor = _ANCHOR.get(node.textAnchor, node.textAnchor)
    elif isinstance(node, Rect):
        node.x = width - node.x - node.width
    elif isinstance(node, Line):
        node.x1, node.x2 = width - node.x1, width - node.x2
    elif isinstance(node, PolyLine | Polygon | Path):
        node.points = [width - v if i % 2 == 0 else v for i, v in enumerate(node.points)]
    elif isinstance(node, Wedge):
        node.centerx = width - node.centerx
        start, end = node.startangledegrees, node.endangledegrees
        node.startangledegrees, node.endangledegrees = 180 - end, 180 - start
    elif isinstance(node, Circle | Ellipse):
        node.cx = width - node.cx
    return node


def for_reader(drawing: Drawing) -> Drawing:
    """A chart as its reader reads: in Persian mirrored, the first category, the value axis
    and the title on the right and bars growing to the left (issue 21); else as drawn."""
    if not current().rtl:
        return drawing
    out = Drawing(drawing.width, drawing.height)
    group = Group(*[_mirror(child, drawing.width) for child in drawing.contents])
    out.add(group)
    return out


def _number(value: float) -> str:
    return format_number(int(value))


def _stage_label(value: str) -> str:
    try:
        return label(Stage(value))
    except ValueError:
        return value.replace("_", " ")


def _rating_label(value: str) -> str:
    try:
        return label(Rating(value))
    except ValueError:
        return value


def bar_chart(title: str, counts: Sequence[Count], width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    _title(drawing, title)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 30
    chart.width, chart.height = width - 44, height - 56
    chart.data = [[c.count for c in counts] or [0]]
    # Days and hours in the reader's digits (Persian), like the figures on the bars.
    chart.categoryAxis.categoryNames = [visual(native_digits(c.label)) for c in counts] or [""]
    chart.valueAxis.valueMin = 0
    top, step = _nice_scale(max((c.count for c in counts), default=0))
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
        axis.strokeColor = MUTED
    if len(counts) > 12:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 4
    chart.barLabelFormat = _number
    chart.valueAxis.labelTextFormat = _number
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return for_reader(drawing)


def funnel_chart(title: str, counts: Sequence[Count], width: float, height: float) -> Drawing:
    """Pipeline stages top to bottom, as horizontal bars."""
    drawing = Drawing(width, height)
    _title(drawing, title)
    chart = HorizontalBarChart()
    chart.x, chart.y = 100, 10
    chart.width, chart.height = width - 130, height - 32
    ordered = list(reversed(counts))  # reportlab draws the first category at the bottom
    chart.data = [[c.count for c in ordered] or [0]]
    chart.categoryAxis.categoryNames = [visual(_stage_label(c.label)) for c in ordered] or [""]
    top, step = _nice_scale(max((c.count for c in counts), default=0))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.bars[0].fillColor = colors.HexColor("#2e8b57")
    chart.bars[0].strokeColor = None
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7.5
        axis.strokeColor = MUTED
    chart.barLabelFormat = _number
    chart.valueAxis.labelTextFormat = _number
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return for_reader(drawing)


def rating_pie(title: str, counts: Sequence[Count], width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    _title(drawing, title)
    shown = [c for c in counts if c.count > 0]
    total = sum(c.count for c in shown)
    if not shown:
        drawing.add(String(10, height / 2, visual(_("No leads yet")), fontName=FONT, fontSize=9))
        return for_reader(drawing)
    pie = Pie()
    size = min(width * 0.5, height - 40)
    pie.x, pie.y = 20, (height - 20 - size) / 2
    pie.width = pie.height = size
    pie.data = [c.count for c in shown]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    for i, c in enumerate(shown):
        pie.slices[i].fillColor = RATING_COLOURS.get(c.label, MUTED)
    drawing.add(pie)
    # Legend with counts and shares; clearer than labels squeezed onto slices.
    legend_x = pie.x + size + 24
    for i, c in enumerate(shown):
        y = pie.y + size - 14 - i * 18
        swatch = RATING_COLOURS.get(c.label, MUTED)

        drawing.add(Rect(legend_x, y, 10, 10, fillColor=swatch, strokeColor=None))
        share = format_percent(c.count / total)
        drawing.add(
            String(
                legend_x + 16,
                y + 1,
                visual(f"{_rating_label(c.label)}: {format_number(c.count)} ({share})"),
                fontName=FONT,
                fontSize=9,
            )
        )
    return for_reader(drawing)
