"""Typed values that cross layer boundaries.

ORM rows never leave the store; services hand these frozen dataclasses to the UI, the CLI,
the sync clients and the reports. Times are timezone-aware UTC datetimes; the relevant IANA
zone name travels beside them (``Event.timezone``, ``Lead.timezone``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from boothapp.core.i18n import N_
from boothapp.core.pickling import pickled_as_values


class Rating(enum.StrEnum):
    COLD = "cold"
    WARM = "warm"
    HOT = "hot"


class Stage(enum.StrEnum):
    """Pipeline stages from DOMAIN.md, in order."""

    TO_CONTACT = "to_contact"
    IN_CONTACT = "in_contact"
    FOLLOW_UP = "follow_up"
    QUOTE_TO_PREPARE = "quote_to_prepare"
    QUOTE_SENT = "quote_sent"
    WON = "won"
    NOT_INTERESTED = "not_interested"

    @property
    def closed(self) -> bool:
        """Won or not interested: sales are done with the lead, no more routing or touches.
        CRM statuses such as converted, lost or unqualified arrive as one of these two
        (``crm.stages`` and the pullers' defaults)."""
        return self in CLOSED_STAGES


CLOSED_STAGES = frozenset({Stage.WON, Stage.NOT_INTERESTED})


class LeadSource(enum.StrEnum):
    BADGE_SCAN = "badge_scan"
    HANDHELD = "handheld"
    MANUAL = "manual"
    KIOSK = "kiosk"
    REFERRAL = "referral"


class Channel(enum.StrEnum):
    EMAIL = "email"
    CALL = "call"
    LETTER = "letter"
    CRM_TASK = "crm_task"


class SyncState(enum.StrEnum):
    NOT_QUEUED = "not_queued"
    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str
    timezone: str = "UTC"
    venue: str = ""
    booth: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 of the venue; default region for phone numbers
    starts_on: date | None = None
    ends_on: date | None = None
    created_at: datetime | None = None


class StaffRole(enum.StrEnum):
    STAFF = "staff"
    MANAGER = "manager"  # may also unlock a staff member locked out by wrong PINs
    # A kiosk stand's own account (issue 18): registers visitors, reads nothing back.
    KIOSK = "kiosk"


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    event_id: str
    name: str
    email: str = ""
    active: bool = True
    role: StaffRole = StaffRole.STAFF

    @property
    def is_manager(self) -> bool:
        """Managers change event settings and a lead's owner (issue 15) and lift PIN waits."""
        return self.role == StaffRole.MANAGER


@pickled_as_values
@dataclass(frozen=True, slots=True)
class Contact:
    """Who a visitor is, as far as a badge, a roster row or a form tells us."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    company: str = ""
    title: str = ""
    country: str = ""
    city: str = ""
    timezone: str = ""
    website: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def merged_with(self, other: Contact) -> Contact:
        """Fill empty fields from ``other``; fields already set win."""
        values = {
            name: getattr(self, name) or getattr(other, name) for name in self.__dataclass_fields__
        }
        return Contact(**values)


# The contact fields, declared once by ``Contact``: the store's columns, the device merge, the
# roster reader, the badge field list of the config and the CRM mappings derive from it.
CONTACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Contact))
# What a person reads for each contact field (forms, export headers): msgids of the core
# catalogue, translated where shown (``core.i18n``); a test keeps it complete.
CONTACT_LABELS: dict[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "company": N_("Company"),
    "title": N_("Job title"),
    "country": N_("Country"),
    "city": N_("City"),
    "timezone": N_("Lead time zone"),
    "website": N_("Website"),
}


@dataclass(frozen=True, slots=True)
class Attendee:
    """One row of the organiser's roster."""

    id: str
    event_id: str
    badge_id: str
    contact: Contact
    registration_type: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# A lead's answer to one question as its stored JSON text ("null" or None when unanswered),
# as a path of a lead read as a tuple of stored values (``reports.columns.LeadRecords``,
# ``store.mappers.lead_value_columns``): an export decodes each distinct text once, where the
# whole answers document differs from lead to lead (issue 23).
ANSWER_TEXT_PATH = "answer_text:"


@dataclass(frozen=True, slots=True)
class Lead:
    id: str
    event_id: str
    contact: Contact
    source: LeadSource = LeadSource.BADGE_SCAN
    badge_id: str = ""
    raw_payload: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    rating: Rating = Rating.WARM
    rating_overridden: bool = False
    score: int = 0
    qualified: bool = False
    notes: str = ""
    consent_text: str = ""
    consent_given_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    owner: str = ""
    stage: Stage = Stage.TO_CONTACT
    please_delete: bool = False
    referred_by: str = ""
    staff_id: str = ""
    staff_name: str = ""
    device_id: str = ""
    crm_ids: dict[str, str] = field(default_factory=dict)
    sync_state: SyncState = SyncState.NOT_QUEUED
    routing_reason: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return self.contact.full_name or self.contact.email or self.badge_id or "(unnamed)"


@dataclass(frozen=True, slots=True)
class Scan:
    """One decode that produced a payload; kept whether or not it became a lead."""

    id: str
    event_id: str
    payload: str
    symbology: str = ""
    source: LeadSource = LeadSource.BADGE_SCAN
    lead_id: str | None = None
    staff_id: str = ""
    device_id: str = ""
    image_path: str = ""
    created_at: datetime | None = None
