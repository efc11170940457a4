"""The outbox on the app database: the services-level bridge between store and sync (see
``boothapp.sync.outbox`` for the contract).

Every method is one transaction, so a process killed at any instant leaves a consistent queue.
``claim_due`` leases with one ``UPDATE ... WHERE id IN (due ids) RETURNING id``: on SQLite the
write lock serialises claimers; on PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``
so two workers never lease the same row. The lead's ``sync_state`` moves with its item in the
same transaction (pending / synced / failed), so lists and exports never disagree with the queue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from boothapp.core.models import SyncState
from boothapp.store.db import Database
from boothapp.store.tables import LeadRow, OutboxAttemptRow, OutboxRow
from boothapp.store.types import utcnow
from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.outbox import (
    DEFAULT_LEASE,
    Attempt,
    AttemptOutcome,
    ItemState,
    OutboxCounts,
    OutboxItem,
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
    return {
        "lead_id": r.lead_id,
        "fields": dict(r.fields),
        "email": r.email,
        "event_name": r.event_name,
        "notes": list(r.notes),
        "task": task,
        "owner": r.owner,
    }


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
    )


def enqueue_in(s: Session, crm: str, record: SyncRecord, now: datetime, device_id: str = "") -> str:
    """Queue (or refresh) the lead's record inside the caller's transaction; returns the item id.

    A saved lead is queued in the same transaction as its save, so it can never be saved and
    not queued. An item in flight keeps its lease (the newer record goes with the next send).
    """
    row = s.scalar(
        select(OutboxRow).where(OutboxRow.crm == crm, OutboxRow.lead_id == record.lead_id)
    )
    if row is None:
        row = OutboxRow(
            crm=crm,
            lead_id=record.lead_id,
            record=record_to_json(record),
            state=ItemState.PENDING.value,
            failures=0,
            next_attempt_at=now,
            device_id=device_id,
        )
        s.add(row)
    else:
        row.record = record_to_json(record)
        row.failures = 0
        if row.state != ItemState.IN_FLIGHT.value:
            row.state = ItemState.PENDING.value
            row.next_attempt_at = now
    _lead_state(s, record.lead_id, SyncState.PENDING)
    s.flush()
    return row.id


def _lead_state(s: Session, lead_id: str, state: SyncState) -> None:
    s.execute(update(LeadRow).where(LeadRow.id == lead_id).values(sync_state=state.value))


class SqlOutbox:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id
        self._skip_locked = db.engine.dialect.name == "postgresql"

    def enqueue(self, crm: str, record: SyncRecord, now: datetime) -> str:
        with self._db.session() as s:
            return enqueue_in(s, crm, record, now, self._device_id)

    def claim_due(
        self, crm: str, limit: int, now: datetime, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxItem]:
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.crm == crm,
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
        )
        if self._skip_locked:
            due = due.with_for_update(skip_locked=True)
        with self._db.session() as s:
            ids = list(
                s.scalars(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(due.scalar_subquery()))
                    .values(
                        state=ItemState.IN_FLIGHT.value,
                        lease_until=now + lease,
                        updated_at=utcnow(),
                    )
                    .returning(OutboxRow.id),
                )
            )
            rows = s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids))).all()
            attempts = self._attempts(s, ids)
            items = {r.id: self._item(s, r, attempts.get(r.id, ())) for r in rows}
        return [items[i] for i in ids if i in items]

    def _add_attempt(self, s: Session, item_id: str, a: Attempt) -> None:
        s.add(
            OutboxAttemptRow(
                item_id=item_id,
                number=a.number,
                started_at=a.started_at,
                finished_at=a.finished_at,
                outcome=a.outcome.value,
                http_status=a.http_status,
                error=a.error,
                remote_id=a.remote_id,
            )
        )

    def _row(self, s: Session, item_id: str) -> OutboxRow:
        row = s.get(OutboxRow, item_id)
        if row is None:
            raise KeyError(f"no outbox item {item_id}")
        return row

    def mark_done(self, item_id: str, remote_id: str, attempt: Attempt) -> None:
        with self._db.session() as s:
            row = self._row(s, item_id)
            row.state = ItemState.DONE.value
            row.remote_id = remote_id or row.remote_id
            row.lease_until = None
            row.next_attempt_at = None
            row.last_error = ""
            self._add_attempt(s, item_id, attempt)
            _lead_state(s, row.lead_id, SyncState.SYNCED)
            lead = s.get(LeadRow, row.lead_id)
            if lead is not None and row.remote_id:
                lead.crm_ids = {**(lead.crm_ids or {}), row.crm: row.remote_id}

    def mark_failed(
        self,
        item_id: str,
        error: str,
        transient: bool,
        next_attempt_at: datetime | None,
        attempt: Attempt,
    ) -> None:
        retry = transient and next_attempt_at is not None
        with self._db.session() as s:
            row = self._row(s, item_id)
            row.state = (ItemState.PENDING if retry else ItemState.FAILED).value
            row.failures += 1
            row.next_attempt_at = next_attempt_at if retry else None
            row.lease_until = None
            row.remote_id = attempt.remote_id or row.remote_id
            row.last_error = error
            self._add_attempt(s, item_id, attempt)
            if not retry:
                _lead_state(s, row.lead_id, SyncState.FAILED)

    def release(self, item_id: str, next_attempt_at: datetime, attempt: Attempt) -> None:
        with self._db.session() as s:
            row = self._row(s, item_id)
            row.state = ItemState.PENDING.value
            row.next_attempt_at = next_attempt_at
            row.lease_until = None
            self._add_attempt(s, item_id, attempt)

    def next_due_at(self, crm: str) -> datetime | None:
        with self._db.read() as s:
            pending = s.execute(
                select(func.count(), func.min(OutboxRow.next_attempt_at)).where(
                    OutboxRow.crm == crm, OutboxRow.state == ItemState.PENDING.value
                )
            ).one()
            unset = s.scalar(
                select(func.count()).where(
                    OutboxRow.crm == crm,
                    OutboxRow.state == ItemState.PENDING.value,
                    OutboxRow.next_attempt_at.is_(None),
                )
            )
            leased = s.scalar(
                select(func.min(OutboxRow.lease_until)).where(
                    OutboxRow.crm == crm, OutboxRow.state == ItemState.IN_FLIGHT.value
                )
            )
        if unset:
            return _EPOCH
        times = [t for t in (pending[1], leased) if t is not None]
        return min(times) if times else None

    def counts(self, crm: str) -> OutboxCounts:
        with self._db.read() as s:
            got = dict(
                s.execute(
                    select(OutboxRow.state, func.count())
                    .where(OutboxRow.crm == crm)
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
                    OutboxRow.crm == crm, OutboxRow.state == ItemState.FAILED.value
                )
            ).all()
            for row in rows:
                row.state = ItemState.PENDING.value
                row.failures = 0
                row.next_attempt_at = now
                _lead_state(s, row.lead_id, SyncState.PENDING)
            return len(rows)

    def get(self, item_id: str) -> OutboxItem:
        with self._db.read() as s:
            return self._item(s, self._row(s, item_id))

    def items(self, crm: str | None = None, state: ItemState | None = None) -> list[OutboxItem]:
        q = select(OutboxRow).order_by(OutboxRow.created_at, OutboxRow.id)
        if crm is not None:
            q = q.where(OutboxRow.crm == crm)
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
        self, s: Session, row: OutboxRow, attempts: tuple[Attempt, ...] | None = None
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
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
