"""The one way off the GUI thread: run a function on QThreadPool, get the result back on
the GUI thread.

Rules (docs/ARCHITECTURE.md, "Threading"): widgets never call a service directly when it may
take more than a few ms; they ``runner.run(service_call, on_done=..., on_error=...)``.
Callbacks always run on the thread that owns the runner (the GUI thread). Tests may construct
``TaskRunner(inline=True)`` to run tasks synchronously.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from boothapp.workers.gc_hold import collections_held

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from pool threads are queued to it."""

    finished = Signal(object, object)  # (callback, result)
    failed = Signal(object, object)  # (callback, exception)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._call)
        self.failed.connect(self._call)

    @Slot(object, object)
    def _call(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is not None and _alive(callback):
            callback(value)


def _alive(callback: Callable[[Any], None]) -> bool:
    """A result that comes back after its page was closed (a refresh started by a lead-change
    broadcast, then the window shut) is dropped instead of touching a deleted widget."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        relay: _Relay,
        on_done: Done | None,
        on_error: Failed | None,
        runner: TaskRunner,
        big: bool = False,
    ) -> None:
        super().__init__()
        self._fn, self._relay = fn, relay
        self._on_done, self._on_error, self._runner = on_done, on_error, runner
        self._big = big
        self.setAutoDelete(True)

    def run(self) -> None:  # pool thread
        try:
            if self._big:
                with collections_held():
                    result = self._fn()
            else:
                result = self._fn()
        except BaseException as exc:
            log.error("background task failed: %s", "".join(traceback.format_exception(exc)))
            self._relay.failed.emit(self._on_error or self._runner.default_error, exc)
        else:
            self._relay.finished.emit(self._on_done, result)


class TaskRunner(QObject):
    def __init__(self, inline: bool = False, max_threads: int = 4) -> None:
        super().__init__()
        self._inline = inline
        self._relay = _Relay()
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self.default_error: Failed = lambda exc: log.error("unhandled task error: %s", exc)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        big: bool = False,
    ) -> None:
        """``big``: the task reads a whole event (an export, the report, page-wide figures):
        garbage collection waits until it ends (workers/gc_hold.py)."""
        if self._inline:
            try:
                result = fn()
            except BaseException as exc:
                (on_error or self.default_error)(exc)
            else:
                if on_done:
                    on_done(result)
            return
        self._pool.start(_Job(fn, self._relay, on_done, on_error, self, big))

    def busy(self) -> bool:
        """Tasks are running or queued (benchmarks wait for the start-up work to end)."""
        return self._pool.activeThreadCount() > 0

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued tasks finish (shutdown and tests only, never in a slot)."""
        return self._pool.waitForDone(msecs)
