"""The outbox on the app database: the services-level bridge between store and sync (see
``boothapp.sync.outbox`` for the contract).

Every method is one transaction, so a process killed at any instant leaves a consistent queue.
``claim_due`` leases with one ``UPDATE ... WHERE id IN (due ids) RETURNING id``: on SQLite the
write lock serialises claimers; on PostgreSQL the inner select takes ``FOR UPDATE OF outbox
SKIP LOCKED`` so two workers never lease the same row. The lead's ``sync_state`` moves with its
item in the same transaction (pending / synced / failed), so lists and exports never disagree
with the queue.
``complete`` ends a whole batch's leases in one transaction (attempts inserted in one statement).
``SqlOutbox.scoped(event_id)`` is the queue as one event's sync run sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from boothapp.core.models import SyncState
from boothapp.store.db import Database
from boothapp.store.tables import LeadRow, OutboxAttemptRow, OutboxRow
from boothapp.store.types import utcnow
from boothapp.sync.crm.base import ItemKind, SyncRecord, SyncTask, is_cleared
from boothapp.sync.outbox import (
    DEFAULT_LEASE,
    Attempt,
    AttemptOutcome,
    Completion,
    Ending,
    ItemState,
    OutboxCounts,
    OutboxItem,
    SingleItemForms,
)


def record_to_json(r: SyncRecord) -> dict[str, Any]:
    task = None
    if r.task is not None:
        due = r.task.due_at.isoformat() if r.task.due_at is not None else None
        task = {
            "subject": r.task.subject,
            "due_at": due,
            "owner": r.task.owner,
            "body": r.task.body,
        }
    data: dict[str, Any] = {
        "lead_id": r.lead_id,
        "fields": dict(r.fields),
        "email": r.email,
        "event_name": r.event_name,
        "notes": list(r.notes),
        "task": task,
        "owner": r.owner,
        "kind": r.kind.value,
    }
    if r.attachment:  # only card items: other rows stay as they were stored
        data["attachment"] = r.attachment
    return data


def record_from_json(d: dict[str, Any]) -> SyncRecord:
    t = d.get("task")
    task = None
    if t is not None:
        due = datetime.fromisoformat(t["due_at"]) if t.get("due_at") else None
        task = SyncTask(t["subject"], due, t.get("owner", ""), t.get("body", ""))
    return SyncRecord(
        lead_id=d["lead_id"],
        fields={str(k): str(v) for k, v in d.get("fields", {}).items()},
        email=d.get("email", ""),
        event_name=d.get("event_name", ""),
        notes=tuple(d.get("notes", ())),
        task=task,
        owner=d.get("owner", ""),
        kind=ItemKind(d.get("kind", "lead")),
        attachment=d.get("attachment", ""),
    )


def enqueue_in(s: Session, crm: str, record: SyncRecord, now: datetime, device_id: str = "") -> str:
    """Queue (or refresh) a lead, note or task record inside the caller's transaction; returns
    the item id.

    A saved lead is queued in the same transaction as its save, so it can never be saved and
    not queued. An item in flight keeps its lease (the newer record goes with the next send).
    An unchanged record of an item already sent is left alone (saving a lead re-queues its
    note only when the note changed). An emptied note is queued to delete the CRM's note; an
    empty note with no item yet is not queued (returns "").
    """
    row = s.scalar(select(OutboxRow).where(OutboxRow.crm == crm, OutboxRow.item_key == record.key))
    if row is None and is_cleared(record):
        return ""  # an empty note never queued: nothing in the CRM to delete
    data = record_to_json(record)
    if row is not None and row.state == ItemState.DONE.value and row.record == data:
        return row.id
    if row is None:
        row = OutboxRow(
            crm=crm,
            lead_id=record.lead_id,
            item_key=record.key,
            kind=record.kind.value,
            record=data,
            state=ItemState.PENDING.value,
            failures=0,
            next_attempt_at=now,
            device_id=device_id,
        )
        s.add(row)
    else:
        row.record = data
        row.failures = 0
        if row.state != ItemState.IN_FLIGHT.value:
            row.state = ItemState.PENDING.value
            row.next_attempt_at = now
    if record.kind == ItemKind.LEAD:
        _lead_state(s, record.lead_id, SyncState.PENDING)
    s.flush()
    return row.id


def _lead_state(s: Session, lead_id: str, state: SyncState) -> None:
    s.execute(update(LeadRow).where(LeadRow.id == lead_id).values(sync_state=state.value))


class SqlOutbox(SingleItemForms):
    """The queue on the app database; ``scoped(event_id)`` is the view a sync run uses."""

    def __init__(self, db: Database, device_id: str = "", event_id: str | None = None) -> None:
        self._db = db
        self._device_id = device_id
        self._skip_locked = db.engine.dialect.name == "postgresql"
        self.event_id = event_id

    def scoped(self, event_id: str) -> SqlOutbox:
        """The same queue seen from one event: claims, counts, due times, retries and items
        cover only that event's leads. Rows are keyed per (crm, lead), and two events can sync
        to the same kind of CRM with different accounts (two HubSpot portals), so a run for one
        event must never claim, and send with its credentials, another event's leads."""
        return SqlOutbox(self._db, self._device_id, event_id)

    def _where(self, crm: str | None) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if crm is not None:
            conds.append(OutboxRow.crm == crm)
        if self.event_id is not None:
            # A join through the lead (no event column on the queue, so no migration). On SQLite
            # it probes the leads' primary key per queued row: measured faster than
            # ``lead_id IN (the event's lead ids)``, which must first collect every lead id.
            conds += [OutboxRow.lead_id == LeadRow.id, LeadRow.event_id == self.event_id]
        return conds

    def enqueue(self, crm: str, record: SyncRecord, now: datetime) -> str:
        with self._db.session() as s:
            return enqueue_in(s, crm, record, now, self._device_id)

    @staticmethod
    def _parent_known(kind: ItemKind | None = None) -> ColumnElement[bool]:
        """A note/task is workable once its lead's item has a CRM id to attach it to."""
        parent = aliased(OutboxRow)
        has_parent = (
            select(parent.id)
            .where(
                parent.crm == OutboxRow.crm,
                parent.item_key == OutboxRow.lead_id,
                parent.remote_id != "",
            )
            .exists()
        )
        if kind == ItemKind.LEAD:
            return OutboxRow.kind == ItemKind.LEAD.value
        if kind is not None:
            return and_(OutboxRow.kind == kind.value, has_parent)
        return or_(OutboxRow.kind == ItemKind.LEAD.value, has_parent)

    def reclaim_own_leases(self, crm: str, now: datetime) -> int:
        """After a crash, this device's leases end at once: the run that held them is gone
        (one run per device at a time). Leases of other devices still run out."""
        if not self._device_id:
            return 0
        with self._db.session() as s:
            result = s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(
                        select(OutboxRow.id)
                        .where(
                            *self._where(crm),
                            OutboxRow.state == ItemState.IN_FLIGHT.value,
                            OutboxRow.leased_by == self._device_id,
                        )
                        .correlate(None)
                        .scalar_subquery()
                    )
                )
                .values(lease_until=now)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def foreign_leases(self, crm: str, now: datetime) -> list[tuple[str, int, datetime]]:
        """Leases other devices hold right now: (device id, items, until): why a run waits."""
        with self._db.read() as s:
            rows = s.execute(
                select(OutboxRow.leased_by, func.count(), func.max(OutboxRow.lease_until))
                .where(
                    *self._where(crm),
                    OutboxRow.state == ItemState.IN_FLIGHT.value,
                    OutboxRow.lease_until > now,
                    OutboxRow.leased_by != self._device_id,
                )
                .group_by(OutboxRow.leased_by)
            ).all()
        return [(str(d or "another device"), int(n), _aware(u)) for d, n, u in rows if u]

    def claim_due(
        self,
        crm: str,
        limit: int,
        now: datetime,
        lease: timedelta = DEFAULT_LEASE,
        kind: ItemKind = ItemKind.LEAD,
    ) -> list[OutboxItem]:
        due = (
            select(OutboxRow.id)
            .where(
                *self._where(crm),
                self._parent_known(kind),
                or_(
                    and_(
                        OutboxRow.state == ItemState.PENDING.value,
                        or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now),
                    ),
                    and_(
                        OutboxRow.state == ItemState.IN_FLIGHT.value,
                        OutboxRow.lease_until <= now,
                    ),
                ),
            )
            .order_by(OutboxRow.created_at, OutboxRow.id)
            .limit(limit)
            # Inside the UPDATE below, "outbox" would otherwise be correlated to the updated
            # table and leave the scope's join with leads alone in the subquery.
            .correlate(None)
        )
        if self._skip_locked:
            # OF outbox: lock the queued rows only, never the leads being edited at the booth.
            due = due.with_for_update(skip_locked=True, of=OutboxRow)
        with self._db.session() as s:
            ids = list(
                s.scalars(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(due.scalar_subquery()))
                    .values(
                        state=ItemState.IN_FLIGHT.value,
                        lease_until=now + lease,
                        leased_by=self._device_id,
                        updated_at=utcnow(),
                    )
                    .returning(OutboxRow.id),
                )
            )
            rows = s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids))).all()
            attempts = self._attempts(s, ids)
            parents: dict[str, str] = {}
            if kind != ItemKind.LEAD and rows:
                parents = dict(
                    s.execute(
                        select(OutboxRow.item_key, OutboxRow.remote_id).where(
                            OutboxRow.crm == crm,
                            OutboxRow.item_key.in_({r.lead_id for r in rows}),
                        )
                    ).all()
                )
            items = {
                r.id: self._item(s, r, attempts.get(r.id, ()), parents.get(r.lead_id, ""))
                for r in rows
            }
        return [items[i] for i in ids if i in items]

    def _row(self, s: Session, item_id: str) -> OutboxRow:
        row = s.get(OutboxRow, item_id)
        if row is None:
            raise KeyError(f"no outbox item {item_id}")
        return row

    def complete(self, completions: Sequence[Completion]) -> None:
        """End a batch's leases in one transaction: one commit (one fsync) per batch."""
        if not completions:
            return
        with self._db.session() as s:
            ids = [c.item.id for c in completions]
            rows = {r.id: r for r in s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)))}
            missing = [i for i in ids if i not in rows]
            if missing:
                raise KeyError(f"no outbox item {missing[0]}")
            lead_states: dict[SyncState, list[str]] = {SyncState.SYNCED: [], SyncState.FAILED: []}
            remote_ids: dict[str, tuple[str, str]] = {}  # lead id -> (crm, remote id)
            for c in completions:
                row = rows[c.item.id]
                state, next_at = c.end_state(edited=record_from_json(row.record) != c.item.record)
                row.state = state.value
                row.next_attempt_at = next_at
                row.lease_until = None
                row.remote_id = c.remote_id or row.remote_id
                if c.ending == Ending.FAILED:
                    row.failures += 1
                    row.last_error = c.error
                elif c.ending == Ending.DONE:
                    row.last_error = ""
                    if row.remote_id and row.kind == ItemKind.LEAD.value:
                        remote_ids[row.lead_id] = (row.crm, row.remote_id)
                if row.kind != ItemKind.LEAD.value:
                    continue  # a note or task: the lead's own sync state is its lead item's
                # An item left PENDING (retry, released, edited in flight) keeps its lead pending.
                if state == ItemState.DONE:
                    lead_states[SyncState.SYNCED].append(row.lead_id)
                elif state == ItemState.FAILED:
                    lead_states[SyncState.FAILED].append(row.lead_id)
            s.execute(
                insert(OutboxAttemptRow),
                [
                    {
                        "item_id": c.item.id,
                        "number": c.attempt.number,
                        "started_at": c.attempt.started_at,
                        "finished_at": c.attempt.finished_at,
                        "outcome": c.attempt.outcome.value,
                        "http_status": c.attempt.http_status,
                        "error": c.attempt.error,
                        "remote_id": c.attempt.remote_id,
                    }
                    for c in completions
                ],
            )
            for lead_state, lead_ids in lead_states.items():
                if lead_ids:
                    s.execute(
                        update(LeadRow)
                        .where(LeadRow.id.in_(lead_ids))
                        .values(sync_state=lead_state.value)
                    )
            if remote_ids:
                for lead in s.scalars(select(LeadRow).where(LeadRow.id.in_(list(remote_ids)))):
                    crm, remote_id = remote_ids[lead.id]
                    lead.crm_ids = {**(lead.crm_ids or {}), crm: remote_id}

    def next_due_at(self, crm: str) -> datetime | None:
        # A note/task whose lead has no CRM id yet (its lead failed) waits on the lead, not time.
        pending = [
            *self._where(crm),
            OutboxRow.state == ItemState.PENDING.value,
            self._parent_known(),
        ]
        with self._db.read() as s:
            unset = s.scalar(
                select(func.count()).where(*pending, OutboxRow.next_attempt_at.is_(None))
            )
            if unset:
                return _EPOCH  # an item with no time set is due now
            next_pending = s.scalar(select(func.min(OutboxRow.next_attempt_at)).where(*pending))
            leased = s.scalar(
                select(func.min(OutboxRow.lease_until)).where(
                    *self._where(crm), OutboxRow.state == ItemState.IN_FLIGHT.value
                )
            )
        times = [t for t in (next_pending, leased) if t is not None]
        return min(times) if times else None

    def counts(self, crm: str, kind: ItemKind | None = None) -> OutboxCounts:
        kinds = [OutboxRow.kind == kind.value] if kind is not None else []
        with self._db.read() as s:
            got = dict(
                s.execute(
                    select(OutboxRow.state, func.count())
                    .where(*self._where(crm), *kinds)
                    .group_by(OutboxRow.state)
                ).all()
            )
        return OutboxCounts(
            got.get("pending", 0), got.get("in_flight", 0), got.get("done", 0), got.get("failed", 0)
        )

    def retry_failed(self, crm: str, now: datetime) -> int:
        with self._db.session() as s:
            rows = s.scalars(
                select(OutboxRow).where(
                    *self._where(crm), OutboxRow.state == ItemState.FAILED.value
                )
            ).all()
            for row in rows:
                row.state = ItemState.PENDING.value
                row.failures = 0
                row.next_attempt_at = now
                if row.kind == ItemKind.LEAD.value:
                    _lead_state(s, row.lead_id, SyncState.PENDING)
            return len(rows)

    def get(self, item_id: str) -> OutboxItem:
        with self._db.read() as s:
            return self._item(s, self._row(s, item_id))

    def items(self, crm: str | None = None, state: ItemState | None = None) -> list[OutboxItem]:
        q = select(OutboxRow).where(*self._where(crm)).order_by(OutboxRow.created_at, OutboxRow.id)
        if state is not None:
            q = q.where(OutboxRow.state == state.value)
        with self._db.read() as s:
            rows = s.scalars(q).all()
            attempts = self._attempts(s, [r.id for r in rows])
            return [self._item(s, r, attempts.get(r.id, ())) for r in rows]

    def _attempts(self, s: Session, ids: list[str]) -> dict[str, tuple[Attempt, ...]]:
        """Attempts of many items in one query (a claim hands out up to a batch of 200)."""
        out: dict[str, list[Attempt]] = {}
        for a in s.scalars(
            select(OutboxAttemptRow)
            .where(OutboxAttemptRow.item_id.in_(ids))
            .order_by(OutboxAttemptRow.number, OutboxAttemptRow.finished_at)
        ):
            out.setdefault(a.item_id, []).append(
                Attempt(
                    a.number,
                    a.started_at,
                    a.finished_at,
                    AttemptOutcome(a.outcome),
                    a.http_status,
                    a.error,
                    a.remote_id,
                )
            )
        return {k: tuple(v) for k, v in out.items()}

    def _item(
        self,
        s: Session,
        row: OutboxRow,
        attempts: tuple[Attempt, ...] | None = None,
        parent_remote_id: str = "",
    ) -> OutboxItem:
        if attempts is None:
            attempts = self._attempts(s, [row.id]).get(row.id, ())
        return OutboxItem(
            id=row.id,
            crm=row.crm,
            record=record_from_json(row.record),
            state=ItemState(row.state),
            failures=row.failures,
            attempts=attempts,
            next_attempt_at=row.next_attempt_at,
            lease_until=row.lease_until,
            remote_id=row.remote_id,
            last_error=row.last_error,
            parent_remote_id=parent_remote_id,
        )


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
