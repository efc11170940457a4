"""How long a PIN pad waits after wrong PINs (issue 14): after 5 wrong PINs in a row it
refuses every PIN, right or wrong, for 30 s; each further run of 5 wrong PINs doubles the
wait (capped at an hour: a manager PIN, or the wait, lets the staff member in again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_TRIES = 5
FIRST_WAIT_S = 30
MAX_WAIT_S = 3600


@dataclass(frozen=True, slots=True)
class LockState:
    failures: int = 0  # wrong PINs in a row since the last wait or the last right PIN
    lockouts: int = 0  # waits imposed since the last right PIN (each doubles the next one)
    locked_until: datetime | None = None  # UTC

    def seconds_left(self, now: datetime) -> float:
        if self.locked_until is None:
            return 0.0
        return max(0.0, (self.locked_until - now).total_seconds())

    def tries_left(self) -> int:
        return MAX_TRIES - self.failures


def wait_seconds(lockouts: int) -> int:
    """The wait for the ``lockouts``-th lock (1 -> 30 s, 2 -> 60 s, ...)."""
    doublings = min(max(0, lockouts - 1), 16)  # past the cap anyway; keeps the number small
    return min(MAX_WAIT_S, FIRST_WAIT_S << doublings)


def after_wrong_pin(state: LockState, now: datetime) -> LockState:
    failures = state.failures + 1
    if failures < MAX_TRIES:
        return LockState(failures, state.lockouts, state.locked_until)
    lockouts = state.lockouts + 1
    return LockState(0, lockouts, now + timedelta(seconds=wait_seconds(lockouts)))
