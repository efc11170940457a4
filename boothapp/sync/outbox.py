"""The durable queue the sync engine drains: the ``Outbox`` contract and an in-memory one.

The store implements the same Protocol over SQL. Contract (every method is one transaction):

* ``claim_due`` hands out up to ``limit`` PENDING items of one CRM whose ``next_attempt_at <= now``,
  oldest first, and leases them (state IN_FLIGHT, ``lease_until = now + lease``). An IN_FLIGHT
  item whose lease has run out counts as due again: that is how a worker killed mid-batch is
  recovered, and why every adapter must be idempotent on the lead UUID.
* ``complete`` ends the leases of a whole batch in one transaction (a 100-lead batch is one
  commit, not 100) and appends each item's ``Attempt``. A ``Completion`` is done (remote id
  kept), failed (retry at a time, or for good) or released: "not the lead's fault" (throttled,
  breaker open, cancelled), back to PENDING without counting a failure.
* Items are keyed (crm, ``record.key``): the lead UUID for the lead, ``<uuid>:note`` and
  ``<uuid>:task`` for its note and task (issue 17). A note or task is due only once its lead's
  item has a CRM id (``parent_remote_id`` on the claimed item), so it can be attached.
* Enqueueing the same (crm, key) twice updates the queued record instead of adding a row.
  An item in flight keeps its lease. If its record was edited since the claim, the reply is
  about the old record: "done" and "failed for good" leave the item PENDING and due at once,
  so the edit is sent next instead of being lost behind a DONE state.
"""

from __future__ import annotations

import enum
import itertools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from boothapp.sync.crm.base import ItemKind, SyncRecord, is_cleared


class ItemState(enum.StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"  # permanent, or transient past the retry limit: shown to the user


class AttemptOutcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"  # per-record error or whole-request failure
    THROTTLED = "throttled"
    SKIPPED = "skipped"  # breaker open or cancelled before the reply was known


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int
    started_at: datetime
    finished_at: datetime
    outcome: AttemptOutcome
    http_status: int = 0
    error: str = ""
    remote_id: str = ""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: str  # UUID, like every record key in the app
    crm: str
    record: SyncRecord
    state: ItemState = ItemState.PENDING
    failures: int = 0  # counted failures; drives backoff and the retry limit
    attempts: tuple[Attempt, ...] = ()
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    remote_id: str = ""
    last_error: str = ""
    parent_remote_id: str = ""  # note/task: the CRM id of its lead's record, at claim time

    @property
    def lead_id(self) -> str:
        return self.record.lead_id

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def kind(self) -> ItemKind:
        return self.record.kind


class Ending(enum.StrEnum):
    DONE = "done"
    FAILED = "failed"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Completion:
    """How one claimed item's lease ends; ``Outbox.complete`` applies a batch of them at once."""

    item: OutboxItem  # as claimed: its record is what the CRM was sent
    ending: Ending
    attempt: Attempt
    remote_id: str = ""
    error: str = ""
    transient: bool = False
    next_attempt_at: datetime | None = None  # retry time (failed) or resume time (released)

    @classmethod
    def done(cls, item: OutboxItem, remote_id: str, attempt: Attempt) -> Completion:
        return cls(item, Ending.DONE, attempt, remote_id=remote_id)

    @classmethod
    def failed(
        cls,
        item: OutboxItem,
        error: str,
        transient: bool,
        next_attempt_at: datetime | None,
        attempt: Attempt,
    ) -> Completion:
        return cls(
            item,
            Ending.FAILED,
            attempt,
            remote_id=attempt.remote_id,
            error=error,
            transient=transient,
            next_attempt_at=next_attempt_at,
        )

    @classmethod
    def released(cls, item: OutboxItem, next_attempt_at: datetime, attempt: Attempt) -> Completion:
        return cls(item, Ending.RELEASED, attempt, next_attempt_at=next_attempt_at)

    @property
    def retry(self) -> bool:
        """A failure that goes back to PENDING at ``next_attempt_at`` (else failed for good)."""
        return self.ending == Ending.FAILED and self.transient and self.next_attempt_at is not None

    def end_state(self, edited: bool) -> tuple[ItemState, datetime | None]:
        """The item's state and next attempt time once this lease ends.

        ``edited``: the queued record is no longer the one claimed (the lead was saved again
        while in flight). The CRM's reply is about the old record, so instead of DONE or
        failed-for-good the item stays PENDING, due at once, and the edit goes out next.
        """
        if self.ending == Ending.RELEASED or self.retry:
            return ItemState.PENDING, self.next_attempt_at
        if edited:
            return ItemState.PENDING, self.attempt.finished_at
        return (ItemState.DONE if self.ending == Ending.DONE else ItemState.FAILED), None


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int = 0
    in_flight: int = 0
    done: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.in_flight + self.done + self.failed


class Outbox(Protocol):
    def enqueue(self, crm: str, record: SyncRecord, now: datetime) -> str: ...

    def claim_due(
        self,
        crm: str,
        limit: int,
        now: datetime,
        lease: timedelta = ...,
        kind: ItemKind = ...,
    ) -> list[OutboxItem]: ...

    def complete(self, completions: Sequence[Completion]) -> None: ...

    def next_due_at(self, crm: str) -> datetime | None: ...

    def counts(self, crm: str) -> OutboxCounts: ...

    def retry_failed(self, crm: str, now: datetime) -> int: ...

    def get(self, item_id: str) -> OutboxItem: ...


DEFAULT_LEASE = timedelta(minutes=5)


class SingleItemForms:
    """One-item forms of ``complete`` (tests and tools); ``item`` is the item as claimed."""

    def complete(self, completions: Sequence[Completion]) -> None:
        raise NotImplementedError

    def mark_done(self, item: OutboxItem, remote_id: str, attempt: Attempt) -> None:
        self.complete([Completion.done(item, remote_id, attempt)])

    def mark_failed(
        self,
        item: OutboxItem,
        error: str,
        transient: bool,
        next_attempt_at: datetime | None,
        attempt: Attempt,
    ) -> None:
        self.complete([Completion.failed(item, error, transient, next_attempt_at, attempt)])

    def release(self, item: OutboxItem, next_attempt_at: datetime, attempt: Attempt) -> None:
        self.complete([Completion.released(item, next_attempt_at, attempt)])


class MemoryOutbox(SingleItemForms):
    """The in-memory Outbox for tests and benchmarks; thread-safe, same semantics as the store's."""

    def __init__(self) -> None:
        self._items: dict[str, OutboxItem] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def enqueue(self, crm: str, record: SyncRecord, now: datetime) -> str:
        with self._lock:
            existing = self._by_key.get((crm, record.key))
            if existing is None and is_cleared(record):
                return ""  # an empty note never queued: nothing in the CRM to delete
            if existing is not None:
                item = self._items[existing]
                state = item.state if item.state == ItemState.IN_FLIGHT else ItemState.PENDING
                self._items[existing] = replace(
                    item, record=record, state=state, next_attempt_at=now, failures=0
                )
                return existing
            # zero-padded UUID-shaped ids keep insertion order = text order, like created_at in SQL
            item_id = f"00000000-0000-4000-8000-{next(self._ids):012d}"
            self._items[item_id] = OutboxItem(item_id, crm, record, next_attempt_at=now)
            self._by_key[(crm, record.key)] = item_id
            return item_id

    def enqueue_many(self, crm: str, records: Iterable[SyncRecord], now: datetime) -> None:
        for record in records:
            self.enqueue(crm, record, now)

    def _parent_id(self, item: OutboxItem) -> str:
        if item.kind == ItemKind.LEAD:
            return ""
        lead = self._by_key.get((item.crm, item.lead_id))
        return self._items[lead].remote_id if lead is not None else ""

    def _due(self, item: OutboxItem, crm: str, now: datetime) -> bool:
        if item.crm != crm:
            return False
        if item.kind != ItemKind.LEAD and not self._parent_id(item):
            return False  # its lead is not in the CRM yet: nothing to attach it to
        if item.state == ItemState.PENDING:
            return item.next_attempt_at is None or item.next_attempt_at <= now
        return (
            item.state == ItemState.IN_FLIGHT
            and item.lease_until is not None
            and item.lease_until <= now
        )

    def claim_due(
        self,
        crm: str,
        limit: int,
        now: datetime,
        lease: timedelta = DEFAULT_LEASE,
        kind: ItemKind = ItemKind.LEAD,
    ) -> list[OutboxItem]:
        with self._lock:
            due = [i for i in self._items.values() if i.kind == kind and self._due(i, crm, now)][
                :limit
            ]
            claimed = []
            for item in due:
                leased = replace(
                    item,
                    state=ItemState.IN_FLIGHT,
                    lease_until=now + lease,
                    parent_remote_id=self._parent_id(item),
                )
                self._items[item.id] = leased
                claimed.append(leased)
            return claimed

    def complete(self, completions: Sequence[Completion]) -> None:
        with self._lock:
            missing = [c.item.id for c in completions if c.item.id not in self._items]
            if missing:  # all or nothing, like the store's one transaction
                raise KeyError(f"no outbox item {missing[0]}")
            for c in completions:
                item = self._items[c.item.id]
                state, next_at = c.end_state(edited=item.record != c.item.record)
                last_error = item.last_error
                if c.ending != Ending.RELEASED:
                    last_error = c.error if c.ending == Ending.FAILED else ""
                self._items[item.id] = replace(
                    item,
                    state=state,
                    failures=item.failures + (1 if c.ending == Ending.FAILED else 0),
                    attempts=(*item.attempts, c.attempt),
                    next_attempt_at=next_at,
                    lease_until=None,
                    remote_id=c.remote_id or item.remote_id,
                    last_error=last_error,
                )

    def next_due_at(self, crm: str) -> datetime | None:
        with self._lock:
            times = [
                (i.next_attempt_at if i.state == ItemState.PENDING else i.lease_until)
                for i in self._items.values()
                if i.crm == crm
                and i.state in (ItemState.PENDING, ItemState.IN_FLIGHT)
                and (i.kind == ItemKind.LEAD or self._parent_id(i))
            ]
        known = [t for t in times if t is not None]
        if len(known) < len(times):
            return _EPOCH  # an item with no time set is due now
        return min(known) if known else None

    def counts(self, crm: str) -> OutboxCounts:
        with self._lock:
            states = [i.state for i in self._items.values() if i.crm == crm]
        return OutboxCounts(
            pending=states.count(ItemState.PENDING),
            in_flight=states.count(ItemState.IN_FLIGHT),
            done=states.count(ItemState.DONE),
            failed=states.count(ItemState.FAILED),
        )

    def retry_failed(self, crm: str, now: datetime) -> int:
        with self._lock:
            failed = [
                i for i in self._items.values() if i.crm == crm and i.state == ItemState.FAILED
            ]
            for item in failed:
                self._items[item.id] = replace(
                    item, state=ItemState.PENDING, failures=0, next_attempt_at=now
                )
            return len(failed)

    def get(self, item_id: str) -> OutboxItem:
        with self._lock:
            return self._items[item_id]

    def items(self, crm: str | None = None) -> list[OutboxItem]:
        with self._lock:
            return [i for i in self._items.values() if crm is None or i.crm == crm]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
