"""Real-time pacing for sources that could otherwise deliver frames as fast as the disk allows."""

from __future__ import annotations

import time


class FramePacer:
    """Sleeps so that successive frames leave at ``fps``; never bursts to catch up after a stall."""

    def __init__(self, fps: float) -> None:
        self._interval = 1.0 / fps if fps > 0 else 0.0
        self._due: float | None = None

    def wait(self) -> None:
        if self._interval <= 0:
            return
        now = time.monotonic()
        if self._due is None:
            self._due = now
        delay = self._due - now
        if delay > 0:
            time.sleep(delay)
            self._due += self._interval
        else:
            # Late (slow disk, busy machine): restart the clock instead of bursting frames.
            self._due = now + self._interval

    def reset(self) -> None:
        self._due = None
