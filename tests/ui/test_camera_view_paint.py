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

from boothapp.ui.camera_view import CameraView
from boothapp.ui.dashboard_page import HourBars


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
