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

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import evaluate_lead
from boothapp.core.models import CONTACT_FIELDS, Contact, Rating
from boothapp.core.pickling import pickled_as_values
from boothapp.services.bulk_worker import bulk_worker

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
