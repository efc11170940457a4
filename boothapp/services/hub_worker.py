"""The replicator loop (issue 19), Qt-free: push and pull every few seconds, at once when the
hub says another device pushed (LISTEN/NOTIFY) or this device's door committed a change.

``workers/hub_worker.py`` runs it on a thread for the app; ``boothapp hub sync --watch`` runs it
in the foreground. A lost network is normal at a booth: the loop says "offline", keeps the
changes in the local log and tries again with a growing pause (up to a minute).
"""

from __future__ import annotations

import contextlib
import logging
import random
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.exc import SQLAlchemyError

from boothapp.services.hub import HubService, Replicated
from boothapp.services.lead_changes import ChangeOrigin, LeadsChanged
from boothapp.sync.hub import client
from boothapp.sync.hub.client import HubError, HubProblem, as_hub_error, psycopg

# HubProblem too: the views name a state's problem without reaching into ``sync``.
__all__ = ["HubLoop", "HubProblem", "HubState"]

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0  # a person must act (refused, TLS, schema): ask again now and then
# Unreachable: the pause grows to this, no further (#19, session 13). Past 10 s offline it
# doubled up to a minute; once capture stopped (no scan to end a pause) a device back from
# a long or slow reconnect sat out up to a minute while the others waited for its changes.
# A failed connect every 10 s costs a device nothing, and the hub little.
MAX_OFFLINE_BACKOFF_S = 10.0
# A cut at a booth is usually short: try again soon, and keep trying that often for the first
# seconds offline. The wait from the network's return to the next try is lag for every lead
# captured meanwhile: with 0.5 s it was a quarter of a second on average and most of the
# bench's lag after a cut; with 0.2 s a tenth (#19, session 16). A refused connect costs
# about 0.3 ms of CPU (the pause grows after this long).
FIRST_BACKOFF_S = 0.1
STEADY_RETRY_S = 10.0
_SLICE_S = 0.5  # how often a wait looks at the stop flag (wake-ups come at once)
# Pulls woken by other devices' pushes start at most this often (#19, session 14): the first
# after a quiet spell at once, the ones after it gathered into one pull. With 20 devices each
# push woke 19 pulls, about 15 changes per SQLite transaction, and a transaction's own cost
# (the prefetch's reads, the commit, the door's broadcast) was most of a device's CPU per
# pulled change. A local change still starts its round at once (its push).
COALESCE_S = 0.25


@dataclass(frozen=True, slots=True)
class HubState:
    online: bool
    waiting: int  # this device's changes not pushed yet
    # Why not online: unreachable, refused (revoked, wrong password), TLS, schema too old...
    problem: HubProblem | None = None
    error: str = ""
    last: Replicated | None = None

    @property
    def refused(self) -> bool:
        return self.problem is HubProblem.REFUSED

    @property
    def text(self) -> str:
        if not self.online:  # "hub refused: the hub refused this device: ..."
            why = self.problem or HubProblem.OFFLINE
            return f"hub {why}: {self.error}; {self.waiting} change(s) waiting"
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
        # A local commit ends the wait at once: the wait selects on the hub's LISTEN socket
        # and on this pair (a socket pair, as select() takes no pipes on Windows). Waking
        # only between slices of the wait cost every change up to a slice of lag.
        self._bell: tuple[socket.socket, socket.socket] | None = None
        # The retry pause while the hub is unreachable, and since when it is.
        self._jitter = random.Random()
        self._backoff = FIRST_BACKOFF_S
        self._offline_since: float | None = None

    def wake(self, changed: LeadsChanged | None = None) -> None:
        """A door listener: a local change wants pushing (not one the hub itself brought)."""
        if changed is None or changed.origin is not ChangeOrigin.HUB:
            self._wake.set()
            bell = self._bell
            if bell is not None:
                # Full (a wake-up is pending anyway) or closed at stop: nothing to do.
                with contextlib.suppress(OSError):
                    bell[1].send(b"!")

    def run(self, stop: threading.Event) -> None:
        rx, tx = socket.socketpair()
        rx.setblocking(False)
        tx.setblocking(False)
        self._bell = (rx, tx)
        try:
            self._run(stop)
        finally:
            self._bell = None
            rx.close()
            tx.close()

    def _run(self, stop: threading.Event) -> None:
        self._backoff, self._offline_since = FIRST_BACKOFF_S, None
        while not stop.is_set():
            try:
                # One connection does it all (#19, session 13): the rounds in autocommit (a
                # pull or a touch is one statement, one round trip) and the LISTEN, whose
                # notifications psycopg keeps while a round runs on it. With a second
                # connection for the LISTEN, a device back from a cut made two connections
                # (a backend forked and a password checked each, 20 or 100 devices at once
                # on a busy hub), and a push landing between its first round and its LISTEN
                # waited for the second: most leads late after a cut were late by it. A
                # full hub (``max_connections``) now serves a device or does not.
                with self._hub.connect(autocommit=True) as conn:
                    # A revoked device's sessions end with it: checked once per connection.
                    # The LISTEN comes before the first round: a push after it wakes this
                    # device, one before it is in the round's pull; both go in one message
                    # (one round trip of a reconnect, not two). A kiosk pulls nothing: no
                    # wake-ups for it.
                    client.check_device(conn, listen=not self._hub.push_only)
                    self._serve(conn, stop)
            except SQLAlchemyError as exc:
                # This device's own database was busy (a long save) or a scan of the same
                # badge won a race: the batch rolled back whole, the cursor did not move.
                cause = getattr(exc, "orig", None) or exc  # the database's own words
                log.warning("hub batch not applied, retrying: %s", str(cause).splitlines()[0])
                self._pause(stop, 0.5, None)
            except (HubError, psycopg.Error) as exc:
                err = as_hub_error(exc)
                problem, error = err.problem, str(err)
                log.info("hub %s: %s", problem, error)
                state = HubState(False, self._hub.waiting(), problem, error)
                self._say(state)
                if problem is HubProblem.OFFLINE:
                    since = self._offline_since = self._offline_since or time.monotonic()
                    # After a long time offline a scan tries the hub at once: when the
                    # network is back it goes out now, not after up to a minute's pause.
                    backoff = self._backoff
                    self._pause(stop, backoff, state, retry_on_ring=backoff > 1.0)
                    if time.monotonic() - since > STEADY_RETRY_S:
                        # Spread (by up to a fifth): after a long outage the devices do
                        # not all come back in the same instant, and not for ever in step.
                        grown = backoff * 2 * self._jitter.uniform(0.8, 1.0)
                        self._backoff = min(grown, MAX_OFFLINE_BACKOFF_S)
                else:  # a person must act (a manager, an upgrade): no use asking again soon
                    self._pause(stop, MAX_BACKOFF_S, state)

    def _serve(self, conn: psycopg.Connection, stop: threading.Event) -> None:
        served = False
        round_ended = -COALESCE_S
        while not stop.is_set():
            self._wake.clear()
            self._drain_bell()
            self._round(conn)
            round_ended = time.monotonic()
            if not served:
                # The hub served a round: the network is back, and a cut from now on is a
                # new one. Counted as one outage, a cut during a slow reconnect doubled the
                # pause past 10 s, and devices sat out up to a minute (#19, session 11).
                served = True
                self._backoff, self._offline_since = FIRST_BACKOFF_S, None
            deadline = time.monotonic() + self._poll_s
            while not stop.is_set() and not self._wake.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or self._wait(conn, min(_SLICE_S, left)):
                    break
            self._gather(conn, stop, round_ended)

    def _gather(self, conn: psycopg.Connection, stop: threading.Event, round_ended: float) -> None:
        """Woken by another device's push within ``COALESCE_S`` of the last round: let the
        pushes of the rest of that span come too, and pull them in one round. A local change
        (the door's bell) ends the wait: its push goes out now."""
        left = round_ended + COALESCE_S - time.monotonic()
        if left <= 0 or stop.is_set() or self._wake.is_set():
            return
        self._rung(left)
        # The notifications of the pushes gathered are covered by the next round's pull.
        client.wait_for_push(conn, 0.0, self._hub.device_id)

    def _round(self, conn: psycopg.Connection) -> None:
        done = self._hub.replicate(conn, check=False)
        self._say(HubState(True, done.waiting, last=done))
        if done.applied and self._on_applied is not None:
            self._on_applied(done)

    def _wait(self, conn: psycopg.Connection, timeout_s: float) -> bool:
        """Until another device pushed or this one committed (True), or the timeout."""
        # A notification that came during the round is kept by psycopg, not on the socket.
        if client.wait_for_push(conn, 0.0, self._hub.device_id):
            return True
        watched = [conn.fileno()]
        if self._bell is not None:
            watched.append(self._bell[0].fileno())
        ready, _, _ = select.select(watched, [], [], timeout_s)
        if not ready:
            return False
        # Take every notification that came (and notice a connection that dropped).
        return client.wait_for_push(conn, 0.0, self._hub.device_id) or self._wake.is_set()

    def _drain_bell(self) -> None:
        if self._bell is None:
            return
        with contextlib.suppress(OSError):  # nothing left (BlockingIOError)
            while self._bell[0].recv(4096):
                pass

    def _say(self, state: HubState) -> None:
        if self._on_state is not None:
            self._on_state(state)

    def _pause(
        self,
        stop: threading.Event,
        seconds: float,
        state: HubState | None,
        retry_on_ring: bool = False,
    ) -> None:
        """Wait before trying again. Offline, a local change meanwhile is counted at once:
        the strip's "N waiting" follows the scans, not the retries (``retry_on_ring``: it
        ends the wait)."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            if not self._rung(min(left, _SLICE_S)):
                continue
            self._drain_bell()
            self._wake.clear()
            if retry_on_ring:
                return
            if state is not None:
                state = replace(state, waiting=self._hub.waiting())
                self._say(state)

    def _rung(self, timeout_s: float) -> bool:
        """Whether the door rang (a local commit) within ``timeout_s``."""
        if self._bell is None:
            return self._wake.wait(timeout_s)
        ready, _, _ = select.select([self._bell[0].fileno()], [], [], timeout_s)
        return bool(ready)
