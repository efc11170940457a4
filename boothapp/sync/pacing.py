"""Retry timing: exponential backoff with jitter, a per-CRM circuit breaker, a budget pacer."""

from __future__ import annotations

import bisect
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
# A slot frees ``window`` after the answer; this margin covers the clocks' granularity.
GUARD_S = 0.01


class _Window:
    """One vendor window: our own requests in it (send times, sorted), and what other apps
    used of it."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.ours: list[float] = []
        self.others = 0
        self.others_ticket = -1  # the push whose reply set ``others``

    def prune(self, now: float) -> None:
        horizon = now - self.budget.window_s
        if self.ours and self.ours[0] <= horizon:
            del self.ours[: bisect.bisect_right(self.ours, horizon)]

    def add(self, at: float, n: int = 1) -> None:
        i = bisect.bisect_right(self.ours, at)
        self.ours[i:i] = [at] * n

    def remove(self, at: float, n: int) -> None:
        """Drop up to ``n`` of our requests counted at ``at`` (a push made fewer calls)."""
        i = bisect.bisect_right(self.ours, at)
        j = bisect.bisect_left(self.ours, at)
        k = max(j, i - n)
        del self.ours[k:i]


class BudgetPacer:
    """Keeps our own requests inside every published window of the vendor (a sliding-log
    token bucket per window: HubSpot 100 or 190 per 10 s and the daily allowance, Salesforce's
    rolling 24 h allocation, BottleCRM's 120 per minute and 5,000 per day).

    A push is counted when it is sent (``reserve``, with the calls it will make), so several
    pushes in flight at once never add up past the limit, and a push starts only when all of
    its calls fit in the window (``delay(now, calls)``): a batch that would overrun the window
    waits instead of drawing a 429 half-way. When it is answered (``settle``) its calls are
    moved to the answer time: the server counted them somewhere between send and answer (a
    busy BottleCRM checks its throttle only after reading the intake from its database), so
    only the answer time frees their slots without ever meeting a 429; it costs one reply's
    time per window.
    From the vendor's ``remaining`` figure it learns how much of the shared budget other apps
    use. A push waits while ours + theirs + its calls would pass ``limit - reserve``.
    """

    def __init__(self, reserve: int = 0) -> None:
        self.reserve_n = reserve
        self._windows: dict[float, _Window] = {}
        self._in_flight: dict[int, tuple[float, int]] = {}  # ticket -> (sent at, calls counted)
        self._tickets = 0
        self._log: list[float] = []  # our requests, for a window first learnt later

    @property
    def budget(self) -> Budget | None:
        """The shortest window (the burst limit), for display."""
        if not self._windows:
            return None
        return self._windows[min(self._windows)].budget

    def _count(self, at: float, n: int) -> None:
        if n <= 0:
            return
        i = bisect.bisect_right(self._log, at)
        self._log[i:i] = [at] * n
        if len(self._log) > 4096:
            del self._log[:2048]
        for w in self._windows.values():
            w.add(at, n)

    def _uncount(self, at: float, n: int) -> None:
        if n <= 0:
            return
        i = bisect.bisect_right(self._log, at)
        del self._log[max(bisect.bisect_left(self._log, at), i - n) : i]
        for w in self._windows.values():
            w.remove(at, n)

    def note_request(self, at: float) -> None:
        """One request outside any push (counted at ``at``)."""
        self._count(at, 1)

    def reserve(self, now: float, calls: int = 1) -> int:
        """A push goes out now that will make about ``calls`` counted calls (its last cost):
        they are counted at once; returns its ticket (pushes are numbered in send order)."""
        self._tickets += 1
        calls = max(0, calls)
        self._in_flight[self._tickets] = (now, calls)
        self._count(now, calls)
        return self._tickets

    @property
    def reserved(self) -> int:
        """Calls of pushes still out (already counted in the windows)."""
        return sum(n for _, n in self._in_flight.values())

    def settle(self, answered_at: float, count: int = 1, ticket: int | None = None) -> None:
        """One reserved push was answered, having made ``count`` calls that the vendor counts
        against this limit (0: calls outside it, e.g. BottleCRM's unthrottled REST API)."""
        if ticket is None:
            ticket = min(self._in_flight, default=None)
        sent_at, reserved = (
            self._in_flight.pop(ticket, (answered_at, 0)) if ticket is not None else (0.0, 0)
        )
        if ticket is None or reserved == 0:
            sent_at = answered_at
        self._uncount(sent_at, reserved)
        self._count(answered_at, count)

    def observe(self, budget: Budget, now: float, ticket: int | None = None) -> None:
        w = self._windows.get(budget.window_s)
        if w is None:
            w = self._windows[budget.window_s] = _Window(budget)
            w.ours = [t for t in self._log if t > now - budget.window_s]
        w.budget = budget
        w.prune(now)
        # Replies to parallel requests arrive out of
        # order too: a late reply's ``remaining`` is older than what we already know, so
        # within a window the estimate only grows. It may fall only on the reply to a push
        # sent after the one that set it: that reply describes a newer moment of the count.
        # Calls still out may or may not be in the server's count yet: taken as not ours
        # until answered (at worst they look like other apps' for one reply).
        estimate = max(0, budget.limit - budget.remaining - len(w.ours) + self.reserved)
        newer = ticket is None or ticket > w.others_ticket
        if not newer:
            estimate = max(estimate, w.others)
        elif ticket is not None:
            w.others_ticket = ticket
        w.others = estimate

    def delay(self, now: float, calls: int = 1) -> float:
        """Seconds until a push of ``calls`` counted calls fits in every window."""
        wait = 0.0
        for w in self._windows.values():
            w.prune(now)
            cap = w.budget.limit - self.reserve_n
            need = min(max(1, calls), max(1, cap))  # a push dearer than the window: alone
            excess = len(w.ours) + w.others + need - cap
            if excess <= 0:
                continue
            if w.budget.window_s >= DAILY_S:
                continue  # a daily allowance is not waited out: ``exhausted`` stops the run
            if excess <= len(w.ours):
                # The oldest ``excess`` of ours must leave the window first.
                wait = max(wait, w.ours[excess - 1] + w.budget.window_s + GUARD_S - now)
            elif self._in_flight:
                wait = max(wait, 0.01)  # a reply will tell how many others used
            else:
                # Others used it all: wait one request's share of the window, then ask again.
                w.others = max(0, w.others - 1)
                wait = max(wait, w.budget.window_s / max(1, w.budget.limit))
        return max(0.0, wait)

    def exhausted(self, calls: int = 1) -> bool:
        """A daily allowance has no room for a push of ``calls`` above the reserve kept for
        other apps (a push that would pass it is not started: it would meet a refusal)."""
        for w in self._windows.values():
            full = len(w.ours) + w.others + max(1, calls) > w.budget.limit - self.reserve_n
            if w.budget.window_s >= DAILY_S and full:
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
