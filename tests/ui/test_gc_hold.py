"""Big background tasks hold garbage collection off until they end (issue 23): a full
collection on a pool thread holds the GIL the GUI thread needs (bench/ui_tour.py)."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from boothapp.workers.gc_hold import collections_held
from boothapp.workers.tasks import TaskRunner


def test_a_big_task_runs_without_collections_and_a_small_one_with(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, bool] = {}
    with qtbot.waitCallback() as big:
        runner.run(gc.isenabled, on_done=big, big=True)
    with qtbot.waitCallback() as small:
        runner.run(gc.isenabled, on_done=small)
    seen["big"], seen["small"] = big.args[0], small.args[0]
    assert seen == {"big": False, "small": True}
    assert gc.isenabled()  # back on once the big task ended
    runner.wait()


def test_two_holders_on_two_threads_keep_collections_off_until_both_end() -> None:
    first_in, first_may_leave = threading.Event(), threading.Event()
    states: list[bool] = []

    def first() -> None:
        with collections_held():
            first_in.set()
            first_may_leave.wait(5)
        states.append(gc.isenabled())  # the second still holds

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collections_held():
        first_may_leave.set()
        thread.join(5)
        assert not gc.isenabled()
    assert states == [False]
    assert gc.isenabled()


def test_collections_off_before_stay_off_after() -> None:
    gc.disable()  # a demo build turns them off for its own reasons
    try:
        with collections_held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
