"""The event hub, as this device uses it (issue 19): join, leave, status, replicate, run locks.

The device's SQLite stays the source of truth for what it captured. Its change log (written by
the lead door) is pushed to the team's PostgreSQL after the last pushed number, in batches that
the hub skips when it has them already; other devices' changes of the joined events are pulled
after this device's cursor and applied through the door (``hub_apply``: field-level last writer
wins on hybrid logical clocks). Applying a batch and moving the cursor are one SQLite
transaction, so a device killed mid-pull re-applies nothing and loses nothing; a device killed
mid-push pushes the same numbers again and the hub keeps one copy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from boothapp.core.i18n import _
from boothapp.services import hub_apply
from boothapp.services.errors import ValidationError
from boothapp.services.hub_apply import Applied, apply_change
from boothapp.services.lead_changes import (
    CLAIMED,
    CREATED,
    ChangeOrigin,
    LeadChanges,
    LeadsChanged,
    LeadTransaction,
    RemoteChange,
)
from boothapp.services.sightings import Sighting, sightings_in
from boothapp.settings import Settings
from boothapp.store.db import Database
from boothapp.store.tables import ChangeLogRow, EventRow, HubStateRow, LeadRow, table_of
from boothapp.sync.credentials import SecretStore
from boothapp.sync.hub import client
from boothapp.sync.hub.client import (
    DeviceStatus,
    HubChange,
    HubError,
    HubProblem,
    HubRefused,
    RunHolder,
    psycopg,
)

log = logging.getLogger(__name__)

SECRET_NS = "hub"  # keyring namespace: the device role's password
PUSHED = "pushed_seq"
CURSOR = "pull_cursor"
_EVENT = "event:"  # hub event id -> this device's event id
BATCH = 500
# Pulled changes are applied in SQLite write transactions this size: short enough that a scan
# saved meanwhile never waits long for the write lock (busy timeout 5 s, on a loaded laptop).
PULL_BATCH = 100
# ... and never hold it longer than this (a loaded laptop applies fewer per transaction).
WRITE_BUDGET_S = 0.25
# A pull catching up leaves the write lock free this long after every this much of holding
# it in back-to-back transactions (see ``replicate``).
YIELD_S = 0.15
YIELD_EVERY_S = 1.0
# How often a device with nothing to pull still tells the hub it is there (``hub status``).
TOUCH_EVERY_S = 10.0
# ... and how often a device catching up on a backlog says how far it got.
CATCH_UP_TOUCH_S = 2.0
# How often a pulling device looks for kiosk leads it holds that nobody plans (``_sweep``):
# claimed by a device revoked since, or pulled before the hub had claims.
SWEEP_EVERY_S = 30.0


@dataclass(frozen=True, slots=True)
class Replicated:
    pushed: int = 0  # changes the hub did not have
    pulled: int = 0
    applied: int = 0  # pulled changes that changed a lead here
    waiting: int = 0  # this device's changes still to push


@dataclass(frozen=True, slots=True)
class Ownership:
    """Which of an event's leads this device plans and queues on a hub (the door's rule)."""

    mine: tuple[str, ...] | None  # None: every lead (not on a hub)
    others: dict[str, int]  # leads left to other devices, per device name ("": not known here)

    @property
    def left(self) -> int:
        return sum(self.others.values())


@dataclass(frozen=True, slots=True)
class HubStatus:
    joined: bool
    url: str
    push_only: bool
    waiting: int
    devices: tuple[DeviceStatus, ...] = ()
    error: str = ""
    problem: HubProblem | None = None  # why the hub did not answer (None: it did)


class HubService:
    def __init__(
        self,
        db: Database,
        changes: LeadChanges,
        settings: Settings,
        secrets: SecretStore,
        save_settings: Callable[[], None],
    ) -> None:
        self._db = db
        self._changes = changes
        self._settings = settings
        self._secrets = secrets
        self._save_settings = save_settings
        self._touched_at = 0.0  # when the hub was last told this device's cursor
        self._told = -1
        # This device's marks as the last round left them (see ``_marks``).
        self._kept: _Marks | None = None
        self._kept_at = 0.0
        # Whether this device may have logged a change since its last push: most rounds are
        # woken by another device's push and have nothing to send (set by the door's
        # broadcast of a local change, and whenever the marks are read again).
        self._maybe_unpushed = True
        # A push's mark not written yet: (the mark its first batch started from, the last
        # number the hub has). A round writes it in its pull's transaction, or at its end in
        # one of its own (``_write_pushed``): a write transaction per push was a third of a
        # push round's CPU (#19, session 17).
        self._unmarked: tuple[int, int] | None = None
        # Pulled changes fetched after the cursor but not applied yet (``_pull_batch``).
        self._fetched: list[HubChange] = []
        self._fetched_after = -1  # the cursor they follow
        # Leads a kiosk captured that the hub says are this device's to plan (``client.claim``),
        # until their claim entry is logged with the capture.
        self._claims: set[str] = set()
        self._swept_at = -SWEEP_EVERY_S  # the first round sweeps (``_sweep``)
        # Who pushed a pulled change (its name, whether a kiosk): kept between pulls, read
        # once per connection and when stale (``client.DeviceNames``).
        self._names = client.DeviceNames()
        changes.subscribe(self._logged_here)

    def _logged_here(self, changed: LeadsChanged) -> None:
        if changed.origin is not ChangeOrigin.HUB:
            self._maybe_unpushed = True

    # -- set-up ---------------------------------------------------------------------------
    @property
    def device_id(self) -> str:
        return self._settings.device_id

    @property
    def joined(self) -> bool:
        return bool(self._settings.hub_url)

    @property
    def push_only(self) -> bool:
        """A kiosk: it pushes and never pulls."""
        return self._settings.hub_push_only

    @staticmethod
    def init(url: str) -> None:
        """Create (or bring up to date) the hub schema; ``url`` needs a role that may create
        schemas and roles."""
        info = client.conninfo(url)
        with client.connect(info) as conn:
            client.init_schema(conn)

    def join(self, url: str, event_id: str, device_name: str, push_only: bool = False) -> str:
        """Register this device for one of its events; returns the hub's event id."""
        name = device_name.strip()
        if not name:
            raise ValidationError(_("a device name is needed (--device-name)"))
        with self._db.read() as s:
            event = s.get(EventRow, event_id)
            if event is None:
                raise ValidationError(_("no event {event}").format(event=event_id))
            event_name = event.name
        info = client.conninfo(url)
        with client.connect(info) as admin:
            reg = client.register_device(
                admin, self._settings.device_id, name, event_id, event_name, push_only, info
            )
        self._secrets.set_secret(SECRET_NS, self._settings.device_id, reg.password)
        with self._db.session() as s:
            _put(s, _EVENT + reg.hub_event_id, event_id)
            _put(s, PUSHED, "0")  # push every change of the newly joined event
            # ... and pull the event's whole history, even on a device whose cursor is past
            # it (joined to another event before, or joined again after leaving): a device
            # that joins late backfills; what it has already is skipped by its log key.
            _put(s, CURSOR, "0")
        self._kept = None
        self._settings.hub_url = reg.conninfo
        self._settings.device_name = name
        self._settings.hub_push_only = push_only
        self._save_settings()
        log.info("joined hub %s as %s (%s)", client.redact(reg.conninfo), name, reg.role)
        return reg.hub_event_id

    def leave(self) -> None:
        """Stop using the hub: the hub marks this device gone; its password is forgotten."""
        if not self.joined:
            raise ValidationError(_("this device is not joined to a hub"))
        try:
            with self.connect(autocommit=True) as conn:
                self.push(conn)  # what it captured reaches the others before it goes
                client.leave(conn)
        except (HubError, psycopg.Error) as exc:  # leaving works offline too
            log.warning("the hub was not told this device left: %s", client.as_hub_error(exc))
        # The kiosk leads it claimed: the hub marks a device that left as revoked, so the
        # next laptop that sweeps takes their claims over (``client.sweep_claims``) and plans
        # and queues them; their open touches and pending CRM items here go, so one visitor
        # never gets the same mail from this laptop and that one.
        claimed = self._claimed_here()
        if claimed:
            with self._changes.transaction(ChangeOrigin.HUB, "hub") as tx:
                tx.hand_over(claimed)
            log.info("handed over %d kiosk leads this device planned", len(claimed))
        self._secrets.delete_secret(SECRET_NS, self._settings.device_id)
        self._settings.hub_url = ""
        self._settings.hub_push_only = False
        self._save_settings()

    def _claimed_here(self) -> set[str]:
        """The leads whose latest claim entry is this device's (kiosk leads it plans)."""
        me, latest = self._settings.device_id, {}
        with self._db.read() as s:
            for lead_id, device_id in s.execute(
                select(ChangeLogRow.lead_id, ChangeLogRow.device_id)
                .where(ChangeLogRow.field == CLAIMED)
                .order_by(ChangeLogRow.hlc)
            ):
                latest[lead_id] = device_id
        return {lead_id for lead_id, device_id in latest.items() if device_id == me}

    @staticmethod
    def revoke(url: str, device: str) -> str:
        """A manager's verb: the device can no longer log in; returns its name."""
        with client.connect(client.conninfo(url)) as admin:
            return client.revoke_device(admin, device)

    def connect(self, autocommit: bool = False) -> psycopg.Connection:
        if not self.joined:
            raise HubRefused(_("this device is not joined to a hub (boothapp hub join)"))
        password = self._secrets.get_secret(SECRET_NS, self._settings.device_id)
        # Through ``conninfo`` again: a device joined by an older version gets the keepalives.
        info = client.conninfo(self._settings.hub_url)
        return client.connect(info, password, autocommit=autocommit)

    # -- status ---------------------------------------------------------------------------
    def waiting(self) -> int:
        with self._db.read() as s:
            pushed = int(_get(s, PUSHED) or 0)
            me = self._settings.device_id
            return int(
                s.scalar(
                    select(func.count()).where(
                        ChangeLogRow.device_id == me, ChangeLogRow.device_seq > pushed
                    )
                )
                or 0
            )

    def status(self) -> HubStatus:
        waiting = self.waiting()
        if not self.joined:
            return HubStatus(False, "", False, waiting)
        url, push_only = client.redact(self._settings.hub_url), self._settings.hub_push_only
        try:
            with self.connect() as conn:
                client.check_device(conn)  # a hub without this device's schema says so
                devices = tuple(client.devices(conn))
        except (HubError, psycopg.Error) as exc:
            err = client.as_hub_error(exc)
            return HubStatus(True, url, push_only, waiting, error=str(err), problem=err.problem)
        return HubStatus(True, url, push_only, waiting, devices)

    def ownership(self, event_id: str) -> Ownership:
        """The event's leads this device plans and queues, and the others' count per device
        (``boothapp followups plan`` and ``boothapp sync`` cover only this device's)."""
        if not self.joined:
            return Ownership(None, {})
        with self._db.read() as s:
            ids = list(s.scalars(select(LeadRow.id).where(LeadRow.event_id == event_id)))
            elsewhere = self._changes.owners_elsewhere(s, ids)
        others: dict[str, int] = {}
        for name in elsewhere.values():
            others[name] = others.get(name, 0) + 1
        return Ownership(tuple(i for i in ids if i not in elsewhere), others)

    def sightings(self, lead_id: str) -> list[Sighting]:
        """Every capture of this lead's visitor, on any device (for "scanned before by ...")."""
        with self._db.read() as s:
            return sightings_in(s, lead_id, self._settings.device_id, self._settings.device_name)

    # -- replication ----------------------------------------------------------------------
    def replicate(
        self,
        conn: psycopg.Connection,
        batch: int = BATCH,
        pull_batch: int = PULL_BATCH,
        check: bool = True,
    ) -> Replicated:
        """Push everything waiting, then pull and apply everything new (unless a kiosk).

        ``check=False``: the caller checked this device on this connection already (the
        loop does once per connection; a revoke ends the device's sessions)."""
        if check:
            client.check_device(conn)
        try:
            done = self._replicate(conn, batch, pull_batch, check)
            self._write_pushed()
        except BaseException:
            # Maybe not marked pushed (the mark left to write, or a pull transaction that
            # held it rolled back): the next round reads the marks again and sends what is
            # after them again (the hub skips what it has, by its key), as after a crash.
            self._unmarked, self._kept, self._maybe_unpushed = None, None, True
            raise
        return done

    def _replicate(
        self, conn: psycopg.Connection, batch: int, pull_batch: int, check: bool
    ) -> Replicated:
        # What this device pushed and pulled up to, read once a round: a round is woken by
        # every other device's push, and its reads were most of an empty round's time.
        marks = self._marks()
        pushed = self._push_all(conn, batch)
        pulled = applied = 0
        if not self._settings.hub_push_only:
            held_since = time.monotonic()
            while True:
                got, changed, more = self._pull_batch(conn, pull_batch, marks)
                pulled, applied = pulled + got, applied + changed
                if not more:
                    break
                # A scan waiting for SQLite's write lock gets it now and then: its busy
                # handler looks again only every 100 ms, and back-to-back pull transactions
                # starved it past its busy timeout ("database is locked" on a scan, a device
                # catching up on a loaded machine: bench/hub.py, load average 23). Not after
                # every batch: a pause per batch was lag for every lead after a cut.
                if time.monotonic() - held_since > YIELD_EVERY_S:
                    time.sleep(YIELD_S)
                    held_since = time.monotonic()
                # A scan made while a long backlog is pulled goes out now, not after it:
                # the other devices see it within seconds even while this one catches up.
                pushed += self._push_batch(conn, batch, marks)[0]
            # Kiosk leads nobody plans (their laptop revoked; pulled before claims): after
            # the pull, so a round's lag is never spent on it.
            if check or time.monotonic() - self._swept_at > SWEEP_EVERY_S:
                self._sweep(conn, marks)
            # A claim of a kiosk's lead logged by the pull goes out now: the other laptops
            # learn who plans it (the door's broadcast of a pull rings no push).
            pushed += self._push_all(conn, batch)
        # Every change logged by the time of the last push went out; one committed since
        # rang the loop's bell, and the next round (at once) sends it and says so.
        return Replicated(pushed, pulled, applied, 0)

    def push(self, conn: psycopg.Connection, batch: int = BATCH) -> int:
        """Push everything waiting (no pull); returns how many changes the hub did not have."""
        try:
            pushed = self._push_all(conn, batch)
        finally:
            self._write_pushed()
        return pushed

    def _push_all(self, conn: psycopg.Connection, batch: int) -> int:
        """Push everything waiting; the mark is left to write (``_unmarked``)."""
        marks = self._marks()
        pushed = 0
        while True:
            sent, more = self._push_batch(conn, batch, marks)
            pushed += sent
            if not more:
                return pushed

    def replicate_once(self) -> Replicated:
        try:
            with self.connect(autocommit=True) as conn:
                return self.replicate(conn)
        except psycopg.Error as exc:  # in words, and of a kind (``HubError.problem``)
            raise client.as_hub_error(exc) from None

    def _marks(self) -> _Marks:
        """Where this device is: kept from the last round for a few seconds (a round is woken
        by every other device's push; reading them was a tenth of its time). Only this
        service moves them, and a pull reads its cursor again under the write lock; another
        process (a join, ``hub sync``) is seen within ``TOUCH_EVERY_S``."""
        if self._kept is not None and time.monotonic() - self._kept_at < TOUCH_EVERY_S:
            return self._kept
        with self._db.read() as s:
            self._kept = _read_marks(s)
        self._kept_at = time.monotonic()
        self._maybe_unpushed = True  # another process (``hub sync``, a merge) may have logged
        return self._kept

    def _push_batch(
        self, conn: psycopg.Connection, batch: int, marks: _Marks | None = None
    ) -> tuple[int, bool]:
        me = self._settings.device_id
        marks = marks or self._marks()
        pushed, to_hub = marks.pushed, marks.to_hub
        if not self._maybe_unpushed:
            return 0, False
        self._maybe_unpushed = False  # before the read: a change logged after it sets it again
        try:
            with self._db.read() as s:
                # Core rows, not ORM objects: a push reads what it sends, nothing more.
                args = {"me": me, "pushed": pushed, "batch": batch}
                rows = s.connection().execute(_TO_PUSH, args).all()
                changes = [
                    HubChange(
                        me,
                        r.device_seq,
                        to_hub[r.event_id],
                        r.lead_id,
                        r.field,
                        r.value,
                        r.old_value,
                        r.hlc,
                        r.staff_id,
                        r.staff_name,
                        r.change_id,
                        r.at,
                    )
                    for r in rows
                    if r.event_id in to_hub  # an event not joined stays on this device
                ]
                last = rows[-1].device_seq if rows else pushed
            if not rows:
                return 0, False
            sent = client.push(conn, me, changes) if changes else 0
        except BaseException:
            self._maybe_unpushed = True  # not marked pushed: the next round sends it again
            raise
        # The mark is written later in the round (``_unmarked``), and is not flushed to disk
        # (a disk flush, 30 ms at p50 on a loaded machine, before this round's pull could
        # start): a power cut or an error may lose it, and the same numbers go again, which
        # the hub skips by their key (#19).
        self._unmarked = (self._unmarked[0] if self._unmarked else pushed, last)
        marks.pushed = last
        more = len(rows) == batch
        if more:
            self._maybe_unpushed = True
        return sent, more

    def _write_pushed(self) -> None:
        """Write the push's mark left by the round, in a transaction of its own."""
        if self._unmarked is not None:
            with self._db.session(immediate=True, durable=False) as s:
                self._mark_pushed(s, int(_get(s, PUSHED) or 0))

    def _mark_pushed(self, s: Any, stored: int) -> None:
        """Write the push's mark left by the round in the write transaction ``s`` (``stored``:
        the mark as ``s`` reads it), unless a join elsewhere asked to push it all again."""
        if self._unmarked is None:
            return
        (began, last), self._unmarked = self._unmarked, None
        if stored < began:  # a join elsewhere asked to push all: the next round reads it
            self._kept, self._maybe_unpushed = None, True
            return
        _put(s, PUSHED, str(last))

    def _pull_batch(
        self, conn: psycopg.Connection, batch: int, marks: _Marks | None = None
    ) -> tuple[int, int, bool]:
        """Apply up to ``batch`` changes; returns (taken, applied, more may be waiting)."""
        marks = marks or self._marks()
        cursor = marks.cursor
        # What the last transaction fetched but had no time to apply (its write budget ran
        # out) is applied now, not fetched again: on a loaded machine a batch of 100 was
        # fetched to apply a handful, again and again, while catching up.
        # Only right after that transaction: the cursor it left, nothing moved since.
        left, self._fetched = self._fetched, []
        if left and cursor == self._fetched_after:
            changes = left
        else:
            changes = client.pull(conn, self._settings.device_id, cursor, batch, self._names)
            # A kiosk's lead is planned by the first pulling device that applies it: claimed
            # at the hub before it is applied here, so the claim and the capture land together.
            kiosk = [(c.event_id, c.lead_id) for c in changes if c.push_only and c.field == CREATED]
            self._claims |= client.claim(conn, self._settings.device_id, kiosk)
        if not changes:
            # Nothing new: say "still here" now and then, not on every wake-up (every push
            # wakes every device; a write on the hub per device per push was most of its load).
            if time.monotonic() - self._touched_at > TOUCH_EVERY_S or cursor != self._told:
                client.touch(conn, self._settings.device_id, cursor)
                self._touched_at, self._told = time.monotonic(), cursor
            return 0, 0, False
        applied = taken = 0
        # The write lock is taken before anything local is read (BEGIN IMMEDIATE): a scan or
        # an edit committed between this batch's reads and its writes would otherwise be
        # merged over with stale clocks, and the devices would not converge. The hub is read
        # before, so the lock is never held across the network.
        # Not flushed to disk at commit (each device commits a pull on every other device's
        # push: the flush was most of a pull's wall time): a power cut may lose the last
        # pulls and their cursor together, and they are pulled again.
        with self._changes.transaction(
            ChangeOrigin.HUB, "hub", immediate=True, durable=False
        ) as tx:
            began = time.monotonic()
            now = _read_marks(tx.session)  # another pull may have moved the cursor
            # The round's push mark goes with this transaction: one write transaction less.
            self._mark_pushed(tx.session, now.pushed)
            if now.cursor < cursor:  # a join elsewhere asked to pull it all again
                self._kept = None
                marks.cursor, marks.events = now.cursor, now.events
                return 0, 0, True
            now_cursor, local = now.cursor, now.events
            marks.events = now.events
            # The page as this device's changes: the events it did not join (RLS hides them
            # anyway) and what it applied before are left out.
            page = [
                (n, c, _remote(c, event_id))
                for n, c in enumerate(changes)
                if c.global_seq > now_cursor and (event_id := local.get(c.event_id)) is not None
            ]
            # What the page will ask, read at once (a dozen queries per change otherwise).
            hub_apply.prefetch(tx, [rc for _n, _c, rc in page])
            for n, c, rc in page:
                if n and time.monotonic() - began > WRITE_BUDGET_S:
                    taken = n
                    break  # commit what is done; the rest comes with the next batch
                taken = n + 1
                outcome = apply_change(tx, rc)
                if outcome in (Applied.CREATED, Applied.COMBINED, Applied.WON):
                    applied += 1
                if c.lead_id in self._claims and outcome in (Applied.CREATED, Applied.COMBINED):
                    self._claim(tx, c.lead_id)
            else:
                taken = len(changes)
            # The cursor moves in the same transaction as the changes it covers.
            last = max(changes[taken - 1].global_seq, now_cursor)
            _put(tx.session, CURSOR, str(last))
        marks.cursor = last
        self._fetched, self._fetched_after = changes[taken:], last
        more = taken < len(changes) or len(changes) == batch
        # Told when caught up, and now and then while catching up on a backlog: ``hub
        # status`` (and the bench's "behind") saw a device far behind for minutes while it
        # was applying its backlog batch after batch.
        if not more or time.monotonic() - self._touched_at > CATCH_UP_TOUCH_S:
            client.touch(conn, self._settings.device_id, last)
            self._touched_at, self._told = time.monotonic(), last
        return taken, applied, more

    def _claim(self, tx: LeadTransaction, lead_id: str) -> None:
        """Log this device's claim of a kiosk's lead, unless the lead became another capture's
        (the same visitor captured earlier elsewhere: that capture's device plans it)."""
        self._claims.discard(lead_id)
        row = tx.lead(lead_id)
        if row is not None and tx.resolve(lead_id) == lead_id:
            tx.claim(row)
            self._maybe_unpushed = True  # this device's own entry, to push

    def _sweep(self, conn: psycopg.Connection, marks: _Marks) -> None:
        """Claim the kiosk leads this device holds that nobody plans: those a revoked device
        claimed (handed over to the first device that sweeps) and those pulled before the hub
        had claims (``hub_0004``). Each is logged as this device's claim entry and planned and
        queued through the door, as a pull's claim is."""
        self._swept_at = time.monotonic()
        mine = client.sweep_claims(conn, self._settings.device_id, marks.cursor)
        if not mine:
            return
        me = self._settings.device_id
        with self._db.read() as s:
            logged: set[str] = set()
            ids = sorted(mine)
            for start in range(0, len(ids), BATCH):
                logged |= set(
                    s.scalars(
                        select(ChangeLogRow.lead_id).where(
                            ChangeLogRow.device_id == me,
                            ChangeLogRow.field == CLAIMED,
                            ChangeLogRow.lead_id.in_(ids[start : start + BATCH]),
                        )
                    )
                )
        todo = [lead_id for lead_id in ids if lead_id not in logged]
        if not todo:
            return
        with self._changes.transaction(ChangeOrigin.HUB, "hub", immediate=True) as tx:
            for lead_id in todo:
                self._claim(tx, lead_id)
        log.info("claimed %d kiosk leads nobody planned", len(todo))

    # -- one run per event ----------------------------------------------------------------
    @contextmanager
    def run_lock(self, event_id: str, kind: str) -> Iterator[RunHolder | None]:
        """Hold the event's CRM sync (or mail) run across every device of the hub: yields None
        when this device may run, else who holds it. Not joined: always None (this device is
        the only one that could run it)."""
        if not self.joined:
            yield None
            return
        with self._db.read() as s:
            hub_event = _event_map(s, reverse=True).get(event_id)
        if hub_event is None:
            yield None
            return
        password = self._secrets.get_secret(SECRET_NS, self._settings.device_id)
        me = self._settings.device_id
        name = self._settings.device_name or me
        with client.run_lock(self._settings.hub_url, password, hub_event, kind, me, name) as holder:
            yield holder


@dataclass(slots=True)
class _Marks:
    """This device's place in the hub, as one round of replication goes."""

    pushed: int  # the last own change-log number the hub has
    cursor: int  # the last hub number pulled and applied
    events: dict[str, str]  # hub event id -> this device's event id

    @property
    def to_hub(self) -> dict[str, str]:
        return {local: hub for hub, local in self.events.items()}


def _remote(c: HubChange, event_id: str) -> RemoteChange:
    """A pulled change as the door applies it, in this device's event."""
    return RemoteChange(
        c.device_id, c.device_seq, c.hlc, event_id, c.lead_id, c.field, c.value,
        c.old_value, c.staff_id, c.staff_name, c.device_name, c.change_id, c.at,
    )  # fmt: skip


# The statements of the marks and the push's read, built once (#19, session 17): every
# round reads the marks and writes one, every push reads its changes; building the
# expression per call was a tenth of a one-lead pull round's CPU.
_STATE = table_of(HubStateRow)
_LOG = table_of(ChangeLogRow)
_MARKS = select(_STATE.c.key, _STATE.c.value).where(
    _STATE.c.key.in_((PUSHED, CURSOR)) | _STATE.c.key.startswith(_EVENT)
)
_MARK = select(_STATE.c.value).where(_STATE.c.key == bindparam("k"))
_SET_MARK = update(_STATE).where(_STATE.c.key == bindparam("k")).values(value=bindparam("v"))
_NEW_MARK = insert(_STATE).values(key=bindparam("k"), value=bindparam("v"))
_TO_PUSH = (
    select(_LOG)
    .where(_LOG.c.device_id == bindparam("me"), _LOG.c.device_seq > bindparam("pushed"))
    .order_by(_LOG.c.device_seq)
    .limit(bindparam("batch"))
)


def _read_marks(s: Any) -> _Marks:
    """Every hub mark of this device in one query (Core: no ORM row per mark, no autoflush;
    every pull reads them, #19 session 15)."""
    values = {key: value for key, value in s.connection().execute(_MARKS)}
    events = {k[len(_EVENT) :]: v for k, v in values.items() if k.startswith(_EVENT)}
    return _Marks(int(values.get(PUSHED) or 0), int(values.get(CURSOR) or 0), events)


def _get(s: Any, key: str) -> str | None:
    value = s.connection().scalar(_MARK, {"k": key})
    return None if value is None else str(value)


def _put(s: Any, key: str, value: str) -> None:
    """Set a mark: one statement (Core), not a read of the ORM row and its flush: every
    pull and push writes one (#19 session 15)."""
    con, args = s.connection(), {"k": key, "v": value}
    if con.execute(_SET_MARK, args).rowcount == 0:
        con.execute(_NEW_MARK, args)


def _event_map(s: Any, reverse: bool = False) -> dict[str, str]:
    rows = s.scalars(select(HubStateRow).where(HubStateRow.key.startswith(_EVENT))).all()
    pairs = {r.key[len(_EVENT) :]: r.value for r in rows}
    return {v: k for k, v in pairs.items()} if reverse else pairs
