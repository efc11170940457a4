"""The dashboard's leads-per-hour chart runs the way the reader reads (issue 21): in Persian the
morning is on the right, as the hour labels of a right-to-left page are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from boothapp.ui.dashboard_page import HourBars

BAR = QColor("#7ea6f4")


def _bars(qtbot: QtBot, direction: Qt.LayoutDirection) -> HourBars:
    bars = HourBars()
    qtbot.addWidget(bars)
    bars.setLayoutDirection(direction)
    bars.resize(440, 200)
    counts = [0] * 24
    counts[8] = 5  # only the first hour of the day had leads
    bars.set_counts(tuple(counts))
    bars.show()
    qtbot.waitExposed(bars)
    return bars


def _bar_columns(bars: HourBars) -> list[int]:
    """x of every pixel column with the bar's colour near the chart's foot."""
    image = bars.grab().toImage()
    y = int(bars.height() * 0.6)
    return [x for x in range(image.width()) if image.pixelColor(x, y) == BAR]


def test_the_morning_is_on_the_left_in_english(qtbot: QtBot) -> None:
    bars = _bars(qtbot, Qt.LayoutDirection.LeftToRight)
    columns = _bar_columns(bars)
    assert columns and max(columns) < bars.width() / 4
    assert bars.bar_left(8) < bars.bar_left(18)


def test_the_morning_is_on_the_right_in_persian(qtbot: QtBot) -> None:
    bars = _bars(qtbot, Qt.LayoutDirection.RightToLeft)
    columns = _bar_columns(bars)
    assert columns and min(columns) > bars.width() * 3 / 4
    assert bars.bar_left(8) > bars.bar_left(18)
