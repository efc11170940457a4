"""Evaluate many captured leads at once, on a second core when there are many (issue 23).

Cleaning a contact (phone, e-mail, country, zone) and scoring it is pure work on the lead's
own data and the event's rules: a 50,000-lead demo build spent a seventh of its time there.
For a bulk capture of several chunks a worker process evaluates the later chunks while this
process saves the earlier ones through the lead door; the first chunk is evaluated here, so
nothing waits for the worker to start. Results are what ``evaluate_lead`` gives in this
process (the same pure function, the same inputs), in the leads' order.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import evaluate_lead
from boothapp.core.models import Contact, Rating

log = logging.getLogger(__name__)

# (contact, answers, referred_by) of one lead, as its draft holds them.
Item = tuple[Contact, Mapping[str, object], str]


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
    values = {
        name: str(getattr(contact, name) or "").strip() for name in contact.__dataclass_fields__
    }
    return replace(contact, **values)


@contextmanager
def evaluated_parts(
    parts: Sequence[Sequence[Item]], cfg: EventConfig, region: str, *, parallel: bool
) -> Iterator[Iterator[list[Evaluated]]]:
    """Each part's evaluations, in order. ``parallel``: parts after the first go to one
    worker process (spawned: safe beside threads and Qt) while the caller works."""
    if not parallel or len(parts) < 2:
        yield (evaluate_items(part, cfg, region) for part in parts)
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures: list[Future[list[Evaluated]]] = [
            pool.submit(evaluate_items, list(part), cfg, region) for part in parts[1:]
        ]

        def results() -> Iterator[list[Evaluated]]:
            yield evaluate_items(parts[0], cfg, region)
            for part, future in zip(parts[1:], futures, strict=True):
                try:
                    yield future.result()
                except Exception as exc:  # the worker died or could not start: do it here
                    log.warning("leads evaluated in this process: the worker failed: %s", exc)
                    yield evaluate_items(part, cfg, region)

        yield results()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
