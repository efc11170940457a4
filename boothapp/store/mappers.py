"""Rows to typed values. The only place that knows both shapes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, func, select, type_coerce

from boothapp.core.models import (
    ANSWER_TEXT_PATH,
    CONTACT_FIELDS,
    Attendee,
    Contact,
    Event,
    Lead,
    LeadSource,
    Rating,
    Scan,
    Staff,
    StaffRole,
    Stage,
    SyncState,
)
from boothapp.store.tables import AttendeeRow, EventRow, LeadRow, ScanRow, StaffRow
from boothapp.store.types import AnswerText, SharedJSON

E = TypeVar("E", bound=enum.Enum)


def event_from_row(row: EventRow) -> Event:
    return Event(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        venue=row.venue,
        booth=row.booth,
        country=row.country,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        created_at=row.created_at,
    )


def staff_from_row(row: StaffRow) -> Staff:
    return Staff(
        id=row.id, event_id=row.event_id, name=row.name, email=row.email, active=row.active,
        role=StaffRole(row.role) if row.role in set(StaffRole) else StaffRole.STAFF,
    )  # fmt: skip


def attendee_from_row(row: AttendeeRow) -> Attendee:
    contact = Contact(**{name: getattr(row, name) for name in CONTACT_FIELDS})
    return Attendee(
        id=row.id,
        event_id=row.event_id,
        badge_id=row.badge_id,
        contact=contact,
        registration_type=row.registration_type,
        extra=dict(row.extra or {}),
    )


# The contact fields in Contact's own order, read in one call (exports map 50k rows).
_contact_values = attrgetter(*CONTACT_FIELDS)
# Enum members by stored value: a dict look-up instead of Enum's call per row.
_SOURCES = {m.value: m for m in LeadSource}
_RATINGS = {m.value: m for m in Rating}
_STAGES = {m.value: m for m in Stage}
_SYNC_STATES = {m.value: m for m in SyncState}


def contact_from_lead_row(row: LeadRow) -> Contact:
    return Contact(*_contact_values(row))


def _member(members: dict[str, E], enum_type: type[E], value: str) -> E:
    found = members.get(value)
    return found if found is not None else enum_type(value)  # the enum's own error


def lead_from_row(row: LeadRow, staff_name: str = "") -> Lead:
    return Lead(
        id=row.id,
        event_id=row.event_id,
        contact=contact_from_lead_row(row),
        source=_member(_SOURCES, LeadSource, row.source),
        badge_id=row.badge_id,
        raw_payload=row.raw_payload,
        answers=dict(row.answers or {}),
        rating=_member(_RATINGS, Rating, row.rating),
        rating_overridden=row.rating_overridden,
        score=row.score,
        qualified=row.qualified,
        notes=row.notes,
        consent_text=row.consent_text,
        consent_given_at=row.consent_given_at,
        unsubscribed_at=row.unsubscribed_at,
        owner=row.owner,
        stage=_member(_STAGES, Stage, row.stage),
        please_delete=row.please_delete,
        referred_by=row.referred_by,
        staff_id=row.staff_id,
        staff_name=staff_name,
        device_id=row.device_id,
        crm_ids={str(k): str(v) for k, v in (row.crm_ids or {}).items()},
        sync_state=_member(_SYNC_STATES, SyncState, row.sync_state),
        routing_reason=row.routing_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# Lead attributes stored as they are in a ``leads`` column of the same name (JSON ones raw:
# answers may be None where Lead has {}); enums as their value ("rating.value").
_ENUM_FIELDS = frozenset({"source", "rating", "stage", "sync_state"})
_PLAIN_FIELDS = frozenset(
    f.name for f in dataclass_fields(Lead) if f.name not in _ENUM_FIELDS | {"contact", "staff_name"}
)


def lead_value_columns(fields: Sequence[str], event_id: str) -> list[ColumnElement[Any]]:
    """SQL giving each Lead attribute path's stored value ("contact.email", "rating.value",
    "staff_name": the capturing staff member of ``event_id``, "" when none; ``ANSWER_TEXT_PATH``
    and a question id: that answer's stored JSON text), for reading leads as tuples of values
    without building a Lead per row (exports, issue 23)."""
    table = LeadRow.__table__.c
    out: list[ColumnElement[Any]] = []
    for path in fields:
        name = path.removeprefix("contact.").removesuffix(".value")
        if path.startswith(ANSWER_TEXT_PATH):
            out.append(AnswerText(table["answers"], path.removeprefix(ANSWER_TEXT_PATH)))
        elif path == "staff_name":
            staff = select(StaffRow.name).where(
                StaffRow.id == LeadRow.staff_id, StaffRow.event_id == event_id
            )
            out.append(func.coalesce(staff.scalar_subquery(), ""))
        elif (
            (path.startswith("contact.") and name in CONTACT_FIELDS)
            or (path.endswith(".value") and name in _ENUM_FIELDS)
            or path in _PLAIN_FIELDS
        ):
            column = table[name]
            # JSON decoded once per distinct text (answers repeat): shared, read-only values.
            out.append(
                type_coerce(column, SharedJSON()) if isinstance(column.type, JSON) else column
            )
        else:
            raise ValueError(f"Lead attribute {path!r} has no stored column.")
    return out


def scan_from_row(row: ScanRow) -> Scan:
    return Scan(
        id=row.id,
        event_id=row.event_id,
        payload=row.payload,
        symbology=row.symbology,
        source=LeadSource(row.source),
        lead_id=row.lead_id,
        staff_id=row.staff_id,
        device_id=row.device_id,
        image_path=row.image_path,
        created_at=row.created_at,
    )
