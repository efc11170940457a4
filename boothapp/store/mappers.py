"""Rows to typed values. The only place that knows both shapes."""

from __future__ import annotations

from boothapp.core.models import (
    Attendee,
    Contact,
    Event,
    Lead,
    LeadSource,
    Rating,
    Scan,
    Staff,
    Stage,
    SyncState,
)
from boothapp.store.tables import AttendeeRow, EventRow, LeadRow, ScanRow, StaffRow

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "country",
    "city",
    "timezone",
)


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
        id=row.id,
        event_id=row.event_id,
        name=row.name,
        email=row.email,
        active=row.active,
        role=row.role or "staff",
    )


def attendee_from_row(row: AttendeeRow) -> Attendee:
    contact = Contact(
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        phone=row.phone,
        company=row.company,
        title=row.title,
        country=row.country,
        city=row.city,
    )
    return Attendee(
        id=row.id,
        event_id=row.event_id,
        badge_id=row.badge_id,
        contact=contact,
        registration_type=row.registration_type,
        extra=dict(row.extra or {}),
    )


def contact_from_lead_row(row: LeadRow) -> Contact:
    return Contact(**{name: getattr(row, name) for name in CONTACT_FIELDS})


def lead_from_row(row: LeadRow, staff_name: str = "") -> Lead:
    return Lead(
        id=row.id,
        event_id=row.event_id,
        contact=contact_from_lead_row(row),
        source=LeadSource(row.source),
        badge_id=row.badge_id,
        raw_payload=row.raw_payload,
        answers=dict(row.answers or {}),
        rating=Rating(row.rating),
        rating_overridden=row.rating_overridden,
        score=row.score,
        qualified=row.qualified,
        notes=row.notes,
        consent_text=row.consent_text,
        consent_given_at=row.consent_given_at,
        owner=row.owner,
        stage=Stage(row.stage),
        please_delete=row.please_delete,
        referred_by=row.referred_by,
        staff_id=row.staff_id,
        staff_name=staff_name,
        device_id=row.device_id,
        crm_ids={str(k): str(v) for k, v in (row.crm_ids or {}).items()},
        sync_state=SyncState(row.sync_state),
        routing_reason=row.routing_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


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
