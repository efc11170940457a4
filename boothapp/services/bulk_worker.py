"""The worker process of a bulk capture (issue 23): one spawned process that evaluates,
plans and renders the later chunks while this process saves the earlier ones
(``bulk_evaluation``, ``LeadService.add_captured``).

Light to import on purpose (the standard library only): a big demo build starts its worker
before the command's own imports (``demo/early.py``), so that the worker's start-up (a new
interpreter, the planner's imports, the templates compiled; ~0.75 s) runs on the second
core while this one imports.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class BulkWorker:
    """One spawned worker process for a bulk capture's pure work (evaluating, planning and
    rendering follow-ups; issue 23), or none: then ``submit`` runs the call here. A call the
    worker fails (it died, could not start) is run here when its result is asked for.

    Calls run in the order submitted; the caller keeps the worker one step ahead of itself
    (evaluate the next chunk, plan this one) while it inserts rows."""

    def __init__(self, parallel: bool) -> None:
        self._pool = (
            ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_setup,
                initargs=(WORKER_SETUP,),
            )
            if parallel
            else None
        )
        self._started = False

    def start(self) -> None:
        """Start the process now, import what the bulk work runs there (the evaluation, the
        follow-up planner and renderer) and compile the message templates: ~1.5 s of CPU,
        covered by whatever the caller does meanwhile (the demo imports the app, sets its
        event up and makes its visitors; issue 23). Again: nothing."""
        if self._pool is not None and not self._started:
            self._started = True
            self.submit(_warm)

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def submit(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """``fn(*args)`` in the worker; the returned call gives its result."""
        if self._pool is None:
            return lambda: fn(*args)
        try:
            future = self._pool.submit(_collected, fn, *args)
        except Exception as exc:  # the pool broke on an earlier call: the rest is done here
            log.warning("bulk work done in this process: the worker failed: %s", exc)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            return lambda: fn(*args)

        def result() -> T:
            try:
                return future.result()
            except Exception as exc:  # the worker died or could not start: do it here
                log.warning("bulk work done in this process: the worker failed: %s", exc)
                return fn(*args)

        return result

    def close(self) -> None:
        """End the process (its later calls run here); again: nothing."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# Run once in a spawned worker before its first call (tests make its timing match theirs).
WORKER_SETUP: Callable[[], None] | None = None


def _worker_setup(setup: Callable[[], None] | None) -> None:
    _exit_with_parent()
    # No automatic cyclic collections here: their passes over what each chunk's work and
    # pickling make were a seventh of the worker's time at 50,000 leads (issue 23). Each
    # call collects what the earlier ones left (``_collected``).
    gc.disable()
    if setup is not None:
        setup()


# What the worker's calls import (``holidays.countries``: every country's module, ~0.05 s,
# on a plan's first public holiday look-up), imported while it waits for its first call.
_WARM_IMPORTS = (
    "boothapp.services.bulk_evaluation",
    "boothapp.services.followups",
    "holidays.countries",
)


def _warm() -> int:
    for name in _WARM_IMPORTS:
        importlib.import_module(name)
    from boothapp.core.messages.render import default_renderer

    return default_renderer().warm()


def _collected(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker, after collecting the cycles earlier calls left (few: the
    work makes values, not cycles). What is alive then (the modules, the kept renders and
    choices) is frozen: later collections and the next call's pass do not walk it again."""
    gc.collect()
    gc.freeze()
    return fn(*args)


def _exit_with_parent() -> None:
    """End this worker when the process that spawned it ends. Its work queue's pipe is held
    open at both ends here, so a main process killed mid-build (kill -9, a crash) left the
    worker waiting for work forever: one sat 23 minutes holding 611 MB (issue 23)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns when the parent's sentinel closes: it has ended
        os._exit(1)

    threading.Thread(target=watch, name="boothapp-parent-watch", daemon=True).start()


@contextmanager
def bulk_worker(parallel: bool) -> Iterator[BulkWorker]:
    worker = BulkWorker(parallel)
    try:
        yield worker
    finally:
        worker.close()


# A worker started before the command that uses it was imported (``start_ahead``).
_AHEAD: BulkWorker | None = None


def start_ahead() -> BulkWorker:
    """Start a worker now for a bulk capture this process is about to run, before the
    imports that run it (``demo/early.py``): ``take_ahead`` gives it to that capture."""
    global _AHEAD
    if _AHEAD is None:
        _AHEAD = BulkWorker(parallel=True)
        _AHEAD.start()
    return _AHEAD


def take_ahead() -> BulkWorker | None:
    """The worker ``start_ahead`` started, if any: the caller closes it."""
    global _AHEAD
    worker, _AHEAD = _AHEAD, None
    return worker
