"""Retry timing: exponential backoff with jitter, a per-CRM circuit breaker, a budget pacer."""

from __future__ import annotations

import enum
import math
import random
from collections import deque

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


class BudgetPacer:
    """Keeps our own requests inside the vendor's published window.

    It remembers when each of our requests was answered (an upper bound of when the server
    counted it) and, from the vendor's ``remaining`` figure, how much of the shared budget other
    apps use. A request waits while ours + theirs would reach ``limit - reserve``.
    """

    def __init__(self, reserve: int = 0) -> None:
        self.reserve = reserve
        self.budget: Budget | None = None
        self._ours: deque[float] = deque()
        self._others = 0

    def _prune(self, now: float) -> None:
        if self.budget is None:
            return
        horizon = now - self.budget.window_s
        while self._ours and self._ours[0] <= horizon:
            self._ours.popleft()

    def note_request(self, answered_at: float) -> None:
        self._ours.append(answered_at)

    def observe(self, budget: Budget, now: float) -> None:
        self.budget = budget
        self._prune(now)
        self._others = max(0, budget.limit - budget.remaining - len(self._ours))

    def delay(self, now: float) -> float:
        if self.budget is None:
            return 0.0
        self._prune(now)
        cap = self.budget.limit - self.reserve
        if len(self._ours) + self._others < cap:
            return 0.0
        if self._ours:
            return max(0.0, self._ours[0] + self.budget.window_s - now)
        # Others used it all: wait one request's share of the window, then ask again.
        self._others = max(0, self._others - 1)
        return self.budget.window_s / max(1, self.budget.limit)

    def ceiling_per_s(self) -> float:
        if self.budget is None:
            return math.inf
        return self.budget.limit / self.budget.window_s
