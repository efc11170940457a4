"""The sync engine: drains one CRM's outbox through its adapter without losing or duplicating.

Every claimed item ends its lease in exactly one of: done (remote id kept), failed with a retry
time (transient, backoff with jitter, never before Retry-After), failed for good (the CRM's own
message, visible), or released (throttled / breaker open / cancelled: not the lead's fault).
Every attempt is appended to the item, and a batch's leases end together in one
``Outbox.complete`` call (one transaction, so one commit per batch on SQLite). A crash between the
CRM's reply and ``complete`` leaves the items leased; when the lease runs out they are sent again,
and the CRM's upsert on the lead UUID turns the repeat into an update.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from boothapp.sync.crm.base import (
    BatchOutcome,
    CrmAdapter,
    CrmError,
    ErrorKind,
    PushResult,
)
from boothapp.sync.outbox import Attempt, AttemptOutcome, Completion, Outbox, OutboxItem
from boothapp.sync.pacing import BreakerState, BudgetPacer, CircuitBreaker, backoff_delay

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float, cancel: threading.Event) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancel: threading.Event) -> None:
        cancel.wait(max(0.0, seconds))  # wakes at once on cancellation


@dataclass(frozen=True, slots=True)
class EngineConfig:
    base_delay_s: float = 2.0
    max_delay_s: float = 300.0
    max_failures: int = 10  # transient failures before an item is shown as failed
    throttle_delay_s: float = 10.0  # wait after a throttle signal that names no time
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 30.0
    lease: timedelta = timedelta(minutes=5)
    budget_reserve: int = 0  # requests of the vendor budget left to other apps
    idle_poll_max_s: float = 5.0


@dataclass(frozen=True, slots=True)
class SyncProgress:
    crm: str
    done: int  # finished this run (synced + failed for good)
    total: int  # items that were waiting when the run started, plus any added since
    synced: int
    failed: int
    rate_per_s: float
    eta_s: float | None
    breaker: BreakerState
    last_error: str = ""

    @property
    def text(self) -> str:
        eta = f", about {self.eta_s:.0f} s left" if self.eta_s is not None else ""
        return f"{self.done} of {self.total} ({self.rate_per_s:.1f}/s{eta})"


class StopReason(enum.StrEnum):
    IDLE = "idle"  # nothing left to send
    CANCELLED = "cancelled"
    AUTH = "auth"  # credentials refused: the user must reconnect
    CONFIG = "config"  # CRM set-up wrong (e.g. missing unique property)
    DEADLINE = "deadline"


@dataclass(frozen=True, slots=True)
class DrainReport:
    crm: str
    synced: int
    failed: int
    remaining: int
    requests: int
    stopped: StopReason
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # lead id -> last error this run


ProgressCallback = Callable[[SyncProgress], None]


class SyncEngine:
    """Owns the breaker and pacer of one CRM; call ``drain`` from the sync worker's thread."""

    def __init__(
        self,
        outbox: Outbox,
        adapter: CrmAdapter,
        config: EngineConfig | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.outbox = outbox
        self.adapter = adapter
        self.config = config or EngineConfig()
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.breaker = CircuitBreaker(self.config.breaker_threshold, self.config.breaker_cooldown_s)
        self.pacer = BudgetPacer(self.config.budget_reserve)
        self._throttled_until = 0.0
        self._batch_retry_at: dict[tuple[int, float | None], datetime] = {}

    @property
    def breaker_state(self) -> BreakerState:
        return self.breaker.state(self.clock.monotonic())

    def drain(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        max_seconds: float | None = None,
    ) -> DrainReport:
        cancel = cancel or threading.Event()
        crm = self.adapter.name
        start = self.clock.monotonic()
        counts = self.outbox.counts(crm)
        baseline_total = counts.pending + counts.in_flight
        synced = failed = requests = 0
        errors: dict[str, str] = {}
        last_error = ""

        def report(stopped: StopReason, message: str = "") -> DrainReport:
            c = self.outbox.counts(crm)
            return DrainReport(
                crm, synced, failed, c.pending + c.in_flight, requests, stopped, message, errors
            )

        def emit() -> None:
            if progress is None:
                return
            elapsed = max(1e-9, self.clock.monotonic() - start)
            c = self.outbox.counts(crm)
            left = c.pending + c.in_flight
            rate = (synced + failed) / elapsed
            eta = left / rate if rate > 0 else None
            progress(
                SyncProgress(
                    crm,
                    synced + failed,
                    max(baseline_total, synced + failed + left),
                    synced,
                    failed,
                    rate,
                    eta,
                    self.breaker_state,
                    last_error,
                )
            )

        while True:
            if cancel.is_set():
                return report(StopReason.CANCELLED)
            mono = self.clock.monotonic()
            if max_seconds is not None and mono - start >= max_seconds:
                return report(StopReason.DEADLINE)
            wait = max(
                self._throttled_until - mono,
                self.breaker.seconds_until_probe(mono)
                if self.breaker.state(mono) == BreakerState.OPEN
                else 0.0,
                self.pacer.delay(mono),
            )
            if wait > 0:
                self._sleep(wait, start, max_seconds, cancel)
                continue
            probing = self.breaker.state(mono) == BreakerState.HALF_OPEN
            limit = 1 if probing else self.adapter.batch_size
            items = self.outbox.claim_due(crm, limit, self.clock.now(), self.config.lease)
            if not items:
                nxt = self.outbox.next_due_at(crm)
                if nxt is None:
                    emit()
                    return report(StopReason.IDLE)
                gap = (nxt - self.clock.now()).total_seconds()
                self._sleep(
                    min(max(gap, 0.01), self.config.idle_poll_max_s), start, max_seconds, cancel
                )
                continue
            if probing:
                self.breaker.begin_probe(mono)
            started_at = self.clock.now()
            self._batch_retry_at = {}
            requests += 1
            try:
                outcome = self.adapter.push([i.record for i in items])
            except CrmError as exc:
                self.pacer.note_request(self.clock.monotonic())
                if exc.budget is not None:
                    self.pacer.observe(exc.budget, self.clock.monotonic())
                last_error = exc.message
                stop, gave_up = self._whole_batch_failed(items, exc, started_at, errors)
                failed += gave_up
                emit()
                if stop is not None:
                    return report(stop, exc.message)
                continue
            for _ in range(max(1, outcome.requests)):
                self.pacer.note_request(self.clock.monotonic())
            if outcome.budget is not None:
                self.pacer.observe(outcome.budget, self.clock.monotonic())
            s, f, err = self._apply_results(items, outcome, started_at, errors)
            synced += s
            failed += f
            last_error = err or last_error
            emit()

    def _sleep(
        self, seconds: float, start: float, max_seconds: float | None, cancel: threading.Event
    ) -> None:
        if max_seconds is not None:
            seconds = min(seconds, max(0.0, start + max_seconds - self.clock.monotonic()))
        self.clock.sleep(max(seconds, 0.0), cancel)

    def _attempt(
        self,
        item: OutboxItem,
        started_at: datetime,
        outcome: AttemptOutcome,
        http_status: int = 0,
        error: str = "",
        remote_id: str = "",
    ) -> Attempt:
        return Attempt(
            number=len(item.attempts) + 1,
            started_at=started_at,
            finished_at=self.clock.now(),
            outcome=outcome,
            http_status=http_status,
            error=error,
            remote_id=remote_id,
        )

    def _retry_at(self, failures: int, retry_after: float | None) -> datetime:
        # One jittered time per batch and failure count, so a failed batch is retried as one
        # batch again instead of crumbling into many small requests that burn the vendor budget.
        key = (failures, retry_after)
        if key not in self._batch_retry_at:
            delay = backoff_delay(
                failures, self.config.base_delay_s, self.config.max_delay_s, self.rng, retry_after
            )
            self._batch_retry_at[key] = self.clock.now() + timedelta(seconds=delay)
        return self._batch_retry_at[key]

    def _fail(
        self,
        item: OutboxItem,
        error: str,
        transient: bool,
        retry_after: float | None,
        attempt: Attempt,
    ) -> Completion:
        """The lease end of a failure: a retry time, or failed for good past the retry limit."""
        failures = item.failures + 1
        final = not transient or failures >= self.config.max_failures
        next_at = None if final else self._retry_at(failures, retry_after)
        return Completion.failed(item, error, transient and not final, next_at, attempt)

    def _whole_batch_failed(
        self,
        items: Sequence[OutboxItem],
        exc: CrmError,
        started_at: datetime,
        errors: dict[str, str],
    ) -> tuple[StopReason | None, int]:
        """End the batch's leases after the request failed; (stop reason, items failed for good)."""
        mono = self.clock.monotonic()
        if exc.kind == ErrorKind.THROTTLED:
            # Not the leads' fault: no failure counted, whole engine waits.
            wait = exc.retry_after
            if wait is None:
                wait = backoff_delay(
                    1, self.config.throttle_delay_s, self.config.max_delay_s, self.rng
                )
            self._throttled_until = mono + wait
            resume = self.clock.now() + timedelta(seconds=wait)
            self.outbox.complete(
                [
                    Completion.released(
                        item,
                        resume,
                        self._attempt(
                            item, started_at, AttemptOutcome.THROTTLED, exc.http_status, exc.message
                        ),
                    )
                    for item in items
                ]
            )
            log.info("%s throttled; waiting %.1f s", self.adapter.name, wait)
            return None, 0
        if exc.kind in (ErrorKind.AUTH, ErrorKind.CONFIG):
            # Every lead would fail the same way; hold them until the user fixes the connection.
            self.outbox.complete(
                [
                    Completion.released(
                        item,
                        self.clock.now(),
                        self._attempt(
                            item, started_at, AttemptOutcome.FAILED, exc.http_status, exc.message
                        ),
                    )
                    for item in items
                ]
            )
            return (StopReason.AUTH if exc.kind == ErrorKind.AUTH else StopReason.CONFIG), 0
        if exc.kind == ErrorKind.UNAVAILABLE:
            self.breaker.record_failure(mono)
        ends = []
        for item in items:
            attempt = self._attempt(
                item, started_at, AttemptOutcome.FAILED, exc.http_status, exc.message
            )
            ends.append(self._fail(item, exc.message, exc.transient, exc.retry_after, attempt))
            errors[item.lead_id] = exc.message
        self.outbox.complete(ends)
        return None, sum(1 for e in ends if not e.retry)

    def _apply_results(
        self,
        items: Sequence[OutboxItem],
        outcome: BatchOutcome,
        started_at: datetime,
        errors: dict[str, str],
    ) -> tuple[int, int, str]:
        self.breaker.record_success()
        by_lead: dict[str, PushResult] = {r.lead_id: r for r in outcome.results}
        synced = failed = 0
        last_error = ""
        ends: list[Completion] = []
        for item in items:
            result = by_lead.get(item.lead_id) or PushResult(
                item.lead_id, ok=False, error="no result for this lead", transient=True
            )
            if result.ok:
                attempt = self._attempt(
                    item, started_at, AttemptOutcome.OK, outcome.http_status, "", result.remote_id
                )
                ends.append(Completion.done(item, result.remote_id, attempt))
                errors.pop(item.lead_id, None)
                synced += 1
                continue
            last_error = result.error
            errors[item.lead_id] = result.error
            attempt = self._attempt(
                item,
                started_at,
                AttemptOutcome.FAILED,
                outcome.http_status,
                result.error,
                result.remote_id,
            )
            end = self._fail(item, result.error, result.transient, result.retry_after, attempt)
            ends.append(end)
            if not end.retry:
                failed += 1
        # One transaction for the whole batch: per-lead commits cost an fsync each on SQLite.
        self.outbox.complete(ends)
        return synced, failed, last_error
