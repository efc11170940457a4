"""The countdown a PIN pad shows while it waits after too many wrong PINs (issue 14).

The staff service says how long the wait is; this only counts it down on screen, once a
second, from a monotonic clock (a changed wall clock neither shortens nor lengthens it).
The service refuses PINs until the stored time regardless of what the screen shows.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal


class PinWait(QObject):
    ticked = Signal(int)  # whole seconds left, > 0
    ended = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seconds = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._tick)
        self._shown = 0

    @property
    def seconds_shown(self) -> int:
        return self._shown if self.active else 0

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self, seconds: float) -> None:
        if seconds <= 0:
            self.stop()
            return
        self._seconds = seconds
        self._clock.restart()
        self._shown = 0
        self._timer.start()
        self._tick()

    def stop(self) -> None:
        was = self._timer.isActive()
        self._timer.stop()
        if was:
            self.ended.emit()

    def _tick(self) -> None:
        left = math.ceil(self._seconds - self._clock.elapsed() / 1000)
        if left <= 0:
            self.stop()
        elif left != self._shown:
            self._shown = left
            self.ticked.emit(left)
