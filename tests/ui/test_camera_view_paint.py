"""The preview's painter ends inside its paint event, whoever still holds a reference to it.

A sampling profiler or a watchdog that keeps the paint frame's locals (the ui_latency bench
does) kept an un-ended QPainter alive: Qt printed "QBackingStore::endPaint() called with
active painter" and a bench session died (issue 23).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from boothapp.core.results.funnel import Funnel, Step, StepCount
from boothapp.core.results.speed import Rate, SpeedBucket
from boothapp.ui.camera_view import CameraView
from boothapp.ui.dashboard_page import HourBars
from boothapp.ui.results_charts import FunnelBars, SpeedBars


@pytest.fixture
def kept_paint_locals() -> Iterator[list[dict[str, Any]]]:
    """Keep every paintEvent frame's locals, as a stack sampler would."""
    kept: list[dict[str, Any]] = []

    def profile(frame: FrameType, what: str, _arg: object) -> None:
        if what == "return" and frame.f_code.co_name == "paintEvent":
            kept.append(dict(frame.f_locals))

    sys.setprofile(profile)
    yield kept
    sys.setprofile(None)


def _painted(qtbot: QtBot, widget: QWidget, kept: list[dict[str, Any]]) -> None:
    widget.repaint()
    qtbot.wait(20)
    assert kept, "the paint event ran"
    assert not widget.paintingActive(), "a painter is still active after the paint event"


def test_preview_painter_is_ended_in_every_state(
    qtbot: QtBot, kept_paint_locals: list[dict[str, Any]], qtlog: Any
) -> None:
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(640, 360)
    view.show()
    qtbot.waitExposed(view)
    view.set_message("No camera")  # the message screen
    _painted(qtbot, view, kept_paint_locals)
    frame = np.full((360, 640, 3), 90, np.uint8)
    view.set_frame(frame)  # a picture, an outline, a hint, then the scan's flash
    view.show_symbol([(10, 10), (100, 10), (100, 100), (10, 100)])
    view.set_hint("Hold the badge closer")
    _painted(qtbot, view, kept_paint_locals)
    view.flash("Ayşe Yılmaz")
    _painted(qtbot, view, kept_paint_locals)
    assert not [m for m in qtlog.records if "active painter" in m.message]


def test_dashboard_bars_painter_is_ended(
    qtbot: QtBot, kept_paint_locals: list[dict[str, Any]]
) -> None:
    bars = HourBars()
    qtbot.addWidget(bars)
    bars.resize(400, 160)
    bars.show()
    qtbot.waitExposed(bars)
    _painted(qtbot, bars, kept_paint_locals)


def _green(view: CameraView) -> int:
    """Pixels of the scan's green (outline and flash frame) on screen."""
    image = view.grab().toImage()
    return sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).green() > 180 and image.pixelColor(x, y).red() < 120
    )


def test_outline_and_flash_fade_and_then_nothing_ticks(qtbot: QtBot) -> None:
    """The fade timer runs only while something fades (issue 23: it woke the GUI thread ten
    times a second all day); what it fades still leaves the screen on time without frames."""
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(640, 360)
    view.show()
    qtbot.waitExposed(view)
    view.set_frame(np.full((360, 640, 3), 90, np.uint8))
    assert not view.fading
    view.show_symbol([(10, 10), (100, 10), (100, 100), (10, 100)])
    view.flash("Ayşe Yılmaz")
    assert view.fading and _green(view) > 50
    qtbot.waitUntil(lambda: not view.fading, timeout=3000)  # no new frame meanwhile
    assert _green(view) == 0
    view.show_symbol([(10, 10), (100, 10), (100, 100), (10, 100)])  # the next badge
    assert view.fading and _green(view) > 10


def test_results_charts_end_their_painter_once(
    qtbot: QtBot, kept_paint_locals: list[dict[str, Any]], qtlog: Any
) -> None:
    """The Results page's charts: ended twice, Qt said "QPainter::end: Painter not active,
    aborted" on every paint of the funnel (bench/ui_tour.py, issue 23)."""
    funnel = FunnelBars()
    funnel.set_funnel(Funnel("", (StepCount(Step.LEADS, 120, None),
                                  StepCount(Step.QUALIFIED, 45, 0.375))))  # fmt: skip
    speed = SpeedBars()
    rate = Rate(3, 10, 0.1, 0.6)
    speed.set_buckets([SpeedBucket("< 1 h", 10, rate, rate)])
    for chart in (funnel, speed):
        qtbot.addWidget(chart)
        chart.resize(500, 260)
        chart.show()
        qtbot.waitExposed(chart)
        _painted(qtbot, chart, kept_paint_locals)
    assert not [m.message for m in qtlog.records if "QPainter" in m.message]
