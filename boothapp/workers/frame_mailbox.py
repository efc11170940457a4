"""A single-slot mailbox between the camera thread and the decode thread (no Qt).

The camera thread ``put``s every frame; the decoder ``take``s the newest one. A frame still
in the slot when the next arrives is dropped and counted: decoding a stale frame would only
add latency, and the preview never waits for the decoder.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from boothapp.capture.types import Frame


@dataclass(frozen=True, slots=True)
class StampedFrame:
    frame: Frame
    index: int  # running count of frames read from the source
    captured_at: float  # time.monotonic() when the source returned it


class FrameMailbox:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._slot: StampedFrame | None = None
        self._closed = False
        self.dropped = 0

    def put(self, item: StampedFrame) -> None:
        with self._cond:
            if self._slot is not None:
                self.dropped += 1
            self._slot = item
            self._cond.notify()

    def take(self, timeout: float | None = None) -> StampedFrame | None:
        """The newest frame, waiting up to ``timeout``; None on timeout or when closed and empty."""
        with self._cond:
            self._cond.wait_for(lambda: self._slot is not None or self._closed, timeout)
            item, self._slot = self._slot, None
            return item

    def close(self, discard: bool = False) -> None:
        """No more frames; the last one is still handed out unless ``discard`` (stopping)."""
        with self._cond:
            self._closed = True
            if discard:
                self._slot = None
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
