"""Sends saved leads to the event's CRM in the background, as "Send each lead as soon as it is
saved" promises, whenever the hall network lets it.

A save (after its follow-ups are planned, so the owner's task goes with it) asks for a run a
moment later, coalescing a burst of scans; a timer retries every minute for whatever is still
waiting (the network came back, the CRM stopped throttling). Runs go through the sync page's
own ``SyncWorker``, so the page shows their progress and a manual "Sync now" never overlaps
one; each background run is capped so a CRM that is down is retried, not hammered. Nothing
runs when the event has no CRM, auto sync is off, a secret is missing or nothing waits.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from boothapp.services.errors import ServiceError
from boothapp.services.sync import SyncService
from boothapp.sync.settings import CrmSettingsError
from boothapp.workers.sync_worker import SyncWorker
from boothapp.workers.tasks import TaskRunner

INTERVAL_MS = 60_000
DEBOUNCE_MS = 2_000
FIRST_RUN_MS = 5_000
MAX_RUN_S = 120.0


class CrmAutoSync(QObject):
    def __init__(
        self,
        service: SyncService,
        worker: SyncWorker,
        runner: TaskRunner,
        event_id: str,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._service, self._worker, self._runner = service, worker, runner
        self._event_id = event_id
        self._checking = False
        self.runs_started = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.run_now)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(debounce_ms)
        self._soon.timeout.connect(self.run_now)

    def start(self, first_run_ms: int = FIRST_RUN_MS) -> None:
        self._timer.start()
        QTimer.singleShot(first_run_ms, self.run_now)  # leads left waiting by the last session

    def stop(self) -> None:
        self._timer.stop()
        self._soon.stop()

    def lead_saved(self) -> None:
        self._soon.start()  # restarts: ten scans in a row make one run

    def run_now(self) -> None:
        if self._checking or self._worker.running:
            return
        self._checking = True
        service, event_id = self._service, self._event_id
        self._runner.run(lambda: _worth_a_run(service, event_id), self._checked, self._failed)

    def _checked(self, worth: bool) -> None:
        self._checking = False
        active = worth and self._timer.isActive()
        if active and self._worker.start(self._event_id, max_seconds=MAX_RUN_S):
            self.runs_started += 1

    def _failed(self, _exc: BaseException) -> None:
        self._checking = False  # the next tick tries again; the sync page shows the state


def _worth_a_run(service: SyncService, event_id: str) -> bool:
    """Auto sync on, credentials complete, and something waiting (pool thread)."""
    try:
        settings = service.settings(event_id)
        if settings is None or not settings.auto_sync:
            return False
        service.adapter(event_id)  # a missing secret: say nothing, wait for the user
    except (ServiceError, CrmSettingsError):
        return False
    status = service.status(event_id)
    return status.pending + status.in_flight + status.not_queued > 0
