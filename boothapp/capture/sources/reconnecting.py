"""Reopen a source that went away (USB camera unplugged and plugged back) with backoff."""

from __future__ import annotations

import time
from collections.abc import Callable

from boothapp.capture.sources.base import FrameSource, Resolution, SourceError, SourceState
from boothapp.capture.types import Frame


class ReconnectingSource:
    """Wraps a live source: on DISCONNECTED it closes it and retries ``open()`` on later reads.

    ``read()`` never sleeps for the backoff itself (it returns None at once while waiting), so
    the owning thread stays responsive to stop requests. ``last_error`` keeps the most recent
    reopen failure for the UI.
    """

    def __init__(
        self,
        inner: FrameSource,
        first_delay: float = 0.5,
        max_delay: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._clock = clock
        self._delay = first_delay
        self._retry_at: float | None = None
        self.reconnects = 0
        self.last_error: str = ""

    def open(self) -> None:
        self.inner.open()
        self._retry_at = None
        self._delay = self._first_delay

    def read(self) -> Frame | None:
        if self._retry_at is None:
            frame = self.inner.read()
            if self.inner.state is SourceState.DISCONNECTED:
                self.inner.close()
                self._retry_at = self._clock() + self._delay
            return frame
        if self._clock() < self._retry_at:
            return None
        try:
            self.inner.open()
        except SourceError as exc:
            self.last_error = str(exc)
            self._delay = min(self._delay * 2, self._max_delay)
            self._retry_at = self._clock() + self._delay
            return None
        self._retry_at = None
        self._delay = self._first_delay
        self.reconnects += 1
        self.last_error = ""
        return self.inner.read()

    def close(self) -> None:
        self._retry_at = None
        self.inner.close()

    @property
    def state(self) -> SourceState:
        return SourceState.DISCONNECTED if self._retry_at is not None else self.inner.state

    @property
    def resolution(self) -> Resolution | None:
        return self.inner.resolution

    @property
    def fps(self) -> float:
        return self.inner.fps

    def describe(self) -> str:
        suffix = " - disconnected, retrying" if self._retry_at is not None else ""
        return self.inner.describe() + suffix
