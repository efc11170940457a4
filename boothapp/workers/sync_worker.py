"""The long-lived CRM sync worker: one ``SyncService.run`` at a time on its own thread.

Threads:
* ``start`` / ``cancel`` / ``stop`` are called on the GUI thread.
* ``progress(SyncProgress)`` is emitted on the worker thread ``boothapp-sync`` after each batch;
  the worker object lives on the GUI thread, so Qt queues it to GUI-thread slots.
* ``finished(SyncSummary)`` and ``failed(str)`` (the error text a user can act on) are emitted
  once per run on the worker thread, also queued to the GUI thread; ``running_changed(bool)``
  is emitted on the GUI thread at start and on the worker thread at the end.

``cancel`` returns at once: the engine wakes from any wait, releases its leased batch and the
run finishes with ``stopped == cancelled``. ``stop`` (window closing) cancels and joins.

``start_pull`` reads back what sales changed in the CRM on the same thread slot (never at the
same time as a run): ``pull_progress(done, total)`` after each batch and ``pulled(PullSummary)``
at the end, both from the worker thread, queued to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from boothapp.services.errors import ServiceError
from boothapp.services.sync import SyncService
from boothapp.sync.engine import SyncProgress

log = logging.getLogger(__name__)


class SyncWorker(QObject):
    progress = Signal(object)  # SyncProgress, worker thread
    finished = Signal(object)  # SyncSummary, worker thread
    failed = Signal(str)  # worker thread
    running_changed = Signal(bool)
    pull_progress = Signal(int, int)  # leads read back, of total; worker thread
    pulled = Signal(object)  # PullSummary, worker thread

    def __init__(self, service: SyncService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(
        self, event_id: str, retry_failed: bool = False, max_seconds: float | None = None
    ) -> bool:
        """Begin a run (queue not-yet-synced leads, then drain, for at most ``max_seconds``);
        False if one is running."""
        if self.running:
            return False
        self._cancel = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(event_id, retry_failed, self._cancel, max_seconds),
            name="boothapp-sync", daemon=True,
        )  # fmt: skip
        self.running_changed.emit(True)
        self._thread.start()
        return True

    def start_pull(self, event_id: str) -> bool:
        """Begin reading owner/stage changes back from the CRM; False if busy."""
        if self.running:
            return False
        self._cancel = threading.Event()
        self._thread = threading.Thread(
            target=self._pull, args=(event_id, self._cancel), name="boothapp-sync-pull",
            daemon=True,
        )  # fmt: skip
        self.running_changed.emit(True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def stop(self, timeout: float = 10.0) -> bool:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(
        self,
        event_id: str,
        retry_failed: bool,
        cancel: threading.Event,
        max_seconds: float | None,
    ) -> None:
        def work() -> object:
            if retry_failed:
                self._service.retry_failed(event_id)
            self._service.enqueue_event(event_id)
            return self._service.run(
                event_id, progress=self._emit_progress, cancel=cancel, max_seconds=max_seconds
            )

        self._guarded(work, self.finished, "sync stopped")

    def _pull(self, event_id: str, cancel: threading.Event) -> None:
        def work() -> object:
            return self._service.pull_back(
                event_id, progress=self.pull_progress.emit, cancel=cancel
            )

        self._guarded(work, self.pulled, "reading back from the CRM stopped")

    def _guarded(self, work: Callable[[], object], done: SignalInstance, what: str) -> None:
        """Run on the worker thread: the result to ``done``, errors to ``failed`` in words a
        user can act on (unexpected ones logged in full), and always ``running_changed``."""
        try:
            result = work()
        except ServiceError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            log.exception(what)
            self.failed.emit(f"{what}: {exc}")
        else:
            done.emit(result)
        finally:
            self.running_changed.emit(False)

    def _emit_progress(self, p: SyncProgress) -> None:
        self.progress.emit(p)
