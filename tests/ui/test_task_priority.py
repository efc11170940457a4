"""Background work gives way to the GUI thread (issue 23): a task runs at a lower CPU
priority than the thread that asked for it, and the GUI thread keeps its own."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from boothapp.workers.priority import BACKGROUND_NICE
from boothapp.workers.tasks import TaskRunner

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's"
)


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_task_runs_below_the_gui_thread_and_the_gui_keeps_its_priority(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui_before = _nice()
    seen: list[int] = []
    runner.run(_nice, on_done=seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0] >= max(gui_before, BACKGROUND_NICE)
    assert _nice() == gui_before  # only the pool thread was lowered
    assert runner.wait(5000)
