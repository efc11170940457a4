"""The one door for every change to a lead (issue #13).

A booth scan, a walk-in, a kiosk registration, an edit in the lead detail, a device merge, a
CRM pull, a follow-up outcome, a re-route, please-delete and its review: each is a
``LeadTransaction``. In one database transaction it

* writes the lead and one history row per changed field (who, which device, old and new value,
  when) and ``updated_at``;
* re-queues the lead for the event's CRM when a field the CRM receives changed (a change that
  came from the CRM itself is not sent back to it);
* plans follow-ups for a new lead, re-plans them when what they depend on changed (rating,
  stage, consent, please-delete, unsubscribe, the address or zone), moves open touches to a new
  owner, and cancels them when the contact rule says stop;

and after the commit it tells every listener once what changed (``LeadsChanged``): the pages
refresh from that, the CRM auto-sync and the follow-up sender wake up. Callers say what
changed; they never write history, outbox or follow-up rows themselves (a test walks the
source to keep it that way).

Planning and queueing run in a savepoint: a broken follow-up or CRM section in the event's
config never costs a lead (it is logged and ``boothapp sync`` / ``followups plan`` name it).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.store.db import Database
from boothapp.store.tables import LeadChangeRow, LeadRow

log = logging.getLogger(__name__)


class ChangeOrigin(enum.StrEnum):
    """Where a change came from (kept on the broadcast; history names the person)."""

    SCAN = "scan"
    WALK_IN = "walk_in"
    KIOSK = "kiosk"
    EDIT = "edit"
    MERGE = "merge"
    CRM_PULL = "crm_pull"
    OUTCOME = "outcome"
    REROUTE = "reroute"
    PLEASE_DELETE = "please_delete"
    DELETE_REVIEW = "delete_review"
    UNSUBSCRIBE = "unsubscribe"
    ERASE = "erase"


# Bookkeeping no CRM receives: changing it alone never re-queues the lead.
LOCAL_FIELDS = frozenset(
    {"please_delete", "routing_reason", "rating_overridden", "badge_key", "sync_state", "crm_ids"}
)
# What a follow-up plan depends on: a change re-plans the lead's open touches.
PLAN_FIELDS = frozenset(
    {
        "rating",
        "qualified",
        "stage",
        "consent_given_at",
        "please_delete",
        "unsubscribed_at",
        "email",
        "phone",
        "timezone",
        "country",
    }
)
# Origins whose own logic already decided the next touch: the door only enforces the contact
# rule (cancels when it says stop) instead of re-planning.
_DECIDES_ITS_TOUCHES = frozenset({ChangeOrigin.OUTCOME})


@dataclass(frozen=True, slots=True)
class LeadsChanged:
    """What one committed change did, for the views (``lead_ids`` in change order)."""

    origin: ChangeOrigin
    event_ids: frozenset[str]
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    fields: frozenset[str] = frozenset()

    @property
    def lead_ids(self) -> tuple[str, ...]:
        return (*self.created, *self.updated)


ChangeListener = Callable[[LeadsChanged], None]


class Planner(Protocol):
    """The follow-up service, as the door uses it (inside the door's transaction)."""

    def plan_in(
        self,
        s: Session,
        event_id: str,
        now: datetime,
        *,
        replan: bool = False,
        lead_ids: Iterable[str] | None = None,
    ) -> Any: ...

    def reassign_open(self, s: Session, lead_id: str, owner: str) -> int: ...


class Enqueuer(Protocol):
    """The CRM side, as the door uses it (``services.sync.SyncEnqueuer``)."""

    def on_lead_saved(self, s: Session, row: LeadRow) -> None: ...


@dataclass
class _Touched:
    row: LeadRow
    created: bool = False
    fields: set[str] = field(default_factory=set)
    requeue: bool = False


class LeadTransaction:
    """One unit of change; get one from ``LeadChanges.transaction``."""

    def __init__(
        self,
        door: LeadChanges,
        session: Session,
        origin: ChangeOrigin,
        staff_id: str,
        now: datetime,
    ) -> None:
        self.session = session
        self.origin = origin
        self.staff_id = staff_id
        self.now = now
        self._door = door
        self._touched: dict[str, _Touched] = {}
        self.discarded = False

    # -- what callers say -----------------------------------------------------------------
    def created(self, row: LeadRow) -> None:
        """A new lead the caller added to the session: plan and queue it."""
        if row.id is None:
            self.session.flush()  # the id comes with the insert
        entry = self._entry(row)
        entry.created = True
        entry.requeue = True

    def update(
        self,
        row: LeadRow,
        values: Mapping[str, Any],
        *,
        staff_id: str | None = None,
        history: bool = True,
    ) -> frozenset[str]:
        """Set the values that differ, one history row each; returns the changed fields.

        ``history=False`` is for a merge that brings the other device's own history rows
        along (``import_history``): the change is recorded once, where it was made.
        """
        who = self.staff_id if staff_id is None else staff_id
        changed: set[str] = set()
        for name, value in values.items():
            old = getattr(row, name)
            if _same(old, value):
                continue
            if history:
                self.session.add(
                    LeadChangeRow(
                        lead_id=row.id,
                        staff_id=who,
                        field=name,
                        old_value=_json(old),
                        new_value=_json(value),
                        device_id=self._door.device_id,
                        created_by=who,
                        created_at=self.now,
                    )
                )
            setattr(row, name, value)
            changed.add(name)
        if changed:
            row.updated_at = self.now
            entry = self._entry(row)
            entry.fields |= changed
            if self.origin is not ChangeOrigin.CRM_PULL and changed - LOCAL_FIELDS:
                entry.requeue = True
        return frozenset(changed)

    def import_history(self, lead_id: str, changes: Iterable[LeadChangeRow]) -> int:
        """Copy another device's history rows of a lead (same ids: importing twice adds
        nothing); returns how many were new."""
        known = set(
            self.session.scalars(select(LeadChangeRow.id).where(LeadChangeRow.lead_id == lead_id))
        )
        added = 0
        for change in changes:
            if change.id in known:
                continue
            self.session.add(
                LeadChangeRow(
                    id=change.id,
                    lead_id=lead_id,
                    staff_id=change.staff_id,
                    field=change.field,
                    old_value=change.old_value,
                    new_value=change.new_value,
                    created_at=change.created_at,
                    created_by=change.created_by,
                    device_id=change.device_id,
                )
            )
            added += 1
        return added

    def discard(self) -> None:
        """Undo everything (a dry run); nothing is planned, queued or broadcast."""
        self.session.rollback()
        self._touched.clear()
        self.discarded = True

    # -- what follows ---------------------------------------------------------------------
    def _entry(self, row: LeadRow) -> _Touched:
        entry = self._touched.get(row.id)
        if entry is None:
            entry = self._touched[row.id] = _Touched(row)
        return entry

    def finish(self) -> LeadsChanged | None:
        if self.discarded or not self._touched:
            return None
        self.session.flush()
        self._plan()
        self._queue()
        entries = list(self._touched.values())
        return LeadsChanged(
            origin=self.origin,
            event_ids=frozenset(e.row.event_id for e in entries),
            created=tuple(e.row.id for e in entries if e.created),
            updated=tuple(e.row.id for e in entries if not e.created),
            fields=frozenset(f for e in entries for f in e.fields),
        )

    def _plan(self) -> None:
        planner = self._door.planner
        if planner is None:
            return
        by_event: dict[tuple[str, bool], list[str]] = {}
        for e in self._touched.values():
            if e.created or e.fields & PLAN_FIELDS:
                replan = not e.created and self.origin not in _DECIDES_ITS_TOUCHES
                by_event.setdefault((e.row.event_id, replan), []).append(e.row.id)
        for (event_id, replan), ids in by_event.items():
            try:
                with self.session.begin_nested():
                    planner.plan_in(self.session, event_id, self.now, replan=replan, lead_ids=ids)
            except Exception as exc:  # a broken plan never costs the change itself
                log.warning("follow-ups not planned for %d lead(s): %s", len(ids), exc)
        for e in self._touched.values():
            if "owner" in e.fields and not e.created:
                planner.reassign_open(self.session, e.row.id, e.row.owner)

    def _queue(self) -> None:
        enqueuer = self._door.enqueuer
        if enqueuer is None:
            return
        for e in self._touched.values():
            if not e.requeue:
                continue
            try:
                with self.session.begin_nested():
                    enqueuer.on_lead_saved(self.session, e.row)
            except Exception as exc:
                log.warning("lead %s not queued for the CRM: %s", e.row.id, exc)


class LeadChanges:
    """Opens lead transactions and broadcasts what they changed after each commit.

    ``planner`` is the follow-up service, which itself records call outcomes through this
    door, so the composition root sets it after building both.
    """

    def __init__(
        self,
        db: Database,
        device_id: str = "",
        planner: Planner | None = None,
        enqueuer: Enqueuer | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._db = db
        self.device_id = device_id
        self.planner = planner
        self.enqueuer = enqueuer
        self._clock = clock or (lambda: datetime.now(UTC))
        self._listeners: list[ChangeListener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: ChangeListener) -> None:
        """``listener`` is called after each commit, on the thread that committed."""
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @contextmanager
    def transaction(self, origin: ChangeOrigin, staff_id: str = "") -> Iterator[LeadTransaction]:
        """One committed unit of lead changes; the broadcast follows the commit."""
        with self._db.session() as s:
            tx = LeadTransaction(self, s, origin, staff_id, self._clock())
            yield tx
            changed = tx.finish()
        self._announce(changed)

    def _announce(self, changed: LeadsChanged | None) -> None:
        if changed is None:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changed)
            except Exception:  # a view's bug must not undo or hide a committed change
                log.exception("lead change listener failed")


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) and isinstance(new, datetime):
        return _utc(old) == _utc(new)
    return bool(old == new)


def _utc(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _json(value: Any) -> Any:
    """History values are JSON: times and dates as ISO text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value
