"""Retry timing: exponential backoff with jitter, a per-CRM circuit breaker, a budget pacer."""

from __future__ import annotations

import enum
import math
import random

from boothapp.sync.crm.base import Budget


def backoff_delay(
    failures: int,
    base_s: float,
    max_s: float,
    rng: random.Random,
    retry_after: float | None = None,
) -> float:
    """Delay before retry number ``failures`` (1-based): base * 2^(n-1), capped, with jitter in
    [delay/2, delay] so a fleet of devices does not retry in step; never below Retry-After."""
    delay = min(max_s, base_s * (2 ** max(0, failures - 1)))
    jittered = delay * (0.5 + 0.5 * rng.random())
    return float(max(jittered, retry_after or 0.0))


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after ``threshold`` consecutive transient failures of the CRM; after ``cooldown_s``
    lets one probe through (half-open); the probe's success closes it, its failure re-opens it."""

    def __init__(self, threshold: int = 5, cooldown_s: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.consecutive_failures = 0
        self._opened_at: float | None = None
        self._probing = False

    def state(self, now: float) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or now - self._opened_at >= self.cooldown_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def seconds_until_probe(self, now: float) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown_s - now)

    def begin_probe(self, now: float) -> None:
        if self.state(now) == BreakerState.HALF_OPEN:
            self._probing = True

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self, now: float) -> None:
        self.consecutive_failures += 1
        if self._probing or self.consecutive_failures >= self.threshold:
            self._opened_at = now
            self._probing = False


DAILY_S = 86400.0


class _Window:
    """One vendor window: our own requests in it, and what other apps used of it."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.ours: list[float] = []  # send (reserved) or answer times of our requests
        self.others = 0
        self.others_ticket = -1  # the push whose reply set ``others``

    def prune(self, now: float) -> None:
        horizon = now - self.budget.window_s
        if self.ours and self.ours[0] <= horizon:
            self.ours = [t for t in self.ours if t > horizon]


class BudgetPacer:
    """Keeps our own requests inside every published window of the vendor (a sliding-log
    token bucket per window: HubSpot 100 or 190 per 10 s and the daily allowance, Salesforce's
    rolling 24 h allocation, BottleCRM's 120 per minute).

    A request is counted when it is sent (``reserve``: several may be in flight at once) and
    its time is moved to when it was answered (``settle``), an upper bound of when the server
    counted it. From the vendor's ``remaining`` figure it learns how much of the shared budget
    other apps use. A request waits while ours + theirs would reach ``limit - reserve``.
    """

    def __init__(self, reserve: int = 0) -> None:
        self.reserve_n = reserve
        self._windows: dict[float, _Window] = {}
        self._in_flight: dict[int, int] = {}  # ticket -> calls reserved by each push out now
        self._tickets = 0
        self._log: list[float] = []  # our requests before any window was known

    @property
    def budget(self) -> Budget | None:
        """The shortest window (the burst limit), for display."""
        if not self._windows:
            return None
        return self._windows[min(self._windows)].budget

    def note_request(self, answered_at: float) -> None:
        # Kept for a window first learnt later (a reply's headers name a new window).
        self._log.append(answered_at)
        if len(self._log) > 4096:
            del self._log[:2048]
        for w in self._windows.values():
            w.ours.append(answered_at)

    def reserve(self, now: float, calls: int = 1) -> int:
        """A push goes out that will make about ``calls`` counted calls (its last cost);
        returns its ticket (pushes are numbered in the order they are sent)."""
        self._tickets += 1
        self._in_flight[self._tickets] = max(0, calls)
        return self._tickets

    @property
    def reserved(self) -> int:
        return sum(self._in_flight.values())

    def settle(self, answered_at: float, count: int = 1, ticket: int | None = None) -> None:
        """One reserved push was answered, having made ``count`` calls that the vendor
        counts against this limit (0: calls outside it, e.g. BottleCRM's unthrottled API)."""
        if ticket is None:
            ticket = min(self._in_flight, default=None)
        if ticket is not None:
            self._in_flight.pop(ticket, None)
        for _ in range(count):
            self.note_request(answered_at)

    def observe(self, budget: Budget, now: float, ticket: int | None = None) -> None:
        w = self._windows.get(budget.window_s)
        if w is None:
            w = self._windows[budget.window_s] = _Window(budget)
            w.ours = [t for t in self._log if t > now - budget.window_s]
        w.budget = budget
        w.prune(now)
        # Our requests still out may already be counted in ``remaining``; counting them as
        # other apps' until their replies arrive errs on the side of never being refused.
        # Replies to parallel requests arrive out of order: a late reply's ``remaining`` is
        # older than what we already know, so within a window the estimate only grows.
        # It may fall only on the reply to a push sent after the one that set it: that reply
        # describes a newer moment of the server's count.
        estimate = max(0, budget.limit - budget.remaining - len(w.ours))
        newer = ticket is None or ticket > w.others_ticket
        if not newer:
            estimate = max(estimate, w.others)
        elif ticket is not None:
            w.others_ticket = ticket
        w.others = estimate

    def delay(self, now: float) -> float:
        wait = 0.0
        for w in self._windows.values():
            w.prune(now)
            cap = w.budget.limit - self.reserve_n
            if len(w.ours) + self.reserved + w.others < cap:
                continue
            if w.budget.window_s >= DAILY_S:
                continue  # a daily allowance is not waited out: ``exhausted`` stops the run
            if w.ours:
                wait = max(wait, w.ours[0] + w.budget.window_s - now)
            elif self._in_flight:
                wait = max(wait, 0.01)  # a reply will free or count a slot
            else:
                # Others used it all: wait one request's share of the window, then ask again.
                w.others = max(0, w.others - 1)
                wait = max(wait, w.budget.window_s / max(1, w.budget.limit))
        return max(0.0, wait)

    def exhausted(self) -> bool:
        """A daily allowance has no room left above the reserve kept for other apps."""
        for w in self._windows.values():
            if w.budget.window_s >= DAILY_S:
                used = len(w.ours) + self.reserved + w.others
                if used >= w.budget.limit - self.reserve_n:
                    return True
        return False

    def exhausted_text(self, crm: str) -> str:
        return (
            f"{crm}: the daily API allowance is used up (kept {self.reserve_n} request(s) for "
            "other apps); the rest goes out when the CRM's allowance renews"
        )

    def ceiling_per_s(self) -> float:
        budget = self.budget
        if budget is None:
            return math.inf
        return budget.limit / budget.window_s
