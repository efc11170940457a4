"""Evaluate many captured leads at once, on a second core when there are many (issue 23).

Cleaning a contact (phone, e-mail, country, zone) and scoring it is pure work on the lead's
own data and the event's rules: a 50,000-lead demo build spent a seventh of its time there.
For a bulk capture of several chunks one worker process (``BulkWorker``) evaluates the later
chunks and plans and renders their follow-ups (``followups.prepare_plans``) while this
process saves the earlier ones through the lead door; the first chunk is done here, so
nothing waits for the worker to start. Results are what the same pure functions give in this
process for the same inputs.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, TypeVar

from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import evaluate_lead
from boothapp.core.models import CONTACT_FIELDS, Contact, Rating
from boothapp.core.pickling import pickled_as_values

log = logging.getLogger(__name__)
T = TypeVar("T")

# A contact's values in its fields' order (``CONTACT_FIELDS`` is that order).
_CONTACT_VALUES = attrgetter(*CONTACT_FIELDS)
# (contact, answers, referred_by) of one lead, as its draft holds them.
Item = tuple[Contact, Mapping[str, object], str]


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Evaluated:
    """What a save keeps of a lead's evaluation."""

    contact: Contact
    score: int
    qualified: bool
    suggested_rating: Rating
    junk: bool


def evaluate_items(items: Sequence[Item], cfg: EventConfig, region: str) -> list[Evaluated]:
    """``evaluate_lead`` for each item (in a worker process or here)."""
    out = []
    for contact, answers, referred_by in items:
        ev = evaluate_lead(
            clean_fields(contact), answers, cfg, default_region=region, referred_by=referred_by
        )
        out.append(
            Evaluated(
                ev.contact,
                ev.score.total,
                ev.qualification.qualified,
                ev.suggested_rating,
                ev.hygiene.junk,
            )
        )
    return out


def clean_fields(contact: Contact) -> Contact:
    """Every field a stripped string (a form or badge may hand None or padded text)."""
    # Every field given: built as it is, not through ``replace``'s pass over the fields.
    return Contact(*(str(value or "").strip() for value in _CONTACT_VALUES(contact)))


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

    def start(self) -> None:
        """Start the process now, import what the bulk work runs there (the follow-up
        planner and renderer) and compile the message templates: ~1.5 s of CPU, covered by
        whatever the caller does meanwhile (the demo sets its event up and makes its
        visitors; issue 23)."""
        if self._pool is not None:
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


def _warm() -> int:
    importlib.import_module("boothapp.services.followups")
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


@contextmanager
def evaluated_parts(
    parts: Sequence[Sequence[Item]], cfg: EventConfig, region: str, *, parallel: bool
) -> Iterator[Iterator[list[Evaluated]]]:
    """Each part's evaluations, in order. ``parallel``: parts after the first go to one
    worker process (spawned: safe beside threads and Qt) while the caller works."""
    with bulk_worker(parallel and len(parts) > 1) as worker:
        later = [worker.submit(evaluate_items, list(part), cfg, region) for part in parts[1:]]
        first: list[Callable[[], list[Evaluated]]] = (
            [partial(evaluate_items, parts[0], cfg, region)] if parts else []
        )
        yield (result() for result in first + later)
