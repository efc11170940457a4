"""The replicator loop (issue 19), Qt-free: push and pull every few seconds, at once when the
hub says another device pushed (LISTEN/NOTIFY) or this device's door committed a change.

``workers/hub_worker.py`` runs it on a thread for the app; ``boothapp hub sync --watch`` runs it
in the foreground. A lost network is normal at a booth: the loop says "offline", keeps the
changes in the local log and tries again with a growing pause (up to a minute).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy.exc import SQLAlchemyError

from boothapp.services.hub import HubService, Replicated
from boothapp.services.lead_changes import ChangeOrigin, LeadsChanged
from boothapp.sync.hub import client
from boothapp.sync.hub.client import HubError, HubRefused

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0
_SLICE_S = 0.2  # how often a wait looks at the stop and wake flags


@dataclass(frozen=True, slots=True)
class HubState:
    online: bool
    waiting: int  # this device's changes not pushed yet
    refused: bool = False
    error: str = ""
    last: Replicated | None = None

    @property
    def text(self) -> str:
        if self.refused:
            return f"hub refused this device: {self.error}"
        if not self.online:
            return f"hub offline ({self.error}); {self.waiting} change(s) waiting"
        got = self.last.pulled if self.last else 0
        return f"hub online; {self.waiting} waiting, {got} pulled"


class HubLoop:
    def __init__(
        self,
        hub: HubService,
        poll_s: float = 3.0,
        on_state: Callable[[HubState], None] | None = None,
        on_applied: Callable[[Replicated], None] | None = None,
    ) -> None:
        self._hub = hub
        self._poll_s = poll_s
        self._on_state = on_state
        self._on_applied = on_applied
        self._wake = threading.Event()

    def wake(self, changed: LeadsChanged | None = None) -> None:
        """A door listener: a local change wants pushing (not one the hub itself brought)."""
        if changed is None or changed.origin is not ChangeOrigin.HUB:
            self._wake.set()

    def run(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                with self._hub.connect() as conn, self._hub.connect(autocommit=True) as ears:
                    client.listen(ears)
                    backoff = 1.0
                    self._serve(conn, ears, stop)
            except HubRefused as exc:
                self._say(HubState(False, self._hub.waiting(), refused=True, error=str(exc)))
                self._sleep(stop, MAX_BACKOFF_S)
            except SQLAlchemyError as exc:
                # This device's own database was busy (a long save) or a scan of the same
                # badge won a race: the batch rolled back whole, the cursor did not move.
                cause = getattr(exc, "orig", None) or exc  # the database's own words
                log.warning("hub batch not applied, retrying: %s", str(cause).splitlines()[0])
                self._sleep(stop, 0.5)
            except (HubError, psycopg.Error) as exc:
                error = str(exc).strip().splitlines()[0] if str(exc).strip() else "lost"
                log.info("hub offline: %s", error)
                self._say(HubState(False, self._hub.waiting(), error=error))
                self._sleep(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _serve(
        self, conn: psycopg.Connection, ears: psycopg.Connection, stop: threading.Event
    ) -> None:
        while not stop.is_set():
            self._wake.clear()
            done = self._hub.replicate(conn)
            self._say(HubState(True, done.waiting, last=done))
            if done.applied and self._on_applied is not None:
                self._on_applied(done)
            deadline = time.monotonic() + self._poll_s
            while not stop.is_set() and not self._wake.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or client.wait_for_push(ears, min(_SLICE_S, left)):
                    break

    def _say(self, state: HubState) -> None:
        if self._on_state is not None:
            self._on_state(state)

    def _sleep(self, stop: threading.Event, seconds: float) -> None:
        stop.wait(seconds)
