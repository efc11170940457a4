"""Idle timeout for the public kiosk: any touch, click or key resets it; in the last
seconds a countdown shows; at zero everything is cleared and the kiosk returns to attract.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QInputEvent

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    countdown = Signal(int)  # seconds left, shown in the last ``warn_s`` seconds; 0 hides it
    timed_out = Signal()

    def __init__(
        self, timeout_s: float = 30.0, warn_s: float = 10.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timeout_s, self.warn_s = timeout_s, warn_s
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._check)
        self._shown = 0
        self._armed = False

    def arm(self) -> None:
        """Start watching (a visitor is somewhere in the flow)."""
        self._armed = True
        self.poke()
        self._tick.start()

    def disarm(self) -> None:
        self._armed = False
        self._tick.stop()
        self._set_shown(0)

    @property
    def armed(self) -> bool:
        return self._armed

    def poke(self) -> None:
        self._clock.restart()
        self._set_shown(0)

    def remaining(self) -> float:
        return max(0.0, self.timeout_s - self._clock.elapsed() / 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: ``isinstance`` first (~0.1 us), since
        # ``type()`` builds a Python enum (~1.5 us; issue 23). Activity is input only.
        if self._armed and isinstance(event, QInputEvent) and event.type() in _ACTIVITY:
            self.poke()
        return False

    def _check(self) -> None:
        left = self.remaining()
        if left <= 0:
            self.disarm()
            self.timed_out.emit()
        elif left <= self.warn_s:
            self._set_shown(int(left) + 1)

    def _set_shown(self, seconds: int) -> None:
        if seconds != self._shown:
            self._shown = seconds
            self.countdown.emit(seconds)
