"""The audit log: who did what to which lead (export, delete flag, consent, login)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.store.bulk import insert_tuples
from boothapp.store.db import Database
from boothapp.store.tables import AuditRow, StaffRow
from boothapp.store.types import new_id


class AuditAction(enum.StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    LEAD_CREATED = "lead_created"
    LEAD_EDITED = "lead_edited"
    PLEASE_DELETE = "please_delete"
    CONSENT_CHANGED = "consent_changed"
    EXPORT = "export"
    REPORT = "report"
    IMPORT = "import"
    SYNC = "sync"
    SCAN_DISCARDED = "scan_discarded"  # an unfinished visitor's scan set aside (issue #18)
    # Privacy and roles (issue #18, finding 9)
    PERSON_EXPORT = "person_export"
    ERASE = "erase"
    CRM_ERASE = "crm_erase"  # a delete request sent to a CRM, with its answer
    RETENTION = "retention"
    SETTINGS_CHANGED = "settings_changed"
    ROLE_CHANGED = "role_changed"  # staff added, an OS user mapped
    REFUSED = "refused"  # a manager action tried by someone who is not one


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    action: AuditAction
    event_id: str | None
    lead_id: str | None
    staff_id: str
    detail: dict[str, Any]
    created_at: datetime
    staff_name: str = ""  # who, as the staff list names them ("" when not a staff member)


def record(
    session: Session,
    action: AuditAction,
    *,
    event_id: str | None = None,
    lead_id: str | None = None,
    staff_id: str = "",
    device_id: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row inside the caller's transaction, so it commits with the change."""
    session.add(
        AuditRow(
            action=action.value,
            event_id=event_id,
            lead_id=lead_id,
            staff_id=staff_id,
            device_id=device_id,
            created_by=staff_id,
            detail=detail or {},
        )
    )


def record_many(
    session: Session, action: AuditAction, rows: Sequence[Mapping[str, Any]], device_id: str = ""
) -> None:
    """``record`` for many leads at once (a bulk capture): one insert, no ORM object each.
    Each row gives ``event_id``, ``lead_id`` and ``staff_id`` (and optionally ``detail``)."""
    if not rows:
        return
    insert_tuples(
        session,
        AuditRow,
        ("id", "action", "event_id", "lead_id", "staff_id", "device_id", "created_by", "detail"),
        [
            (
                new_id(),
                action.value,
                r.get("event_id"),
                r.get("lead_id"),
                r.get("staff_id", ""),
                device_id,
                r.get("staff_id", ""),
                dict(r.get("detail") or {}),
            )
            for r in rows
        ],
    )


class AuditService:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id

    def log(self, action: AuditAction, **kwargs: Any) -> None:
        with self._db.session() as s:
            record(s, action, device_id=self._device_id, **kwargs)

    def entries(
        self,
        event_id: str | None = None,
        lead_id: str | None = None,
        *,
        actions: frozenset[AuditAction] = frozenset(),
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Oldest first; ``limit`` keeps the newest that many."""
        with self._db.read() as s:
            q = select(AuditRow).order_by(AuditRow.created_at.desc())
            if event_id:
                q = q.where(AuditRow.event_id == event_id)
            if lead_id:
                q = q.where(AuditRow.lead_id == lead_id)
            if actions:
                q = q.where(AuditRow.action.in_([a.value for a in actions]))
            if limit is not None:
                q = q.limit(limit)
            rows = [r for r in reversed(s.scalars(q).all()) if r.action in _KNOWN]
            ids = {r.staff_id for r in rows if r.staff_id}
            names: dict[str, str] = {}
            if ids:
                query = select(StaffRow.id, StaffRow.name).where(StaffRow.id.in_(ids))
                names = {str(sid): str(name) for sid, name in s.execute(query)}
            return [
                AuditEntry(
                    id=r.id,
                    action=AuditAction(r.action),
                    event_id=r.event_id,
                    lead_id=r.lead_id,
                    staff_id=r.staff_id,
                    detail=dict(r.detail or {}),
                    created_at=r.created_at,
                    staff_name=names.get(r.staff_id, ""),
                )
                for r in rows
            ]


_KNOWN = frozenset(a.value for a in AuditAction)
