"""Erases the leads past the event's retention rule while the app runs (issue 18).

``privacy.retain_days`` promises that leads neither synced nor won are erased after so many
days; a promise that waits for someone to type ``boothapp person retain`` is not kept. At
start and then every few hours the sweep runs ``PrivacyService.retain`` off the GUI thread
(it is a no-op when the event sets no rule). One run at a time; a failure is reported, never
retried in a tight loop.

Signals (all emitted on the GUI thread, from the task runner's callbacks):

- ``swept(int)``: a run erased that many leads (only when it erased some).
- ``failed(str)``: a run failed; the message is one line.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from boothapp.services.privacy import PrivacyService, RetentionItem
from boothapp.workers.tasks import TaskRunner

INTERVAL_MS = 6 * 60 * 60 * 1000  # retention counts days: a few runs a day keep it exact enough


class RetentionSweep(QObject):
    swept = Signal(int)
    failed = Signal(str)

    def __init__(
        self, privacy: PrivacyService, runner: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._privacy, self._runner = privacy, runner
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.run_now)

    def start(self) -> None:
        self._timer.start()
        self.run_now()

    def stop(self) -> None:
        self._timer.stop()

    def run_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._runner.run(self._privacy.retain, on_done=self._done, on_error=self._error)

    def _done(self, erased: list[RetentionItem]) -> None:
        self._busy = False
        if erased:
            self.swept.emit(len(erased))

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
