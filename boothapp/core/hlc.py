"""Hybrid logical clocks (issue #19): an order of changes that laptops agree on.

Laptop clocks at a booth disagree by minutes, so "the later wall clock wins" would let a
laptop set ten minutes ahead win every edit. A hybrid logical clock (Kulkarni et al., 2014)
stamps each change with (wall ms, counter, device id): it never goes backwards on a device
(even across restarts, when it starts from the last stamp it wrote), and on receiving a change
it moves past the sender's stamp, so an edit made after seeing another one always sorts after
it, whatever the two wall clocks say. The device id breaks the last ties, so every device
orders every pair of stamps the same way.

Stamps are kept as fixed-width text (``encode``) that sorts like the stamps themselves, so the
databases compare them with a plain ``max``/``>``.
"""

from __future__ import annotations

from dataclasses import dataclass

_WALL_DIGITS = 15
_COUNTER_DIGITS = 6
MAX_COUNTER = 10**_COUNTER_DIGITS - 1
# A stamp from a peer more than this far ahead of our wall clock is refused: one broken clock
# (year 2099) must not drag every device's clock along with it forever.
MAX_DRIFT_MS = 24 * 3600 * 1000


class ClockError(ValueError):
    """A stamp that cannot be read, or one too far in the future to accept."""


@dataclass(frozen=True, slots=True, order=True)
class Hlc:
    wall_ms: int
    counter: int
    device_id: str

    def encode(self) -> str:
        wall, counter = f"{self.wall_ms:0{_WALL_DIGITS}d}", f"{self.counter:0{_COUNTER_DIGITS}d}"
        return f"{wall}-{counter}-{self.device_id}"


ZERO = Hlc(0, 0, "")


def decode(text: str) -> Hlc:
    wall, sep, rest = text.partition("-")
    counter, sep2, device = rest.partition("-")
    if not (sep and sep2 and wall.isdigit() and counter.isdigit()) or len(wall) != _WALL_DIGITS:
        raise ClockError(f"not a clock stamp: {text[:60]!r}")
    return Hlc(int(wall), int(counter), device)


def tick(last: Hlc, now_ms: int, device_id: str) -> Hlc:
    """The stamp of a new local change, after ``last`` (the newest stamp this device knows)."""
    if now_ms > last.wall_ms:
        return Hlc(now_ms, 0, device_id)
    return _bump(last.wall_ms, last.counter, device_id)


def receive(last: Hlc, remote: Hlc, now_ms: int, device_id: str) -> Hlc:
    """This device's clock after seeing ``remote``: past both, never behind the wall clock."""
    if remote.wall_ms - now_ms > MAX_DRIFT_MS:
        raise ClockError(
            f"a stamp {(remote.wall_ms - now_ms) // 60000} minutes ahead of this clock"
        )
    wall = max(last.wall_ms, remote.wall_ms, now_ms)
    if wall == last.wall_ms == remote.wall_ms:
        return _bump(wall, max(last.counter, remote.counter), device_id)
    if wall == last.wall_ms:
        return _bump(wall, last.counter, device_id)
    if wall == remote.wall_ms:
        return _bump(wall, remote.counter, device_id)
    return Hlc(wall, 0, device_id)


def _bump(wall: int, counter: int, device_id: str) -> Hlc:
    if counter >= MAX_COUNTER:  # a million changes in one ms: borrow the next ms
        return Hlc(wall + 1, 0, device_id)
    return Hlc(wall, counter + 1, device_id)
