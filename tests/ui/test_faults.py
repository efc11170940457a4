"""A fault nobody foresaw while the window runs: one line in the status bar naming it and its
crash file, the traceback kept privately, the window still working."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer

from boothapp.app import AppContext
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.faults import keep_faults
from tests.ui.test_booth_floor import event, window  # the signed-in window

__all__ = ["event", "window"]


@pytest.fixture
def hooked(window: DesktopWindow, ctx: AppContext) -> Iterator[DesktopWindow]:
    previous = keep_faults(ctx.paths, window)
    yield window
    sys.excepthook = previous


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_one_line_and_a_private_file(qtbot, hooked: DesktopWindow,
                                                           ctx: AppContext) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    def broken() -> None:  # fault injection: a slot failing as no test foresaw
        raise RuntimeError("could not write the row of ayse.yilmaz@example.com")

    QTimer.singleShot(0, broken)
    bar = hooked.statusBar()
    qtbot.waitUntil(lambda: "RuntimeError" in bar.currentMessage(), timeout=5000)
    message = bar.currentMessage().replace("\u200e", "")  # the marks that keep a path LTR
    assert message.startswith("Something went wrong (RuntimeError)")
    assert "ayse" not in message
    crash = next((ctx.paths.logs_dir).glob("crash-*.log"))
    assert str(crash) in message
    assert "ayse.yilmaz@example.com" in crash.read_text(encoding="utf-8")
    assert crash.stat().st_mode & 0o077 == 0
    # The window goes on: F2 still opens the leads list.
    qtbot.keyClick(hooked, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: hooked.pages.currentWidget() is hooked.leads, timeout=5000)
