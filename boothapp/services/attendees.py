"""The organiser's roster in the local database: bulk import and offline lookup."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from boothapp.core.models import CONTACT_FIELDS, Attendee
from boothapp.services.audit import AuditAction, record
from boothapp.services.tombstones import Graveyard
from boothapp.store.db import Database
from boothapp.store.mappers import attendee_from_row
from boothapp.store.tables import AttendeeRow
from boothapp.store.types import new_id

Progress = Callable[[int, int], None]
T = TypeVar("T")
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class RosterImportSummary:
    inserted: int
    replaced: int
    total: int
    # Rows of people erased before (issue 18): their tombstone keeps them out.
    erased_skipped: int = 0


class AttendeeService:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id

    def import_attendees(
        self,
        event_id: str,
        attendees: Sequence[Attendee],
        *,
        replace_existing: bool = True,
        source_name: str = "",
        progress: Progress | None = None,
    ) -> RosterImportSummary:
        """Insert the roster in one transaction (all or nothing), chunked for speed.

        Re-importing a newer roster replaces rows with the same badge id.
        """
        now = datetime.now(UTC)
        with self._db.session() as s:
            graves = Graveyard.load(s)
            kept = [
                a
                for a in attendees
                if not graves.erased(email=a.contact.email, badge_id=a.badge_id)
            ]
            skipped = len(attendees) - len(kept)
            attendees = kept
            total = len(attendees)
            existing = set(
                s.scalars(select(AttendeeRow.badge_id).where(AttendeeRow.event_id == event_id))
            )
            incoming = {a.badge_id for a in attendees}
            clash = existing & incoming
            if clash and replace_existing:
                for ids in _chunks(sorted(clash), 900):
                    s.execute(
                        delete(AttendeeRow).where(
                            AttendeeRow.event_id == event_id, AttendeeRow.badge_id.in_(ids)
                        )
                    )
            rows = [a for a in attendees if replace_existing or a.badge_id not in existing]
            done = 0
            fast = s.get_bind().dialect.name == "sqlite"
            for chunk in _chunks(rows, _CHUNK):
                if fast:
                    _sqlite_insert(s, chunk, event_id, now, self._device_id)
                else:
                    values = [_row_values(a, event_id, now, self._device_id) for a in chunk]
                    s.execute(insert(AttendeeRow), values)
                done += len(chunk)
                if progress:
                    progress(done, total)
            record(
                s,
                AuditAction.IMPORT,
                event_id=event_id,
                device_id=self._device_id,
                detail={
                    "attendees": len(rows),
                    "replaced": len(clash),
                    "file": source_name,
                    "erased_skipped": skipped,
                },
            )
            count = s.scalar(
                select(func.count())
                .select_from(AttendeeRow)
                .where(AttendeeRow.event_id == event_id)
            )
        return RosterImportSummary(
            inserted=len(rows) - (len(clash) if replace_existing else 0),
            replaced=len(clash) if replace_existing else 0,
            total=int(count or 0),
            erased_skipped=skipped,
        )

    def find(self, event_id: str, badge_id: str = "", email: str = "") -> Attendee | None:
        conds = []
        if badge_id:
            conds.append(AttendeeRow.badge_id == badge_id)
            if badge_id.lstrip("0") and badge_id.lstrip("0") != badge_id:
                conds.append(AttendeeRow.badge_id == badge_id.lstrip("0"))
        if email:
            conds.append(func.lower(AttendeeRow.email) == email.lower())
        if not conds:
            return None
        with self._db.read() as s:
            row = s.scalars(
                select(AttendeeRow).where(AttendeeRow.event_id == event_id, or_(*conds)).limit(1)
            ).first()
            return attendee_from_row(row) if row else None

    def count(self, event_id: str) -> int:
        with self._db.read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(AttendeeRow)
                    .where(AttendeeRow.event_id == event_id)
                )
                or 0
            )

    def all(self, event_id: str) -> list[Attendee]:
        with self._db.read() as s:
            rows = s.scalars(select(AttendeeRow).where(AttendeeRow.event_id == event_id))
            return [attendee_from_row(r) for r in rows]


_SQLITE_INSERT = (
    "INSERT INTO attendees (id, created_at, updated_at, device_id, created_by, event_id,"
    f" badge_id, {', '.join(CONTACT_FIELDS)}, registration_type, extra)"
    f" VALUES (?, ?, ?, ?, '', ?, ?, {', '.join('?' for _ in CONTACT_FIELDS)}, ?, ?)"
)


def _sqlite_insert(
    s: Session, chunk: list[Attendee], event_id: str, now: datetime, device_id: str
) -> None:
    """Rosters run to 100,000 rows: hand SQLite plain tuples in one executemany, skipping
    per-value type processing (the stored form is the same: UTC text times, JSON text)."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    params = [
        (
            a.id or new_id(), stamp, stamp, device_id, event_id, a.badge_id,
            *(getattr(a.contact, name) for name in CONTACT_FIELDS),
            a.registration_type, json.dumps(a.extra) if a.extra else "{}",
        )
        for a in chunk
    ]  # fmt: skip
    s.connection().exec_driver_sql(_SQLITE_INSERT, params)


def _row_values(a: Attendee, event_id: str, now: datetime, device_id: str) -> dict[str, Any]:
    return {
        "id": a.id or new_id(),
        "created_at": now,
        "updated_at": now,
        "device_id": device_id,
        "created_by": "",
        "event_id": event_id,
        "badge_id": a.badge_id,
        **{name: getattr(a.contact, name) for name in CONTACT_FIELDS},
        "registration_type": a.registration_type,
        "extra": dict(a.extra),
    }


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
