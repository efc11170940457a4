"""The event hub's replicator on a thread of its own (issue 19), for the desktop and kiosk.

Owns the ``boothapp-hub`` thread running ``services.hub_worker.HubLoop``; ``stop`` joins it.

| signal | emitted on | payload |
|---|---|---|
| ``state_changed`` | the hub thread (queued to GUI slots) | ``HubState`` (immutable) |

Pulled changes reach the views through the lead door's own broadcast (``LeadsChanged`` with
origin ``hub``), like every other change.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from boothapp.services.hub import HubService
from boothapp.services.hub_worker import HubLoop, HubState
from boothapp.services.lead_changes import LeadChanges


class HubWorker(QObject):
    state_changed = Signal(object)  # HubState

    def __init__(self, hub: HubService, changes: LeadChanges, poll_s: float = 3.0) -> None:
        super().__init__()
        self._changes = changes
        self._loop = HubLoop(hub, poll_s=poll_s, on_state=self._emit)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _emit(self, state: HubState) -> None:
        self.state_changed.emit(state)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._changes.subscribe(self._loop.wake)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop.run, args=(self._stop,), name="boothapp-hub", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._changes.unsubscribe(self._loop.wake)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
