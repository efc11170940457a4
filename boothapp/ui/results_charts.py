"""Painted charts of the Results page (issue 22): the funnel as bars, and speed-to-lead rates
with their 95 % intervals as whiskers. Drawn directly, like the dashboard's hour bars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from boothapp.core.i18n import label
from boothapp.core.results.funnel import Funnel
from boothapp.core.results.speed import SpeedBucket, bucket_label
from boothapp.reports.roi_format import count, pct

BAR, MEETING, WON = QColor("#2e8b57"), QColor("#2e8b57"), QColor("#3b78b5")


def _ink(widget: QWidget) -> tuple[QColor, QColor, QColor]:
    """Text, muted text and grid colours from the palette, so the dark theme reads too."""
    pal = widget.palette()
    text = pal.color(QPalette.ColorRole.WindowText)
    muted = pal.color(QPalette.ColorRole.PlaceholderText)
    return text, muted, pal.color(QPalette.ColorRole.Mid)


class _Mirror:
    """Left-to-right geometry drawn as the widget reads: mirrored right to left in Persian
    (QPainter does not mirror by itself; the words stay unmirrored)."""

    def __init__(self, widget: QWidget) -> None:
        self.rtl = widget.layoutDirection() == Qt.LayoutDirection.RightToLeft
        self.width = float(widget.width())

    def rect(self, r: QRectF) -> QRectF:
        if not self.rtl:
            return r
        return QRectF(self.width - r.x() - r.width(), r.y(), r.width(), r.height())

    def x(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def align(self, a: Qt.AlignmentFlag) -> Qt.AlignmentFlag:
        if not self.rtl:
            return a
        horizontal = {Qt.AlignmentFlag.AlignLeft: Qt.AlignmentFlag.AlignRight,
                      Qt.AlignmentFlag.AlignRight: Qt.AlignmentFlag.AlignLeft}  # fmt: skip
        for old, new in horizontal.items():
            if a & old:
                return (a & ~old) | new
        return a


class FunnelBars(QWidget):
    """One bar per step, its count and the conversion from the step before."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("FunnelBars")
        self.setMinimumHeight(250)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.funnel: Funnel | None = None

    def set_funnel(self, funnel: Funnel) -> None:
        self.funnel = funnel
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.funnel is None:
            return
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()  # always ended inside the paint event (issue 23)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink, _, _ = _ink(self)
        assert self.funnel is not None  # paintEvent paints only a funnel
        steps = self.funnel.steps
        m = _Mirror(self)
        label_w, value_w = 130.0, 150.0
        row_h = self.height() / max(1, len(steps))
        peak = max([s.count for s in steps] + [1])
        width = self.width() - label_w - value_w - 16
        for i, s in enumerate(steps):
            y = i * row_h
            p.setPen(ink)
            p.drawText(
                m.rect(QRectF(0, y, label_w - 8, row_h)),
                m.align(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label(s.step),
            )
            w = width * s.count / peak
            p.fillRect(m.rect(QRectF(label_w, y + row_h * 0.18, max(w, 1.0), row_h * 0.64)), BAR)
            rate = "" if s.rate is None else f"  ({pct(s.rate)})"
            p.drawText(
                m.rect(QRectF(label_w + w + 6, y, value_w + width - w, row_h)),
                m.align(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{count(s.count)}{rate}",
            )


class SpeedBars(QWidget):
    """Meeting and won rate per first-contact bucket; the whisker is the 95 % interval and
    n under each bucket says how many leads it rests on."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("SpeedBars")
        self.setMinimumHeight(240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.buckets: Sequence[SpeedBucket] = ()

    def set_buckets(self, buckets: Sequence[SpeedBucket]) -> None:
        self.buckets = buckets
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.buckets:
            return
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()  # always ended inside the paint event (issue 23)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink, muted, grid = _ink(self)
        m = _Mirror(self)
        fm = self.fontMetrics()
        fm_h = fm.height()
        left, top = fm.horizontalAdvance(pct(1.0)) + 12.0, fm_h + 10
        bottom = self.height() - 2 * fm_h - 8
        plot_h = bottom - top
        right = self.width() - 8.0
        for mark in (0, 25, 50, 75, 100):
            y = bottom - plot_h * mark / 100
            p.setPen(grid)
            p.drawLine(QPointF(m.x(left), y), QPointF(m.x(right), y))
            p.setPen(muted)
            p.drawText(m.rect(QRectF(0, y - fm_h / 2, left - 6, fm_h)),
                       m.align(Qt.AlignmentFlag.AlignRight), pct(mark / 100))  # fmt: skip
        slot = (right - left) / len(self.buckets)
        bar_w = min(26.0, slot / 3)
        for i, b in enumerate(self.buckets):
            centre = left + i * slot + slot / 2
            for j, (rate, colour) in enumerate(((b.meeting, MEETING), (b.won, WON))):
                x = centre - bar_w + j * bar_w
                if rate.value is not None:
                    h = plot_h * rate.value
                    p.fillRect(m.rect(QRectF(x + 1, bottom - h, bar_w - 2, h)), colour)
                if rate.low is not None and rate.high is not None:
                    cx = m.x(x + bar_w / 2)
                    y1, y2 = bottom - plot_h * rate.low, bottom - plot_h * rate.high
                    p.setPen(ink)
                    p.drawLine(QPointF(cx, y1), QPointF(cx, y2))
                    p.drawLine(QPointF(cx - 4, y1), QPointF(cx + 4, y1))
                    p.drawLine(QPointF(cx - 4, y2), QPointF(cx + 4, y2))
            p.setPen(ink)
            p.drawText(m.rect(QRectF(centre - slot / 2, bottom + 2, slot, fm_h)),
                       Qt.AlignmentFlag.AlignCenter, bucket_label(b.label))  # fmt: skip
            p.setPen(muted)
            n = self.tr("n = {0}").format(count(b.leads))
            p.drawText(m.rect(QRectF(centre - slot / 2, bottom + 2 + fm_h, slot, fm_h)),
                       Qt.AlignmentFlag.AlignCenter, n)  # fmt: skip
        legend = ((self.tr("Meeting"), MEETING), (self.tr("Won"), WON))
        widths = [fm.horizontalAdvance(text) + 16 + 14 for text, _ in legend]
        x = right - sum(widths)
        for (text, colour), w in zip(legend, widths, strict=True):
            p.fillRect(m.rect(QRectF(x, 4, 12, 12)), colour)
            p.setPen(ink)
            where = m.align(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            p.drawText(m.rect(QRectF(x + 16, 0, w - 16, fm_h + 4)), where, text)
            x += w
