"""Delivered frame rate over a sliding window: drivers often report a rate they do not deliver."""

from __future__ import annotations

import time
from collections import deque


class FpsMeter:
    def __init__(self, window: int = 30) -> None:
        self._stamps: deque[float] = deque(maxlen=window)

    def tick(self, now: float | None = None) -> None:
        self._stamps.append(time.monotonic() if now is None else now)

    def reset(self) -> None:
        self._stamps.clear()

    @property
    def fps(self) -> float:
        if len(self._stamps) < 2:
            return 0.0
        span = self._stamps[-1] - self._stamps[0]
        return (len(self._stamps) - 1) / span if span > 0 else 0.0
