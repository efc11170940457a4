"""How another device's change lands here (issue 19): the documented merge rule.

Every lead field is a register holding (value, clock stamp); a change sets it when its stamp is
later than the register's (last writer wins on hybrid logical clocks, so a laptop ten minutes
ahead wins nothing by it). A captured lead is a write of each of its non-empty values at its
creation stamp; an empty value writes nothing (a second scan without the roster never blanks
the e-mail the first one had).

The same visitor captured on two devices (same badge key in the event, or the same e-mail when
neither has a badge) becomes one lead: the capture with the smaller (stamp, id) keeps its id on
every device, the other id becomes its alias (changes addressed to it land on the winner), and
the registers of both merge as above. Applying changes in any order gives every device the same
lead; a change already applied (same device and number) is skipped.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import Session

from boothapp.core.models import SyncState
from boothapp.services.lead_changes import (
    CREATED,
    ERASED,
    LEAD_COLUMNS,
    LeadTransaction,
    RemoteChange,
)
from boothapp.services.tombstones import Graveyard
from boothapp.store.bulk import in_chunks
from boothapp.store.tables import LeadRow
from boothapp.store.types import UTCDateTime

_COLUMNS = frozenset(LEAD_COLUMNS)
_TIMES = frozenset(
    name for name in LEAD_COLUMNS if isinstance(LeadRow.__table__.c[name].type, UTCDateTime)
)


_GRAVEYARD = "hub_apply.graveyard"
_VISITORS = "hub_apply.visitors"


class Applied(enum.StrEnum):
    SEEN = "seen"  # applied before
    CREATED = "created"
    COMBINED = "combined"  # the same visitor as a lead here: one lead now
    WON = "won"  # the change is the newest of its field
    LOST = "lost"  # a later change holds the field; kept in the history only
    UNKNOWN = "unknown"  # a lead or field this device does not know; logged, not applied
    ERASED = "erased"  # a person erased here (issue 18): logged, never brought back


def prefetch(tx: LeadTransaction, changes: Sequence[RemoteChange]) -> None:
    """Read at once what applying this page of changes will ask (a pull's page, a merge's
    chunk): which change-log keys are here, the aliases, leads and field clocks of their
    leads (``LeadTransaction.prefetch``), and the leads here of the page's visitors (same
    badge, or same e-mail without one) for ``_same_visitor``: one query per page instead of
    one per capture (#19)."""
    tx.prefetch([(c.device_id, c.device_seq) for c in changes], {c.lead_id for c in changes})
    keys = {
        key
        for c in changes
        if c.field == CREATED and (key := _visitor_key(c.event_id, _snapshot(c))) is not None
    }
    _visitors(tx.session).load(tx.session, keys)


def apply_change(tx: LeadTransaction, rc: RemoteChange) -> Applied:
    if tx.has_seen(rc.device_id, rc.device_seq):
        return Applied.SEEN
    if rc.field == CREATED:
        return _apply_created(tx, rc)
    if rc.field == ERASED:  # erased on another device (issue 18): gone here too
        row = tx.lead(tx.resolve(rc.lead_id))
        if row is None:
            tx.record_remote(rc)
        else:
            tx.erase(row, remote=rc)
        return Applied.ERASED
    lead_id = tx.resolve(rc.lead_id)
    row = tx.lead(lead_id)
    if row is None or rc.field not in _COLUMNS:
        tx.record_remote(rc)
        return Applied.UNKNOWN
    if rc.hlc > tx.clock_of(lead_id, rc.field):
        tx.update(row, {rc.field: _value(rc.field, rc.value)}, remote=rc)
        _visitors(tx.session).wrote(row)  # its badge or e-mail may have moved
        return Applied.WON
    tx.record_remote(rc, losing_lead_id=lead_id)
    return Applied.LOST


def _apply_created(tx: LeadTransaction, rc: RemoteChange) -> Applied:
    s = tx.session
    snapshot = _snapshot(rc)
    if _graveyard(s).erased(
        email=str(snapshot.get("email") or ""), badge_id=str(snapshot.get("badge_id") or "")
    ):
        tx.record_remote(replace(rc, value=None, old_value=None))
        return Applied.ERASED
    here = tx.lead(tx.resolve(rc.lead_id))
    if here is not None:  # known already (the same capture reached us another way)
        _fill(tx, here, snapshot, rc)
        return Applied.COMBINED
    twin = _same_visitor(tx, rc.event_id, snapshot)
    if twin is None:
        row = _new_row(rc, snapshot)
        s.add(row)
        tx.created(row, remote=rc)
        _visitors(s).wrote(row)
        for name, value in snapshot.items():
            if value:
                tx.set_clock(row.id, name, rc.hlc)
        return Applied.CREATED
    if (tx.clock_of(twin.id, CREATED), twin.id) <= (rc.hlc, rc.lead_id):
        tx.alias(rc.lead_id, twin.id)
        _fill(tx, twin, snapshot, rc)
        return Applied.COMBINED
    # The other device captured this visitor first: its id is the lead's id everywhere.
    badge_key = snapshot.get("badge_key")
    row = _new_row(rc, {**snapshot, "badge_key": None})
    clocks = {name: rc.hlc for name, value in snapshot.items() if value}
    for name in LEAD_COLUMNS:
        mine = tx.clock_of(twin.id, name)
        if mine and mine > clocks.get(name, ""):
            if name != "badge_key":
                setattr(row, name, getattr(twin, name))
            clocks[name] = mine
    s.add(row)
    tx.created(row, remote=rc)
    tx.absorb(twin, row)
    row.badge_key = badge_key or twin.badge_key
    _visitors(s).wrote(row)
    for name, stamp in clocks.items():
        tx.set_clock(row.id, name, stamp)
    return Applied.COMBINED


def _graveyard(s: Session) -> Graveyard:
    """The tombstones, loaded once per transaction (a pull applies many captures)."""
    found = s.info.get(_GRAVEYARD)
    if not isinstance(found, Graveyard):
        found = s.info[_GRAVEYARD] = Graveyard.load(s)
    return found


def _fill(tx: LeadTransaction, row: LeadRow, snapshot: dict[str, Any], rc: RemoteChange) -> None:
    values = {
        name: _value(name, value)
        for name, value in snapshot.items()
        if value and name != "badge_key" and rc.hlc > tx.clock_of(row.id, name)
    }
    if values:
        tx.update(row, values, remote=rc)
        _visitors(tx.session).wrote(row)
    else:
        tx.record_remote(rc)


def _same_visitor(tx: LeadTransaction, event_id: str, snapshot: dict[str, Any]) -> LeadRow | None:
    """The lead here of the same visitor: same badge key in the event, or (neither has a
    badge) the same e-mail.

    Read without the autoflush: a pulled page's every capture flushed the unit of work of
    the changes before it (a quarter of a catching-up device's CPU, #19). So the database
    answers as of the last flush (or as of the page's ``prefetch``, which read the leads of
    the page's visitors at once), and what the session changed since is laid over it: a
    loaded lead is judged by its values in memory (a badge or an e-mail moved away since),
    and the leads this apply wrote and the session's new and changed ones are looked at
    too."""
    s = tx.session
    key = _visitor_key(event_id, snapshot)
    if key is None:
        return None
    _event, kind, wanted = key

    def same(row: LeadRow) -> bool:
        state = inspect(row)
        if row.event_id != event_id or row in s.deleted or state.deleted or state.detached:
            return False
        if kind == "badge":
            return bool(row.badge_key == wanted)
        return row.badge_key is None and str(row.email or "").strip().lower() == wanted

    index = _visitors(s)
    if key in index.asked:  # the page's prefetch read the database, and this apply wrote
        return next((row for row in index.rows.get(key, ()) if same(row)), None)
    q = select(LeadRow).where(LeadRow.event_id == event_id)
    if kind == "badge":
        q = q.where(LeadRow.badge_key == wanted)
    else:
        q = q.where(LeadRow.badge_key.is_(None), func.lower(LeadRow.email) == wanted)
    with s.no_autoflush:
        found = [row for row in s.scalars(q) if same(row)]
    pending = [row for row in (*s.new, *s.dirty) if isinstance(row, LeadRow) and same(row)]
    for row in pending:
        if row not in found:
            found.append(row)
    return found[0] if found else None


_VisitorKey = tuple[str, str, str]  # event id, "badge" or "email", the badge key or e-mail


def _visitor_key(event_id: str, snapshot: dict[str, Any]) -> _VisitorKey | None:
    badge = snapshot.get("badge_key") or None
    if badge:
        return (event_id, "badge", str(badge))
    email = str(snapshot.get("email") or "").strip().lower()
    return (event_id, "email", email) if email else None


@dataclass
class _Visitors:
    """The leads of the visitors a page's prefetch asked about, by visitor (held here: the
    session's identity map holds unchanged rows weakly), and every lead this apply wrote
    since, under its visitor then: a lead whose badge or e-mail a pulled change moved,
    flushed since, is found here. ``_same_visitor`` judges them by their values now."""

    asked: set[_VisitorKey] = field(default_factory=set)
    rows: dict[_VisitorKey, list[LeadRow]] = field(default_factory=dict)

    def wrote(self, row: LeadRow) -> None:
        snapshot = {"badge_key": row.badge_key, "email": row.email}
        key = _visitor_key(row.event_id, snapshot)
        if key is not None:
            found = self.rows.setdefault(key, [])
            if row not in found:
                found.append(row)

    def load(self, s: Session, keys: Iterable[_VisitorKey]) -> None:
        todo = sorted(set(keys) - self.asked)
        for kind in ("badge", "email"):
            by_event: dict[str, list[str]] = {}
            for event_id, k, value in todo:
                if k == kind:
                    by_event.setdefault(event_id, []).append(value)
            q = _BY_BADGE if kind == "badge" else _BY_EMAIL
            for event_id, values in by_event.items():
                for part in in_chunks(values):
                    for row in s.scalars(q, {"event": event_id, "values": list(part)}):
                        self.wrote(row)
        self.asked |= set(todo)


# The leads of a page's visitors (``_Visitors.load``), built once (#19, session 15).
_BY_BADGE = select(LeadRow).where(
    LeadRow.event_id == bindparam("event"),
    LeadRow.badge_key.in_(bindparam("values", expanding=True)),
)
_BY_EMAIL = select(LeadRow).where(
    LeadRow.event_id == bindparam("event"),
    LeadRow.badge_key.is_(None),
    func.lower(LeadRow.email).in_(bindparam("values", expanding=True)),
)


def _visitors(s: Session) -> _Visitors:
    """The page's visitor index, kept for the transaction (a merge's spans many pages)."""
    found = s.info.get(_VISITORS)
    if not isinstance(found, _Visitors):
        found = s.info[_VISITORS] = _Visitors()
    return found


def _snapshot(rc: RemoteChange) -> dict[str, Any]:
    """A captured lead's values, as the change brought them."""
    return {k: v for k, v in dict(rc.value or {}).items() if k in _COLUMNS}


def _new_row(rc: RemoteChange, snapshot: dict[str, Any]) -> LeadRow:
    row = LeadRow(id=rc.lead_id, event_id=rc.event_id)
    for name, value in snapshot.items():
        setattr(row, name, _value(name, value))
    row.sync_state = SyncState.NOT_QUEUED.value
    row.crm_ids = {}
    row.created_at = row.updated_at = rc.at
    row.device_id, row.created_by = rc.device_id, rc.staff_id
    return row


def _value(name: str, value: Any) -> Any:
    """A JSON value back as the column holds it (times travel as ISO text)."""
    if name in _TIMES and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
