"""One badge held in front of the camera is one scan, not thirty (no Qt)."""

from __future__ import annotations


class ScanCooldown:
    """Decides whether a decoded payload is a new scan.

    A payload counts again only after it has been out of view for ``seconds``: every sighting
    refreshes its clock, so a badge held still for a minute stays one scan, and a decoder that
    misses it for a frame or two does not make a second one.
    """

    def __init__(self, seconds: float = 3.0) -> None:
        if seconds < 0:
            raise ValueError(f"cooldown must not be negative, got {seconds}")
        self.seconds = seconds
        self._last_seen: dict[tuple[str, str], float] = {}

    def is_new(self, symbology: str, text: str, now: float) -> bool:
        key = (symbology, text)
        last = self._last_seen.get(key)
        self._last_seen[key] = now
        self._forget_older_than(now - self.seconds)
        return last is None or now - last > self.seconds

    def _forget_older_than(self, horizon: float) -> None:
        if len(self._last_seen) > 64:
            self._last_seen = {k: t for k, t in self._last_seen.items() if t >= horizon}

    def reset(self) -> None:
        self._last_seen.clear()
