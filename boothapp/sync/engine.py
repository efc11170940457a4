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
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, cast

from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmAdapter,
    CrmError,
    ErrorKind,
    ItemKind,
    PushResult,
    RateLimit,
    Related,
    RelatedAdapter,
    separates_related,
)
from boothapp.sync.outbox import Attempt, AttemptOutcome, Completion, Outbox, OutboxItem
from boothapp.sync.pacing import (
    DAILY_S,
    BreakerState,
    BudgetPacer,
    CircuitBreaker,
    backoff_delay,
)

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
    # Requests in flight at once (capped by the CRM's own ``RateLimit.concurrent``): while one
    # batch waits for the CRM, the next is claimed and sent, so the local queue's own time
    # (SQLite commits) does not eat into the vendor's allowance.
    concurrency: int = 4


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
    leads_per_min: float = 0.0  # lead records (not notes/tasks) sent per minute this run
    waiting: str = ""  # why the run waits right now (another device's lease, the CRM's limit)

    @property
    def text(self) -> str:
        eta = f", about {self.eta_s:.0f} s left" if self.eta_s is not None else ""
        wait = f"; {self.waiting}" if self.waiting else ""
        return f"{self.done} of {self.total} ({self.leads_per_min:.0f} leads/min{eta}){wait}"


class StopReason(enum.StrEnum):
    IDLE = "idle"  # nothing left to send
    CANCELLED = "cancelled"
    AUTH = "auth"  # credentials refused: the user must reconnect
    CONFIG = "config"  # CRM set-up wrong (e.g. missing unique property)
    DEADLINE = "deadline"
    ALLOWANCE = "allowance"  # the CRM's daily allowance is (nearly) used up


@dataclass(frozen=True, slots=True)
class DrainReport:
    crm: str
    synced: int
    failed: int
    remaining: int
    requests: int
    stopped: StopReason
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # item key -> last error this run
    unmatched_owners: tuple[str, ...] = ()  # booth owners no CRM user matched
    leads_synced: int = 0


ProgressCallback = Callable[[SyncProgress], None]
# Why a run waits when nothing is due (e.g. "3 lead(s) held by device X until 10:42").
WaitReason = Callable[[], str]

# A lead's note and task go before further leads: each lead is complete in the CRM as soon as
# possible, and a run stopped by the daily allowance leaves whole leads, not bare records.
KIND_ORDER = (ItemKind.NOTE, ItemKind.TASK, ItemKind.CARD, ItemKind.LEAD)
EMIT_EVERY_S = 0.25


@dataclass
class _Run:
    """One drain's shared state; every field is read and written under ``SyncEngine._lock``."""

    start: float
    baseline_total: int
    synced: int = 0
    failed: int = 0
    leads: int = 0
    requests: int = 0
    busy: int = 0  # workers with a request out
    last_error: str = ""
    waiting: str = ""
    stop: tuple[StopReason, str] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    unmatched: set[str] = field(default_factory=set)


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
        limit: RateLimit | None = getattr(adapter, "rate_limit", None)
        if limit is not None and limit.requests > 0:
            # Paced from the first request on: the published limit is known before any reply.
            self.pacer.observe(Budget(limit.requests, limit.requests, limit.window_s), 0.0)
        if limit is not None and limit.daily > 0:
            self.pacer.observe(Budget(limit.daily, limit.daily, DAILY_S), 0.0)
        self.kinds = KIND_ORDER if separates_related(adapter) else (ItemKind.LEAD,)
        self.workers = max(1, min(self.config.concurrency, limit.concurrent if limit else 1))
        self._throttled_until = 0.0
        self._batch_retry_at: dict[tuple[int, float | None], datetime] = {}
        self._lock = threading.RLock()
        # One request alone until the first reply: its rate-limit headers name the account's
        # real window (HubSpot 100 or 190 per 10 s), which a parallel first burst could exceed.
        self._first_reply = False
        self._cost: dict[ItemKind, int] = {}
        self._last_emit = -math.inf  # counted calls of the last push of each kind

    @property
    def breaker_state(self) -> BreakerState:
        return self.breaker.state(self.clock.monotonic())

    def drain(
        self,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        max_seconds: float | None = None,
        wait_reason: WaitReason | None = None,
    ) -> DrainReport:
        cancel = cancel or threading.Event()
        crm = self.adapter.name
        counts = self.outbox.counts(crm)
        run = _Run(self.clock.monotonic(), counts.pending + counts.in_flight)
        if self.workers == 1:
            self._work(run, progress, cancel, max_seconds, wait_reason)
        else:
            threads = [
                threading.Thread(
                    target=self._work,
                    args=(run, progress, cancel, max_seconds, wait_reason),
                    name=f"sync-{crm}-{n}",
                    daemon=True,
                )
                for n in range(self.workers)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self._emit(run, progress, final=True)
        stopped, message = run.stop or (StopReason.IDLE, "")
        c = self.outbox.counts(crm)
        return DrainReport(
            crm, run.synced, run.failed, c.pending + c.in_flight, run.requests, stopped, message,
            run.errors, tuple(sorted(run.unmatched)), run.leads,
        )  # fmt: skip

    def _emit(self, run: _Run, progress: ProgressCallback | None, final: bool = False) -> None:
        if progress is None:
            return
        mono = self.clock.monotonic()
        with self._lock:
            # Counting the queue costs a query: at most four progress reports a second.
            quiet = self.breaker.state(mono) == BreakerState.CLOSED and not run.waiting
            if not final and quiet and mono - self._last_emit < EMIT_EVERY_S:
                return
            self._last_emit = mono
        elapsed = max(1e-9, mono - run.start)
        c = self.outbox.counts(self.adapter.name)
        left = c.pending + c.in_flight
        with self._lock:
            done = run.synced + run.failed
            rate = done / elapsed
            snapshot = SyncProgress(
                self.adapter.name,
                done,
                max(run.baseline_total, done + left),
                run.synced,
                run.failed,
                rate,
                left / rate if rate > 0 else None,
                self.breaker_state,
                run.last_error,
                run.leads * 60.0 / elapsed,
                run.waiting,
            )
        progress(snapshot)

    def _claim(self, limit: int) -> list[OutboxItem]:
        """Notes and tasks whose lead is in the CRM first, then more leads."""
        for kind in self.kinds:
            items = self.outbox.claim_due(
                self.adapter.name, limit, self.clock.now(), self.config.lease, kind
            )
            if items:
                return items
        return []

    def _work(
        self,
        run: _Run,
        progress: ProgressCallback | None,
        cancel: threading.Event,
        max_seconds: float | None,
        wait_reason: WaitReason | None,
    ) -> None:
        crm = self.adapter.name
        while True:
            with self._lock:
                if run.stop is not None:
                    return
                if cancel.is_set():
                    run.stop = (StopReason.CANCELLED, "")
                    return
                mono = self.clock.monotonic()
                if max_seconds is not None and mono - run.start >= max_seconds:
                    run.stop = (StopReason.DEADLINE, "")
                    return
                if self.pacer.exhausted(max(self._cost.values(), default=1)):
                    run.stop = (StopReason.ALLOWANCE, self.pacer.exhausted_text(crm))
                    return
                state = self.breaker.state(mono)
                # A push starts only when all of its calls fit in the vendor's window (the
                # dearest kind's last cost: the next claim may be any kind).
                expected = max(self._cost.values(), default=1)
                wait = max(
                    self._throttled_until - mono,
                    self.breaker.seconds_until_probe(mono) if state == BreakerState.OPEN else 0.0,
                    self.pacer.delay(mono, expected),
                )
                items: list[OutboxItem] = []
                probing = False
                ticket = 0
                if wait <= 0:
                    probing = state == BreakerState.HALF_OPEN
                    if (probing or not self._first_reply) and run.busy:
                        wait = 0.02  # one probe (or first request) at a time
                    else:
                        items = self._claim(1 if probing else self.adapter.batch_size)
                        if items:
                            if probing:
                                self.breaker.begin_probe(mono)
                            # What a push of this kind cost last time (upsert + list join...).
                            # (A kind not sent yet: the dearest known, never less than 2.)
                            guess = max(2, *self._cost.values()) if self._cost else 1
                            ticket = self.pacer.reserve(mono, self._cost.get(items[0].kind, guess))
                            run.busy += 1
                            run.requests += 1
                            run.waiting = ""
                        elif run.busy:
                            wait = 0.02  # another worker's reply may make notes due
                        else:
                            nxt = self.outbox.next_due_at(crm)
                            if nxt is None:
                                run.stop = (StopReason.IDLE, "")
                                return
                            gap = (nxt - self.clock.now()).total_seconds()
                            wait = min(max(gap, 0.01), self.config.idle_poll_max_s)
                            if gap > 1 and wait_reason is not None:
                                run.waiting = wait_reason()
            if not items:
                if run.waiting:
                    self._emit(run, progress)
                self._sleep(wait, run.start, max_seconds, cancel)
                continue
            try:
                self._send(run, items, ticket)
            finally:
                with self._lock:
                    run.busy -= 1
                    self._first_reply = True
            self._emit(run, progress)

    def _send(self, run: _Run, items: list[OutboxItem], ticket: int) -> None:
        started_at = self.clock.now()
        kind = items[0].kind
        try:
            if kind == ItemKind.LEAD:
                outcome = self.adapter.push([i.record for i in items])
            else:
                related = cast(RelatedAdapter, self.adapter)
                outcome = related.push_related(
                    [Related(i.record, i.parent_remote_id, i.remote_id) for i in items]
                )
        except CrmError as exc:
            with self._lock:
                self.pacer.settle(self.clock.monotonic(), ticket=ticket)
                if exc.budget is not None:
                    self.pacer.observe(exc.budget, self.clock.monotonic(), ticket)
                run.last_error = exc.message
                self._batch_retry_at = {}
                stop, gave_up = self._whole_batch_failed(items, exc, started_at, run.errors)
                run.failed += gave_up
                if stop is not None and run.stop is None:
                    run.stop = (stop, exc.message)
            return
        with self._lock:
            now = self.clock.monotonic()
            self.pacer.settle(now, count=outcome.requests, ticket=ticket)
            self._cost[kind] = outcome.requests
            for budget in (outcome.budget, outcome.daily):
                if budget is not None:
                    self.pacer.observe(budget, now, ticket)
            run.unmatched |= outcome.unmatched_owners
            self._batch_retry_at = {}
            s, f, err = self._apply_results(items, outcome, started_at, run.errors)
            run.synced += s
            run.failed += f
            if kind == ItemKind.LEAD:
                run.leads += s
            run.last_error = err or run.last_error

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
            errors[item.key] = exc.message
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
        by_lead: dict[str, PushResult] = {r.lead_id: r for r in outcome.results}  # by item key
        synced = failed = 0
        last_error = ""
        ends: list[Completion] = []
        for item in items:
            result = by_lead.get(item.key) or PushResult(
                item.key, ok=False, error="no result for this item", transient=True
            )
            if result.ok:
                attempt = self._attempt(
                    item, started_at, AttemptOutcome.OK, outcome.http_status, "", result.remote_id
                )
                ends.append(Completion.done(item, result.remote_id, attempt))
                errors.pop(item.key, None)
                synced += 1
                continue
            last_error = result.error
            errors[item.key] = result.error
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
