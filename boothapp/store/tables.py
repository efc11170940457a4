"""ORM tables. Every record: UUID key, created/updated in UTC, device and staff that made it.

Rows stay inside the store and services; ``boothapp.store.mappers`` turns them into
``boothapp.core.models`` values.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from boothapp.store.types import UTCDateTime, new_id, utcnow


class Base(DeclarativeBase):
    pass


class Stamped:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )
    device_id: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    created_by: Mapped[str] = mapped_column(String(36), default="", nullable=False)


class EventRow(Stamped, Base):
    __tablename__ = "events"

    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    venue: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    booth: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    country: Mapped[str] = mapped_column(String(2), default="", nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", nullable=False)
    starts_on: Mapped[date | None] = mapped_column(Date())
    ends_on: Mapped[date | None] = mapped_column(Date())
    # The event configuration document (questions, scoring, routing, ...), versioned.
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    config_revision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class StaffRow(Stamped, Base):
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    pin_hash: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    role: Mapped[str] = mapped_column(String(20), default="staff", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class PinLockRow(Base):
    """Wrong-PIN counters of one PIN pad (a staff member's sign-in, or an event's kiosk exit
    and manager pads). This device's own state: never merged or synced; kept across restarts
    so quitting the app does not reset a lockout."""

    __tablename__ = "pin_locks"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    lockouts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class AttendeeRow(Stamped, Base):
    __tablename__ = "attendees"
    __table_args__ = (UniqueConstraint("event_id", "badge_id"),)

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), nullable=False)
    badge_id: Mapped[str] = mapped_column(String(200), nullable=False)
    first_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    last_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(254), default="", nullable=False, index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    company: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    title: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    country: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    city: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    website: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    registration_type: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)


class LeadRow(Stamped, Base):
    __tablename__ = "leads"
    __table_args__ = (
        # One lead per badge per event: scanning again opens the existing lead.
        UniqueConstraint("event_id", "badge_key", name="uq_leads_event_badge_key"),
        Index("ix_leads_event_created", "event_id", "created_at"),
        # The event of a lead without reading its row: the slot count joins it (issue 23).
        Index("ix_leads_id_event", "id", "event_id"),
    )

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), nullable=False)
    # Normalised identity of the badge (id, token, email or the raw payload); NULL for walk-ins.
    badge_key: Mapped[str | None] = mapped_column(String(300))
    badge_id: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    raw_payload: Mapped[str] = mapped_column(Text, default="", nullable=False)
    source: Mapped[str] = mapped_column(String(20), default="badge_scan", nullable=False)
    first_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    last_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(254), default="", nullable=False)
    phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    company: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    title: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    country: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    city: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    website: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    rating: Mapped[str] = mapped_column(String(10), default="warm", nullable=False)
    rating_overridden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    score: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    qualified: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    consent_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    stage: Mapped[str] = mapped_column(String(20), default="to_contact", nullable=False)
    please_delete: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    referred_by: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    staff_id: Mapped[str] = mapped_column(String(36), default="", nullable=False)
    crm_ids: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    sync_state: Mapped[str] = mapped_column(String(12), default="not_queued", nullable=False)
    routing_reason: Mapped[str] = mapped_column(Text, default="", server_default="", nullable=False)


class ScanRow(Stamped, Base):
    """Every decode that produced a payload, so no scan is ever lost."""

    __tablename__ = "scans"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), nullable=False, index=True)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    symbology: Mapped[str] = mapped_column(String(30), default="", nullable=False)
    source: Mapped[str] = mapped_column(String(20), default="badge_scan", nullable=False)
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("leads.id"), index=True)
    staff_id: Mapped[str] = mapped_column(String(36), default="", nullable=False)
    image_path: Mapped[str] = mapped_column(String(500), default="", nullable=False)


class AuditRow(Stamped, Base):
    """Who did what to which lead: export, delete flag, consent change, login."""

    __tablename__ = "audit_log"

    event_id: Mapped[str | None] = mapped_column(String(36), index=True)
    lead_id: Mapped[str | None] = mapped_column(String(36), index=True)
    staff_id: Mapped[str] = mapped_column(String(36), default="", nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)


class LeadChangeRow(Stamped, Base):
    """Field-level edit history of a lead (also drives last-writer-wins merges)."""

    __tablename__ = "lead_changes"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), nullable=False, index=True)
    staff_id: Mapped[str] = mapped_column(String(36), default="", nullable=False)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)


class OutboxRow(Stamped, Base):
    """Durable, idempotent queue of leads to push to a CRM (``boothapp.services.outbox_sql``).

    One row per (crm, item key): the lead (key = lead UUID), and for the CRMs its note and task
    (``<uuid>:note`` / ``:task``); saving the lead again refreshes the queued records. States
    are ``boothapp.sync.outbox.ItemState`` (pending, in_flight, done, failed).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("crm", "item_key", name="uq_outbox_crm_key"),
        Index("ix_outbox_due", "crm", "state", "next_attempt_at"),
    )

    crm: Mapped[str] = mapped_column(String(40), nullable=False)  # "hubspot", "bottlecrm", ...
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), nullable=False, index=True)
    # SyncRecord.key; a row written without one is its lead's own item (key = lead id).
    item_key: Mapped[str] = mapped_column(
        String(80), nullable=False, default=lambda c: c.get_current_parameters()["lead_id"]
    )
    kind: Mapped[str] = mapped_column(String(8), default="lead", nullable=False)  # ItemKind
    # The device whose sync run holds the lease: it may reclaim its own at once after a crash.
    leased_by: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    # The SyncRecord as built at enqueue time (fields already mapped for this CRM).
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    state: Mapped[str] = mapped_column(String(12), default="pending", nullable=False)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remote_id: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    last_error: Mapped[str] = mapped_column(Text, default="", nullable=False)


class OutboxAttemptRow(Base):
    """Every try of an outbox item, with the CRM's answer, for the failures list and support."""

    __tablename__ = "outbox_attempts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(ForeignKey("outbox.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    outcome: Mapped[str] = mapped_column(String(12), nullable=False)
    http_status: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    remote_id: Mapped[str] = mapped_column(String(120), default="", nullable=False)


class FollowUpRow(Stamped, Base):
    __tablename__ = "followups"
    # ix_followups_done: the report's and metrics' first-touch query (issue 23).
    __table_args__ = (
        # Open touches by due time: the queue, the send run, and the open emails per slot
        # that every save counts without reading a body (one index for both, 0019, #23).
        Index("ix_followups_due", "state", "due_at", "channel", "lead_id"),
        # Done touches only (migration 0018): a planned touch, no done_at, adds no entry.
        Index(
            "ix_followups_done",
            "done_at",
            sqlite_where=text("done_at IS NOT NULL"),
            postgresql_where=text("done_at IS NOT NULL"),
        ),
        # The queue's owner picker skips from owner to owner (followup_owners.py, issue 23).
        Index("ix_followups_owner", "owner", "lead_id"),
    )

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), nullable=False, index=True)
    touch_number: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    channel: Mapped[str] = mapped_column(String(12), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", nullable=False)
    template_id: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    subject: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # "" until the message goes out (sent, printed): rendered from the lead when read, and a
    # stored body is shown as it is (services/followup_bodies.py, issue 23).
    body_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    body_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    state: Mapped[str] = mapped_column(String(12), default="planned", nullable=False)
    owner: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    message_id: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language the message was rendered in, after the event's fallback chain.
    language: Mapped[str] = mapped_column(String(8), default="", server_default="", nullable=False)


class RoutingStateRow(Base):
    """Round-robin position per routing rule, so the spread stays even across restarts."""

    __tablename__ = "routing_state"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    last_assigned: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class DealRow(Stamped, Base):
    """A CRM deal / opportunity associated with one of the booth's leads (issue 22), as last
    pulled (``services/deals.py``). Not a lead field: the lead door is not involved, and a
    re-pull rewrites these rows to what the CRM holds. ``amount`` is decimal text so no value
    is rounded through a float; ``currency`` is the record's own ISO 4217 code."""

    __tablename__ = "deals"
    __table_args__ = (UniqueConstraint("crm", "remote_id", "lead_id", name="uq_deals_crm_remote"),)

    crm: Mapped[str] = mapped_column(String(40), nullable=False)
    remote_id: Mapped[str] = mapped_column(String(120), nullable=False)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    amount: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3), default="", nullable=False)
    stage: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    close_date: Mapped[date | None] = mapped_column(Date())


class ChangeLogRow(Base):
    """One lead change as the event hub replicates it (issue 19), written only by the lead door.

    This device's own changes carry its id and a gap-free ``device_seq``; changes pulled from
    other devices keep theirs, so the key makes applying one twice impossible. ``field`` is
    ``"*"`` for a new lead, whose ``value`` is the whole captured lead.
    """

    __tablename__ = "change_log"
    # ix_change_log_hlc: every save reads the newest stamp; without it that scanned the whole log.
    __table_args__ = (
        Index("ix_change_log_lead", "lead_id", "field"),
        Index("ix_change_log_hlc", "hlc"),
    )

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hlc: Mapped[str] = mapped_column(String(120), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    lead_id: Mapped[str] = mapped_column(String(36), nullable=False)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    staff_id: Mapped[str] = mapped_column(String(36), default="", nullable=False)
    staff_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    device_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    change_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class LeadAliasRow(Base):
    """A lead id that became another: the same visitor captured on two devices (issue 19)."""

    __tablename__ = "lead_aliases"

    alias_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lead_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class FieldClockRow(Base):
    """The clock stamp of the change a lead field's value came from (last writer wins).
    A lead captured here has one row for its captured values (``lead_changes.CAPTURED``)."""

    __tablename__ = "field_clocks"

    lead_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(120), nullable=False)


class HubStateRow(Base):
    """The replicator's bookkeeping (last pushed seq, pull cursor, event map)."""

    __tablename__ = "hub_state"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class TombstoneRow(Base):
    """An erased person (issue 18): only a salted hash of their e-mail or badge id, so a roster
    re-import, a device merge or a hub pull can tell them apart without keeping who they were."""

    __tablename__ = "erasure_tombstones"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # "email" | "badge"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(36), default="", nullable=False)


class CrmErasureRow(Base):
    """A delete request for an erased person's record in a CRM (``services/privacy.py``).
    Only the CRM's own id is kept: no name, no e-mail."""

    __tablename__ = "crm_erasures"
    __table_args__ = (UniqueConstraint("crm", "remote_id", name="uq_crm_erasures_remote"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    crm: Mapped[str] = mapped_column(String(40), nullable=False)
    remote_id: Mapped[str] = mapped_column(String(120), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    state: Mapped[str] = mapped_column(String(12), default="pending", nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class StaffOsUserRow(Base):
    """An operating-system account the manager tied to a staff member: the command line run
    by that account acts as them without ``--as`` (issue 18, roles)."""

    __tablename__ = "staff_os_users"

    os_user: Mapped[str] = mapped_column(String(120), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(36), default="", nullable=False)


class PrivacyStateRow(Base):
    """The privacy module's own settings on this device (the tombstone salt)."""

    __tablename__ = "privacy_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


def table_of(row_class: type[Base]) -> Table:
    """The Core table behind an ORM class: bulk inserts with one executemany and no ORM
    object per row (issue 23: the demo build writes a million rows)."""
    table = row_class.__table__
    assert isinstance(table, Table)
    return table
