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

Every change it commits also lands in the device's change log (``change_log``, issue 19) with
a gap-free per-device sequence number and a hybrid logical clock stamp (``core/hlc.py``); the
event hub's replicator pushes that log and applies other devices' changes back through this
door (``ChangeOrigin.HUB`` with a ``RemoteChange``), so the log, the history and the per-field
clocks are written here and nowhere else.

Planning and queueing run in a savepoint: a broken follow-up or CRM section in the event's
config never costs a lead (it is logged and ``boothapp sync`` / ``followups plan`` name it).
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from operator import itemgetter
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import (
    BindParameter,
    bindparam,
    delete,
    func,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from boothapp.core import hlc
from boothapp.core.models import CONTACT_FIELDS
from boothapp.services.followup_types import OPEN_STATES
from boothapp.services.slot_book import SlotBook
from boothapp.store.bulk import in_chunks, insert_rows, insert_tuples, loaded_values
from boothapp.store.commits_behind import CommitsBehind
from boothapp.store.db import Database
from boothapp.store.tables import (
    AuditRow,
    ChangeLogRow,
    DealRow,
    FieldClockRow,
    FollowUpRow,
    LeadAliasRow,
    LeadChangeRow,
    LeadRow,
    OutboxAttemptRow,
    OutboxRow,
    ScanRow,
    StaffRow,
    table_of,
)
from boothapp.store.types import new_id
from boothapp.sync.outbox import ItemState

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
    HUB = "hub"  # another device's change, pulled from the event hub (issue 19)


# What a lead is, as another device receives it (a merge copies it, the hub replicates it);
# ids, events, sync bookkeeping and timestamps are handled apart.
LEAD_COLUMNS = (
    "badge_key", "badge_id", "raw_payload", "source", *CONTACT_FIELDS, "answers", "rating",
    "rating_overridden", "score", "qualified", "notes", "consent_text", "consent_given_at",
    "unsubscribed_at", "owner", "stage", "please_delete", "referred_by", "staff_id",
    "routing_reason",
)  # fmt: skip
_PICK_LEAD = itemgetter(*LEAD_COLUMNS)
# The field of a change-log entry that brings a whole new lead.
CREATED = "*"
# The field of a change-log entry that erases a lead for good (GDPR, issue 18): the other
# devices of the event hub erase their copy when they apply it. It carries no value.
ERASED = "-"
# The field of a change-log entry by which a pulling device claims a lead a push-only device
# (a kiosk) captured: from then on that device plans and queues it (issue 19). No value.
CLAIMED = "^"
# The clock row of a lead captured here (through ``created`` without a remote entry): its
# creation stamp, which also stands for every field that was non-empty at the capture and has
# no clock row of its own (a field written since has its own row, so such a field still holds
# its captured value). One row a capture instead of one a captured value: 22 a demo lead, 1.1M
# rows and half the file at 50k leads (issue 23). ``clock_of`` reads it as those rows read.
CAPTURED = "**"
# This device's bookkeeping: never replicated.
_UNREPLICATED = frozenset({"sync_state", "crm_ids"})


_LEAD_COLUMN_SET = frozenset(LEAD_COLUMNS)

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
    # Leads erased for good (GDPR, issue 18): views drop them; no lead id to reload.
    erased: tuple[str, ...] = ()

    @property
    def lead_ids(self) -> tuple[str, ...]:
        return (*self.created, *self.updated)


ChangeListener = Callable[[LeadsChanged], None]


@dataclass(frozen=True, slots=True)
class RemoteChange:
    """Another device's change-log entry, as the hub replicator applies it here."""

    device_id: str
    device_seq: int
    hlc: str
    event_id: str  # this device's event id
    lead_id: str  # as the other device addressed it (maybe an alias here)
    field: str
    value: Any
    old_value: Any
    staff_id: str
    staff_name: str
    device_name: str
    change_id: str | None
    at: datetime


@dataclass
class _LogEntry:
    row: LeadRow
    field: str
    value: Any
    old_value: Any
    staff_id: str
    change_id: str | None


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
        prepared: Callable[[], Any] | None = None,
        book: SlotBook | None = None,
    ) -> Any: ...

    def reassign_open(self, s: Session, lead_id: str, owner: str) -> int: ...


class Enqueuer(Protocol):
    """The CRM side, as the door uses it (``services.sync.SyncEnqueuer``)."""

    def on_lead_saved(self, s: Session, row: LeadRow) -> None: ...


@runtime_checkable
class BatchEnqueuer(Enqueuer, Protocol):
    """An enqueuer that queues a whole transaction's leads at once (bulk captures)."""

    def on_leads_saved(self, s: Session, rows: Sequence[LeadRow]) -> None: ...


# What a pulled page's ``prefetch`` reads, built once (issue 19, session 15): each a pair,
# (SQLite's, any database's). On SQLite the values are one bound JSON array (``json_each``):
# the SQL text is the same for any number of them, so SQLAlchemy's compiled cache and
# sqlite3's statement cache hit, where an expanding ``IN`` list was rendered and prepared
# anew for each length (a tenth of a 20-device hub's replicator CPU, session 17). Each stays
# a primary-key lookup per value (tests/unit/test_hub_prefetch.py asks SQLite's plan).
_LOG_T, _ALIAS_T, _CLOCK_T = table_of(ChangeLogRow), table_of(LeadAliasRow), table_of(FieldClockRow)
# A change-log row's columns as ``LeadTransaction._write_log`` gives them, in order.
_LOG_COLUMNS = (
    "device_id", "device_seq", "hlc", "event_id", "lead_id", "field", "value", "old_value",
    "staff_id", "staff_name", "device_name", "change_id", "at",
)  # fmt: skip
_JSON_IDS = select(func.json_each(bindparam("ids")).table_valued("value").c.value)
_JSON_KEY = func.json_each(bindparam("ids")).table_valued("value")  # [device id, seq] each
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_LOGGED_KEYS = (
    select(_LOG_T.c.device_id, _LOG_T.c.device_seq)
    .select_from(_JSON_KEY)
    .join(  # a join, not a row-value IN, which SQLite looks up by device id alone
        _LOG_T,
        (_LOG_T.c.device_id == func.json_extract(_JSON_KEY.c.value, "$[0]"))
        & (_LOG_T.c.device_seq == func.json_extract(_JSON_KEY.c.value, "$[1]")),
    ),
    select(_LOG_T.c.device_id, _LOG_T.c.device_seq).where(
        tuple_(_LOG_T.c.device_id, _LOG_T.c.device_seq).in_(_IDS)
    ),
)
_ALIASES_OF = tuple(
    select(_ALIAS_T.c.alias_id, _ALIAS_T.c.lead_id).where(_ALIAS_T.c.alias_id.in_(ids))
    for ids in (_JSON_IDS, _IDS)
)
_CLOCKS_OF = tuple(
    select(_CLOCK_T.c.lead_id, _CLOCK_T.c.field, _CLOCK_T.c.hlc).where(_CLOCK_T.c.lead_id.in_(ids))
    for ids in (_JSON_IDS, _IDS)
)
_LEADS_OF = tuple(select(LeadRow).where(LeadRow.id.in_(ids)) for ids in (_JSON_IDS, _IDS))

# Who captured or claimed these leads (``owners_elsewhere``, on every hub transaction's finish),
# built once as above; the latest claim last: a revoked one's handed over.
_CAPTURES_OF = tuple(
    select(_LOG_T.c.lead_id, _LOG_T.c.device_id, _LOG_T.c.device_name, _LOG_T.c.field)
    .where(_LOG_T.c.lead_id.in_(ids), _LOG_T.c.field.in_([literal(CREATED), literal(CLAIMED)]))
    .order_by(_LOG_T.c.hlc)
    for ids in (_JSON_IDS, _IDS)
)

# What ``_hand_over`` deletes, built once (issue 19, session 15). Still ``IN`` lists: with the
# ids from ``json_each`` SQLite searches the follow-ups by their open state, not by lead.
_OPEN_TOUCHES_OF = delete(FollowUpRow).where(
    FollowUpRow.lead_id.in_(bindparam("ids", expanding=True)),
    FollowUpRow.state.in_([state.value for state in OPEN_STATES]),
)
_PENDING_ITEMS_OF = delete(OutboxRow).where(
    OutboxRow.lead_id.in_(bindparam("ids", expanding=True)),
    OutboxRow.state == ItemState.PENDING.value,
    OutboxRow.leased_by == "",
)
# A field clock a pulled change raised (``flush``), built once.
_RAISE_CLOCK = (
    update(_CLOCK_T)
    .where(_CLOCK_T.c.lead_id == bindparam("k_lead"), _CLOCK_T.c.field == bindparam("k_field"))
    .values(hlc=bindparam("k_hlc"))
)


@dataclass(slots=True)
class _Clock:
    """A field clock a pulled change set in this transaction (``LeadTransaction.flush``
    writes it: ``stored`` once inserted)."""

    hlc: str
    stored: bool = False


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
        self._log: list[_LogEntry] = []
        self._recorded: set[tuple[str, int]] = set()
        self._erased: dict[str, str] = {}  # lead id -> event id
        self._claimed: set[str] = set()  # kiosk leads this device claimed here (``claim``)
        self.discarded = False
        # What applying many pulled changes asks one primary key at a time (issue 19): each
        # ``session.get`` that misses is a query and an autoflush, most of a pull's time.
        # ``prefetch`` loads a batch's worth at once; every write below keeps these true.
        self._clocks: dict[str, dict[str, FieldClockRow | _Clock]] = {}  # lead -> field -> clock
        self._logged: set[tuple[str, int]] = set()  # change-log keys known to be there
        self._unlogged: set[tuple[str, int]] = set()  # ... and known not to be
        self._aliases: dict[str, str | None] = {}  # id -> the lead it stands for (None: itself)
        self._no_lead: set[str] = set()  # ids known to be no lead here
        # Leads created in this transaction: ``session.get`` of one not flushed yet misses the
        # identity map, so every pulled edit of a lead the same page brought was a query and
        # an autoflush of the whole page so far (a quarter of a bulk pull's CPU, #19).
        self._new_rows: dict[str, LeadRow] = {}
        # Other devices' history rows and change-log entries this transaction applied, written
        # one statement per table at the next ``flush`` (after the leads they name), not as
        # ORM objects through the unit of work: a pull's page, a merge's file (#19).
        self._pending_history: list[dict[str, Any]] = []
        self._pending_log: list[dict[str, Any]] = []
        # ... and the field clocks they set: new ones inserted at the flush, and those raised
        # since their insert updated there (no ORM object per clock: 9 a pulled lead).
        self._pending_clocks: list[tuple[str, str, _Clock]] = []
        self._clock_updates: dict[tuple[str, str], _Clock] = {}
        # A bulk capture's new leads, planned and rendered ahead in its worker process
        # (issue 23): the planner's ``prepared``, asked for inside the planning savepoint.
        self.prepared_plans: Callable[[], Any] | None = None
        # And the open emails per slot its earlier chunks left (the planner's ``book``).
        self.slot_book: SlotBook | None = None

    # -- what callers say -----------------------------------------------------------------
    def created(
        self,
        row: LeadRow,
        *,
        remote: RemoteChange | None = None,
        staff_id: str | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """A new lead the caller added to the session: plan and queue it.

        ``remote`` is the other device's entry that brought it (hub): logged under that
        device's key, not as a change of this device. ``staff_id``: who captured it, when
        that is not the transaction's person (many leads captured in one transaction).
        ``values``: the row's column values as just inserted (a bulk capture), read from
        there instead of from the row again."""
        if row.id is None:
            self.session.flush()  # the id comes with the insert
        entry = self._entry(row)
        entry.created = True
        entry.requeue = True
        self._no_lead.discard(row.id)
        self._new_rows[row.id] = row
        if remote is None:
            picked = (
                _PICK_LEAD(values)
                if values is not None
                else _PICK_LEAD(loaded_values(row, LEAD_COLUMNS))
            )
            snapshot = {
                n: v if type(v) in _AS_IS else _json(v)
                for n, v in zip(LEAD_COLUMNS, picked, strict=True)
            }
            who = self.staff_id if staff_id is None else staff_id
            self._log.append(_LogEntry(row, CREATED, snapshot, None, who, None))
        else:
            self.record_remote(remote)
            self._set_clock(row.id, CREATED, remote.hlc)

    def update(
        self,
        row: LeadRow,
        values: Mapping[str, Any],
        *,
        staff_id: str | None = None,
        history: bool = True,
        remote: RemoteChange | None = None,
    ) -> frozenset[str]:
        """Set the values that differ, one history row each; returns the changed fields.

        ``history=False`` is for a merge that brings the other device's own history rows
        along (``import_history``): the change is recorded once, where it was made.
        ``remote`` is another device's change that won here (hub): its history row names
        that device, person and time, and it is logged under that device's key.
        """
        who = self.staff_id if staff_id is None else staff_id
        changed: set[str] = set()
        for name, value in values.items():
            old = getattr(row, name)
            if remote is not None:
                self._set_clock(row.id, name, remote.hlc)
            if _same(old, value):
                continue
            change_id = new_id() if history else None
            if remote is not None:
                change_id = (remote.change_id or new_id()) if len(values) == 1 else new_id()
                self._history(row.id, name, old, value, change_id, remote)
            elif history:
                self._history(row.id, name, old, value, change_id, None, who)
            if remote is None and name not in _UNREPLICATED:
                self._log.append(_LogEntry(row, name, _json(value), _json(old), who, change_id))
            setattr(row, name, value)
            changed.add(name)
        if remote is not None:
            self.record_remote(remote)
        if changed:
            row.updated_at = self.now
            entry = self._entry(row)
            entry.fields |= changed
            if self.origin is not ChangeOrigin.CRM_PULL and changed - LOCAL_FIELDS:
                entry.requeue = True
        return frozenset(changed)

    def erase(self, row: LeadRow, *, remote: RemoteChange | None = None) -> None:
        """Forget a lead for good (GDPR erase, issue 18): its history, scans, follow-ups
        (planned mails with their rendered text), CRM queue rows and their attempts, deals,
        field clocks and aliases go; audit rows stay (who did what, when) with their detail
        blanked; this device's change-log entries keep their place (the sequence stays
        gap-free for the hub) with their values blanked, and one ``ERASED`` entry tells the
        other devices to erase theirs (``remote``: the entry that told this one). The caller
        records the tombstone and the CRM delete request; nothing is planned or queued.
        """
        s = self.session
        self.flush()
        ids = {row.id} | set(
            s.scalars(select(LeadAliasRow.alias_id).where(LeadAliasRow.lead_id == row.id))
        )
        s.execute(delete(LeadChangeRow).where(LeadChangeRow.lead_id.in_(ids)))
        items = select(OutboxRow.id).where(OutboxRow.lead_id.in_(ids))
        s.execute(delete(OutboxAttemptRow).where(OutboxAttemptRow.item_id.in_(items)))
        s.execute(delete(OutboxRow).where(OutboxRow.lead_id.in_(ids)))
        s.execute(delete(FollowUpRow).where(FollowUpRow.lead_id.in_(ids)))
        s.execute(delete(ScanRow).where(ScanRow.lead_id.in_(ids)))
        s.execute(delete(DealRow).where(DealRow.lead_id.in_(ids)))
        s.execute(delete(FieldClockRow).where(FieldClockRow.lead_id.in_(ids)))
        s.execute(
            delete(LeadAliasRow).where(
                LeadAliasRow.lead_id.in_(ids) | LeadAliasRow.alias_id.in_(ids)
            )
        )
        s.execute(
            update(ChangeLogRow)
            .where(ChangeLogRow.lead_id.in_(ids))
            .values(value=None, old_value=None, staff_name="")
        )
        s.execute(update(AuditRow).where(AuditRow.lead_id.in_(ids)).values(detail={}))
        for lead_id in ids:
            self._clocks.pop(lead_id, None)
        self._aliases.clear()  # rare: ask the database again
        self._touched.pop(row.id, None)
        self._log = [e for e in self._log if e.row.id != row.id]
        if remote is None:
            self._log.append(_LogEntry(row, ERASED, None, None, self.staff_id, None))
        else:
            self.record_remote(remote)
        self._erased[row.id] = row.event_id
        self._forget(row.id)
        s.delete(row)
        s.flush()

    def _forget(self, lead_id: str) -> None:
        """The lead of this id is deleted in this transaction: ``lead`` finds none."""
        self._new_rows.pop(lead_id, None)
        self._no_lead.add(lead_id)

    def claim(self, row: LeadRow) -> None:
        """This device plans and queues a lead a push-only device captured (the hub gave it
        the lead's claim): logged as this device's claim entry, planned and queued as new."""
        entry = self._entry(row)
        entry.created = entry.requeue = True
        self._claimed.add(row.id)
        self._log.append(_LogEntry(row, CLAIMED, None, None, self.staff_id, None))

    def _history(
        self,
        lead_id: str,
        name: str,
        old: Any,
        new: Any,
        change_id: str | None,
        remote: RemoteChange | None,
        who: str = "",
    ) -> None:
        if remote is not None:  # written with the page (``flush``)
            self._pending_history.append(
                dict(
                    id=change_id or new_id(), lead_id=lead_id, staff_id=remote.staff_id,
                    field=name, old_value=_json(old), new_value=_json(new),
                    device_id=remote.device_id, created_by=remote.staff_id,
                    created_at=remote.at,
                )
            )  # fmt: skip
            return
        self.session.add(
            LeadChangeRow(
                id=change_id or new_id(),
                lead_id=lead_id,
                staff_id=who,
                field=name,
                old_value=_json(old),
                new_value=_json(new),
                device_id=self._door.device_id,
                created_by=who,
                created_at=self.now,
            )
        )

    def flush(self) -> None:
        """Write what the session holds, then the other devices' history rows and change-log
        entries applied since the last flush: one insert per table (the leads first, which
        the history rows name)."""
        self.session.flush()
        history, self._pending_history = self._pending_history, []
        entries, self._pending_log = self._pending_log, []
        insert_rows(self.session, LeadChangeRow, history)
        insert_rows(self.session, ChangeLogRow, entries)
        fresh, self._pending_clocks = self._pending_clocks, []
        if fresh:
            _insert_clocks(self.session, [(lead, name, c.hlc) for lead, name, c in fresh])
            for _lead, _name, clock in fresh:
                clock.stored = True
        raised, self._clock_updates = self._clock_updates, {}
        if raised:
            self.session.execute(
                _RAISE_CLOCK,
                [dict(k_lead=k[0], k_field=k[1], k_hlc=c.hlc) for k, c in raised.items()],
            )

    # -- the event hub (issue 19) ---------------------------------------------------------
    def has_seen(self, device_id: str, device_seq: int) -> bool:
        """Whether another device's change is applied here already."""
        return self._logged_already((device_id, device_seq))

    def _logged_already(self, key: tuple[str, int]) -> bool:
        if key in self._recorded or key in self._logged:
            return True
        if key in self._unlogged:
            return False
        return self.session.get(ChangeLogRow, key) is not None

    def prefetch(self, keys: Iterable[tuple[str, int]], lead_ids: Iterable[str]) -> None:
        """Load at once what applying these pulled changes will ask (issue 19): which of
        their change-log keys are here, the aliases, leads and field clocks of their leads.
        A query each instead of a dozen per change; the answers stay the same."""
        s = self.session
        # Core reads on the session's connection, with statements built once (issue 19,
        # session 15): no ORM object per key, alias or clock, no autoflush per query, no
        # ``IN`` expression built per call (together most of a pull transaction's CPU); one
        # flush first, so they see what the session holds, as the autoflush had them see it.
        s.flush()
        con = s.connection()
        on_sqlite = con.dialect.name == "sqlite"
        asked = set(keys)
        found = set(map(tuple, _read(con.execute, _LOGGED_KEYS, sorted(asked), on_sqlite)))
        self._logged |= found
        self._unlogged |= asked - found
        ids = set(lead_ids)
        ask = ids - self._aliases.keys()
        while ask:  # an alias's target is asked too (chains are kept one link long)
            targets: set[str] = set()
            for alias_id, target in _read(con.execute, _ALIASES_OF, sorted(ask), on_sqlite):
                self._aliases[alias_id] = target
                targets.add(target)
            for lead_id in ask:
                self._aliases.setdefault(lead_id, None)
            ask = targets - self._aliases.keys()
        leads = {self.resolve(lead_id) for lead_id in ids} | ids
        missing = leads - self._clocks.keys()
        # Stored clocks as ``_Clock``s: one raised later is written by ``flush``'s update.
        for lead_id, name, stamp in _read(con.execute, _CLOCKS_OF, sorted(missing), on_sqlite):
            self._clocks.setdefault(lead_id, {})[name] = _Clock(stamp, stored=True)
        for lead_id in missing:
            self._clocks.setdefault(lead_id, {})
        # Into the session: ``lead`` finds them there.
        present = {row.id for row in _read(s.scalars, _LEADS_OF, sorted(leads), on_sqlite)}
        self._no_lead |= leads - present

    def lead(self, lead_id: str) -> LeadRow | None:
        """The lead of this id here (``session.get`` that knows what ``prefetch`` found)."""
        if lead_id in self._no_lead:
            return None
        row = self._new_rows.get(lead_id)
        return row if row is not None else self.session.get(LeadRow, lead_id)

    def record_remote(self, remote: RemoteChange, *, losing_lead_id: str | None = None) -> None:
        """Log another device's change under its key and move this clock past its stamp.

        ``losing_lead_id``: the change lost here (a later stamp holds the field), yet it is
        kept in that lead's history, as it was made on the other device."""
        key = (remote.device_id, remote.device_seq)
        if self._logged_already(key):
            return
        self._recorded.add(key)
        self._door.observe(remote.hlc)
        self._pending_log.append(
            dict(
                device_id=remote.device_id, device_seq=remote.device_seq, hlc=remote.hlc,
                event_id=remote.event_id, lead_id=remote.lead_id, field=remote.field,
                value=remote.value, old_value=remote.old_value, staff_id=remote.staff_id,
                staff_name=remote.staff_name, device_name=remote.device_name,
                change_id=remote.change_id, at=remote.at,
            )
        )  # fmt: skip
        if losing_lead_id is not None and remote.field != CREATED:
            self._history(
                losing_lead_id, remote.field, remote.old_value, remote.value,
                remote.change_id, remote,
            )  # fmt: skip

    def clock_of(self, lead_id: str, name: str) -> str:
        """The stamp the field's value came from ("" = never written: an empty value)."""
        clocks = self._clocks_of(lead_id)
        row = clocks.get(name)
        if row is not None:
            return row.hlc
        captured = clocks.get(CAPTURED)
        if captured is None or not (name == CREATED or self._captured_value(lead_id, name)):
            return ""
        return captured.hlc

    def _captured_value(self, lead_id: str, name: str) -> bool:
        """Whether a field of a lead captured here, with no clock row of its own, holds a
        value: then it is its captured value, written at the capture's stamp (``CAPTURED``)."""
        if name not in _LEAD_COLUMN_SET:
            return False
        row = self.lead(lead_id)
        return row is not None and bool(_json(getattr(row, name)))

    def _clocks_of(self, lead_id: str) -> dict[str, FieldClockRow | _Clock]:
        """A lead's field clocks, read once per transaction (every write goes through it)."""
        clocks = self._clocks.get(lead_id)
        if clocks is None:
            found = self.session.scalars(
                select(FieldClockRow).where(FieldClockRow.lead_id == lead_id)
            )
            clocks = self._clocks[lead_id] = dict((row.field, row) for row in found)
        return clocks

    def resolve(self, lead_id: str) -> str:
        """The lead an id stands for here (itself, or the lead its visitor became)."""
        seen = {lead_id}
        while (target := self._alias_of(lead_id)) is not None:
            lead_id = target
            if lead_id in seen:  # never expected; a cycle must not hang the replicator
                break
            seen.add(lead_id)
        return lead_id

    def _alias_of(self, lead_id: str) -> str | None:
        if lead_id in self._aliases:
            return self._aliases[lead_id]
        row = self.session.get(LeadAliasRow, lead_id)
        return row.lead_id if row is not None else None

    def absorb(self, loser: LeadRow, winner: LeadRow) -> None:
        """The same visitor captured on two devices: ``loser`` becomes an alias of
        ``winner``; its history, scans, follow-ups, queue and audit move along."""
        s = self.session
        self.flush()
        old, new = loser.id, winner.id
        # "fetch": the session learns which rows moved from the statement itself; the default
        # ("evaluate") tested every object of the class in the session, per statement, and a
        # merge's one long transaction made that quadratic (issue 19, the merge's cost).
        for table in (LeadChangeRow, ScanRow, FollowUpRow, AuditRow):
            s.execute(
                update(table).where(table.lead_id == old).values(lead_id=new),
                execution_options={"synchronize_session": "fetch"},
            )
        queued = {c for c in s.scalars(select(OutboxRow.crm).where(OutboxRow.lead_id == new))}
        for item in s.scalars(select(OutboxRow).where(OutboxRow.lead_id == old)).all():
            if item.crm in queued:
                s.delete(item)  # the winner is queued for that CRM already
            else:
                item.lead_id = new
        # The caller merged the loser's field clocks into the winner's (it knows the rule).
        for clock in s.scalars(select(FieldClockRow).where(FieldClockRow.lead_id == old)).all():
            s.delete(clock)
        self._clocks.pop(old, None)
        self.alias(old, new)
        self._touched.pop(old, None)
        self._forget(old)
        s.delete(loser)
        s.flush()
        entry = self._entry(winner)
        entry.requeue = True
        entry.fields.add("id")

    def alias(self, alias_id: str, lead_id: str) -> None:
        """From now on ``alias_id`` stands for ``lead_id`` (and so do its own aliases)."""
        s = self.session
        s.execute(
            update(LeadAliasRow).where(LeadAliasRow.lead_id == alias_id).values(lead_id=lead_id),
            execution_options={"synchronize_session": "fetch"},  # as in ``absorb``
        )
        # Known to be no alias yet (``prefetch`` asked): no read, no autoflush.
        known = self._aliases.get(alias_id, alias_id)
        if known is None or (known == alias_id and s.get(LeadAliasRow, alias_id) is None):
            s.add(LeadAliasRow(alias_id=alias_id, lead_id=lead_id, at=self.now))
        for known, target in self._aliases.items():  # as the update above did
            if target == alias_id:
                self._aliases[known] = lead_id
        self._aliases[alias_id] = lead_id

    def set_clock(self, lead_id: str, name: str, stamp: str) -> None:
        """The field's value now comes from a change stamped ``stamp`` (kept if later)."""
        self._set_clock(lead_id, name, stamp)

    def _set_clock(self, lead_id: str, name: str, stamp: str) -> None:
        clocks = self._clocks_of(lead_id)
        row = clocks.get(name)
        if row is None:
            # The field's clock so far may be its capture's (``CAPTURED``): kept if later.
            stamp = max(stamp, self.clock_of(lead_id, name))
            clock = clocks[name] = _Clock(stamp)
            self._pending_clocks.append((lead_id, name, clock))
        elif stamp > row.hlc:
            row.hlc = stamp
            if isinstance(row, _Clock) and row.stored:  # inserted at a flush already
                self._clock_updates[(lead_id, name)] = row

    def _write_log(self) -> None:
        """This transaction's own changes, numbered and stamped, into the change log."""
        entries = [e for e in self._log if e.row.id in self._touched or e.field == ERASED]
        if not entries:
            return
        s = self.session
        self.flush()  # holds SQLite's write lock from here: the next number is ours
        me = self._door.device_id
        seq = s.scalar(select(func.max(ChangeLogRow.device_seq)).where(
            ChangeLogRow.device_id == me
        )) or 0  # fmt: skip
        names: dict[str, str] = {}
        # One stamp load and one clock read for the whole transaction: per entry they were a
        # query each (and an autoflush each), 7 minutes for a 50k-lead demo build (issue 23).
        stamps = self._door.next_stamps(s, self.now, len(entries))
        rows: list[tuple[Any, ...]] = []
        clocks: dict[tuple[str, str], str] = {}
        for e, stamp in zip(entries, stamps, strict=True):
            if e.staff_id and e.staff_id not in names:
                staff = s.get(StaffRow, e.staff_id)
                names[e.staff_id] = staff.name if staff is not None else ""
            seq += 1
            rows.append((
                me, seq, stamp, e.row.event_id, e.row.id, e.field, e.value, e.old_value,
                e.staff_id, names.get(e.staff_id, ""), "", e.change_id, self.now,
            ))  # fmt: skip
            if e.field in (ERASED, CLAIMED):
                continue  # the lead is gone / not a field of it: no clock to keep
            # Each captured value is a write at the creation stamp: the one ``CAPTURED`` row
            # stands for them (``clock_of``). Stamps rise: the last one is the latest.
            clocks[(e.row.id, CAPTURED if e.field == CREATED else e.field)] = stamp
        insert_tuples(s, ChangeLogRow, _LOG_COLUMNS, rows)
        # A lead this device creates now has a new id: no clock of it can exist yet.
        self._set_clocks(clocks, {e.row.id for e in entries if e.field == CREATED})

    def _set_clocks(
        self, stamps: Mapping[tuple[str, str], str], new_leads: Set[str] = frozenset()
    ) -> None:
        """``_set_clock`` for many fields at once: one read per 500 leads, one insert.
        ``new_leads``: leads created in this transaction, whose clocks need no read."""
        s = self.session
        lead_ids = sorted({lead_id for lead_id, _ in stamps} - new_leads)
        known: dict[tuple[str, str], FieldClockRow] = {}
        for part in in_chunks(lead_ids):
            for clock in s.scalars(select(FieldClockRow).where(FieldClockRow.lead_id.in_(part))):
                known[(clock.lead_id, clock.field)] = clock
        fresh: list[tuple[str, str, str]] = []
        for (lead_id, name), stamp in stamps.items():
            row = known.get((lead_id, name))
            if row is None:
                fresh.append((lead_id, name, stamp))
            elif stamp > row.hlc:
                row.hlc = stamp
        if fresh:
            _insert_clocks(s, fresh)
        for lead_id in {lead_id for lead_id, _ in stamps}:  # inserted past the session:
            self._clocks.pop(lead_id, None)  # read again when asked

    def import_history(self, lead_id: str, changes: Iterable[LeadChangeRow]) -> int:
        """Copy another device's history rows of a lead (same ids: importing twice adds
        nothing); returns how many were new."""
        self.flush()
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
        self._pending_history.clear()
        self._pending_log.clear()
        self._pending_clocks.clear()
        self._clock_updates.clear()
        self.discarded = True

    # -- what follows ---------------------------------------------------------------------
    def _entry(self, row: LeadRow) -> _Touched:
        entry = self._touched.get(row.id)
        if entry is None:
            entry = self._touched[row.id] = _Touched(row)
        return entry

    def finish(self) -> LeadsChanged | None:
        if self.discarded:
            return None
        self.flush()  # a pulled change that lost everywhere is still logged
        if not (self._touched or self._erased):
            return None
        self._write_log()
        # On a hub, the device that captured a lead plans and queues it (issue 19), whoever
        # changed it: one visitor never gets the same follow-up mail from two laptops.
        elsewhere = self._captured_elsewhere()
        # A lead a pull created holds nothing here, unless this device's own capture of the
        # same visitor was absorbed into it (``absorb`` marks the field "id").
        held = {
            lead_id
            for lead_id in elsewhere
            if not self._touched[lead_id].created or "id" in self._touched[lead_id].fields
        }
        if held:
            self._hand_over(held)
        self._plan(elsewhere)
        self._queue(elsewhere)
        entries = list(self._touched.values())
        return LeadsChanged(
            origin=self.origin,
            event_ids=frozenset({e.row.event_id for e in entries} | set(self._erased.values())),
            created=tuple(e.row.id for e in entries if e.created),
            updated=tuple(e.row.id for e in entries if not e.created),
            fields=frozenset(f for e in entries for f in e.fields),
            erased=tuple(self._erased),
        )

    def _captured_elsewhere(self) -> set[str]:
        """The touched leads another device of the event hub plans and queues (see
        ``LeadChanges.planned_elsewhere``). A lead a pull created is another device's, unless
        this device claimed it (a kiosk's). Off a hub, or for ``boothapp merge`` (the merging
        database is the one that sends after the show), every lead is this device's."""
        hub_change = self.origin is ChangeOrigin.HUB
        if self.origin is ChangeOrigin.MERGE or not (hub_change or self._door.on_hub()):
            return set()
        # A lead a pull created is another device's, and nothing of it is planned here yet.
        pulled = {
            lead_id
            for lead_id, e in self._touched.items()
            if hub_change and e.created and lead_id not in self._claimed
        }
        ids = [lead_id for lead_id in self._touched if lead_id not in pulled]
        return pulled | set(self._door.owners_elsewhere(self.session, ids, hub=True))

    def hand_over(self, lead_ids: Set[str]) -> None:
        """This device no longer plans and queues these leads (it leaves the hub, whose next
        sweeping device takes its claims over, issue 19): their open touches and pending CRM
        items go, as for a lead another device's capture won."""
        if lead_ids:
            self._hand_over(lead_ids)

    def _hand_over(self, lead_ids: Set[str]) -> None:
        """Touches planned here for a lead another device captured (before the same visitor's
        two captures became one, the winner being the other device's) are that device's to
        send: the open ones go, and so does the CRM queue's pending item. Sent touches and
        logged calls stay (they happened)."""
        s = self.session
        ids = {"ids": sorted(lead_ids)}
        # Statements built once: a pull hands over every edit of another device's lead.
        for statement in (_OPEN_TOUCHES_OF, _PENDING_ITEMS_OF):
            s.execute(statement, ids, execution_options={"synchronize_session": "fetch"})

    def _plan(self, elsewhere: Set[str] = frozenset()) -> None:
        planner = self._door.planner
        if planner is None:
            return
        by_event: dict[tuple[str, bool], list[str]] = {}
        for e in self._touched.values():
            if e.row.id in elsewhere:
                continue
            if e.created or e.fields & PLAN_FIELDS:
                replan = not e.created and self.origin not in _DECIDES_ITS_TOUCHES
                by_event.setdefault((e.row.event_id, replan), []).append(e.row.id)
        for (event_id, replan), ids in by_event.items():
            try:
                with self.session.begin_nested():
                    planner.plan_in(
                        self.session, event_id, self.now, replan=replan, lead_ids=ids,
                        prepared=None if replan else self.prepared_plans,
                        book=None if replan else self.slot_book,
                    )  # fmt: skip
            except Exception as exc:  # a broken plan never costs the change itself
                log.warning("follow-ups not planned for %d lead(s): %s", len(ids), exc)
        for e in self._touched.values():
            if "owner" in e.fields and not e.created and e.row.id not in elsewhere:
                planner.reassign_open(self.session, e.row.id, e.row.owner)

    def _queue(self, elsewhere: Set[str] = frozenset()) -> None:
        enqueuer = self._door.enqueuer
        if enqueuer is None:
            return
        rows = [e.row for e in self._touched.values() if e.requeue and e.row.id not in elsewhere]
        if len(rows) > 1 and isinstance(enqueuer, BatchEnqueuer):
            try:
                with self.session.begin_nested():
                    enqueuer.on_leads_saved(self.session, rows)
                return
            except Exception as exc:  # lead by lead below: each one queued that can be
                log.warning("%d leads not queued for the CRM at once: %s", len(rows), exc)
        for e in self._touched.values():
            if not e.requeue or e.row.id in elsewhere:
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
        # Whether this device shares its event with others through a hub (then each lead is
        # planned and queued by the device that captured it); the composition root sets it.
        self.on_hub: Callable[[], bool] = lambda: False
        # ... and whether it only pushes (a kiosk): it never sees the edits made elsewhere, so
        # a pulling device claims its leads and plans and queues them (``claim``).
        self.push_only: Callable[[], bool] = lambda: False
        self.planner = planner
        self.enqueuer = enqueuer
        # Public so a test can set one device's clock ten minutes ahead, as laptops are.
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._listeners: list[ChangeListener] = []
        self._lock = threading.Lock()
        self._stamp_lock = threading.Lock()
        self._last_stamp: hlc.Hlc | None = None  # loaded from the change log on first use

    def owners_elsewhere(
        self, s: Session, lead_ids: Sequence[str], *, hub: bool = False
    ) -> dict[str, str]:
        """Which of these leads another device of the event hub plans and queues, each with
        that device's name ("" when this device does not know it). The rule (issue 19): a
        lead is planned and queued by the device that captured it, unless a push-only device
        (a kiosk) did: then by the pulling device that claimed it at the hub (the first to
        apply it). A lead with no capture entry (logged before the change log) is this
        device's. Off a hub nothing is elsewhere (``hub``: the caller knows it is on one)."""
        if not (hub or self.on_hub()):
            return {}
        me, kiosk = self.device_id, self.push_only()
        entries: dict[str, list[tuple[str, str, str]]] = {}
        on_sqlite = s.get_bind().dialect.name == "sqlite"
        for lead_id, device_id, name, kind in _read(
            s.execute, _CAPTURES_OF, list(lead_ids), on_sqlite
        ):
            entries.setdefault(lead_id, []).append((device_id, name, kind))
        out: dict[str, str] = {}
        for lead_id in lead_ids:
            found = entries.get(lead_id, [])
            claims = [(d, n) for d, n, kind in found if kind == CLAIMED]
            if not kiosk and any(d == me for d, _n, _k in found):
                continue  # captured or claimed here
            if not found and not kiosk:
                continue
            owner = claims[-1] if claims else next(((d, n) for d, n, _ in found), ("", ""))
            out[lead_id] = "" if owner[0] == me else owner[1]
        return out

    def next_stamp(self, s: Session, now: datetime) -> str:
        """A clock stamp for a new change of this device: after every stamp it wrote or saw,
        across restarts (the newest in the change log)."""
        return self.next_stamps(s, now, 1)[0]

    def next_stamps(self, s: Session, now: datetime, count: int) -> list[str]:
        """``count`` rising stamps for one transaction's changes (one change-log read)."""
        with self._stamp_lock:
            last = self._loaded(s)
            at = _ms(now)
            stamps = []
            for _ in range(count):
                last = hlc.tick(last, at, self.device_id)
                stamps.append(last.encode())
            self._last_stamp = last
            return stamps

    def observe(self, stamp: str) -> None:
        """Another device's stamp was seen: this clock moves past it."""
        with self._stamp_lock:
            last = self._last_stamp or hlc.ZERO
            now = _ms(self.clock())
            self._last_stamp = hlc.receive(last, hlc.decode(stamp), now, self.device_id)

    def _loaded(self, s: Session) -> hlc.Hlc:
        newest = s.scalar(select(func.max(ChangeLogRow.hlc)))
        stored = hlc.decode(newest) if newest else hlc.ZERO
        if self._last_stamp is None or stored > self._last_stamp:
            self._last_stamp = stored
        return self._last_stamp

    def subscribe(self, listener: ChangeListener) -> None:
        """``listener`` is called after each commit, on the thread that committed."""
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @contextmanager
    def transaction(
        self,
        origin: ChangeOrigin,
        staff_id: str = "",
        *,
        immediate: bool = False,
        durable: bool = True,
        now: datetime | None = None,
        behind: CommitsBehind | None = None,
    ) -> Iterator[LeadTransaction]:
        """One committed unit of lead changes; the broadcast follows the commit.

        ``immediate``: hold the write lock from the first read; ``durable=False``: a commit
        not flushed to disk, for changes that can be applied again (see ``Database.session``).
        ``now``: the changes' time when the caller took it (from ``clock``) beforehand: a
        bulk capture plans a chunk's follow-ups before its transaction opens (issue 23).
        ``behind``: the commit and the broadcast run on that thread (a bulk capture's
        chunks, ``Database.session``)."""
        with self._db.session(immediate=immediate, durable=durable, behind=behind) as s:
            tx = LeadTransaction(self, s, origin, staff_id, now or self.clock())
            yield tx
            changed = tx.finish()
        if behind is None:
            self._announce(changed)
        else:
            behind.submit(partial(self._announce, changed))

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


def _read(
    run: Callable[[Any, dict[str, Any]], Iterable[Any]],
    statements: Sequence[Any],
    values: list[Any],
    on_sqlite: bool,
) -> Iterator[Any]:
    """The rows of a ``prefetch`` read (``statements``: SQLite's, any database's) for these
    values: on SQLite one statement with the values as one JSON array (no bound-variable
    limit), elsewhere one per ``in_chunks`` slice."""
    if not values:
        return
    if on_sqlite:
        yield from run(statements[0], {"ids": json.dumps(values)})
        return
    for part in in_chunks(values):
        yield from run(statements[1], {"ids": list(part)})


def _insert_clocks(s: Session, rows: list[tuple[str, str, str]]) -> None:
    """New field clocks (lead id, field, stamp) in key order: the index is walked once."""
    rows.sort()  # one key (lead, field) each: the stamp never decides
    insert_tuples(s, FieldClockRow, ("lead_id", "field", "hlc"), rows)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) and isinstance(new, datetime):
        return _utc(old) == _utc(new)
    return bool(old == new)


def _ms(moment: datetime) -> int:
    return int(_utc(moment).timestamp() * 1000)


def _utc(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


# Values ``_json`` hands back unchanged, told by their exact type (an enum is a ``str``
# subclass): a snapshot of a new lead's 40 columns skips the call, 2M of them at 50k (#23).
_AS_IS = frozenset({str, int, float, bool, type(None), dict, list})


def _json(value: Any) -> Any:
    """History values are JSON: times and dates as ISO text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value
