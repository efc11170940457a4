"""Painted charts of the Results page (issue 22): the funnel as bars, and speed-to-lead rates
with their 95 % intervals as whiskers. Drawn directly, like the dashboard's hour bars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from boothapp.core.results.funnel import STEP_LABELS, Funnel
from boothapp.core.results.speed import SpeedBucket

BAR, MEETING, WON = QColor("#2e8b57"), QColor("#2e8b57"), QColor("#3b78b5")


def _ink(widget: QWidget) -> tuple[QColor, QColor, QColor]:
    """Text, muted text and grid colours from the palette, so the dark theme reads too."""
    pal = widget.palette()
    text = pal.color(QPalette.ColorRole.WindowText)
    muted = pal.color(QPalette.ColorRole.PlaceholderText)
    return text, muted, pal.color(QPalette.ColorRole.Mid)


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
        label_w, value_w = 110.0, 150.0
        row_h = self.height() / max(1, len(steps))
        peak = max([s.count for s in steps] + [1])
        width = self.width() - label_w - value_w - 16
        for i, s in enumerate(steps):
            y = i * row_h
            p.setPen(ink)
            p.drawText(
                QRectF(0, y, label_w - 8, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                STEP_LABELS[s.step],
            )
            w = width * s.count / peak
            p.fillRect(QRectF(label_w, y + row_h * 0.18, max(w, 1.0), row_h * 0.64), BAR)
            rate = "" if s.rate is None else self.tr("  ({0:.0f} %)").format(s.rate * 100)
            p.drawText(
                QRectF(label_w + w + 6, y, value_w + width - w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{s.count:,}{rate}",
            )
        p.end()


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
        fm_h = self.fontMetrics().height()
        left, top = self.fontMetrics().horizontalAdvance("100 %") + 12.0, fm_h + 10
        bottom = self.height() - 2 * fm_h - 8
        plot_h = bottom - top
        right = self.width() - 8.0
        for mark in (0, 25, 50, 75, 100):
            y = bottom - plot_h * mark / 100
            p.setPen(grid)
            p.drawLine(QPointF(left, y), QPointF(right, y))
            p.setPen(muted)
            p.drawText(QRectF(0, y - fm_h / 2, left - 6, fm_h), Qt.AlignmentFlag.AlignRight,
                       self.tr("{0} %").format(mark))  # fmt: skip
        slot = (right - left) / len(self.buckets)
        bar_w = min(26.0, slot / 3)
        for i, b in enumerate(self.buckets):
            centre = left + i * slot + slot / 2
            for j, (rate, colour) in enumerate(((b.meeting, MEETING), (b.won, WON))):
                x = centre - bar_w + j * bar_w
                if rate.value is not None:
                    h = plot_h * rate.value
                    p.fillRect(QRectF(x + 1, bottom - h, bar_w - 2, h), colour)
                if rate.low is not None and rate.high is not None:
                    cx = x + bar_w / 2
                    y1, y2 = bottom - plot_h * rate.low, bottom - plot_h * rate.high
                    p.setPen(ink)
                    p.drawLine(QPointF(cx, y1), QPointF(cx, y2))
                    p.drawLine(QPointF(cx - 4, y1), QPointF(cx + 4, y1))
                    p.drawLine(QPointF(cx - 4, y2), QPointF(cx + 4, y2))
            p.setPen(ink)
            p.drawText(QRectF(centre - slot / 2, bottom + 2, slot, fm_h),
                       Qt.AlignmentFlag.AlignCenter, b.label)  # fmt: skip
            p.setPen(muted)
            p.drawText(QRectF(centre - slot / 2, bottom + 2 + fm_h, slot, fm_h),
                       Qt.AlignmentFlag.AlignCenter, f"n = {b.leads:,}")  # fmt: skip
        for k, (label, colour) in enumerate((("meeting", MEETING), ("won", WON))):
            x = right - 190 + k * 95
            p.fillRect(QRectF(x, 4, 12, 12), colour)
            p.setPen(ink)
            p.drawText(QRectF(x + 16, 0, 80, fm_h + 4), Qt.AlignmentFlag.AlignVCenter, label)
        p.end()
