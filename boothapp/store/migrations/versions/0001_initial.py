"""Initial schema: events, staff, attendees, leads, scans, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def stamped() -> list[sa.Column]:  # type: ignore[type-arg]
    # Frozen copy of the columns every record carries, as they were in this revision.
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
    ]


def s(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "events",
        *stamped(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        s("venue", 200),
        s("booth", 50),
        s("country", 2),
        s("timezone", 64),
        sa.Column("starts_on", sa.Date()),
        sa.Column("ends_on", sa.Date()),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("config_revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "staff",
        *stamped(),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id"), nullable=False),
        s("name", 120),
        s("email", 254),
        s("pin_hash", 200),
        s("role", 20),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("event_id", "name"),
    )
    op.create_index("ix_staff_event_id", "staff", ["event_id"])
    op.create_table(
        "attendees",
        *stamped(),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id"), nullable=False),
        s("badge_id", 200),
        s("first_name", 120),
        s("last_name", 120),
        s("email", 254),
        s("phone", 40),
        s("company", 200),
        s("title", 200),
        s("country", 60),
        s("city", 120),
        s("registration_type", 60),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.UniqueConstraint("event_id", "badge_id"),
    )
    op.create_index("ix_attendees_email", "attendees", ["email"])
    op.create_table(
        "leads",
        *stamped(),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id"), nullable=False),
        sa.Column("badge_key", sa.String(300)),
        s("badge_id", 200),
        sa.Column("raw_payload", sa.Text(), nullable=False),
        s("source", 20),
        s("first_name", 120),
        s("last_name", 120),
        s("email", 254),
        s("phone", 40),
        s("company", 200),
        s("title", 200),
        s("country", 60),
        s("city", 120),
        s("timezone", 64),
        sa.Column("answers", sa.JSON(), nullable=False),
        s("rating", 10),
        sa.Column("rating_overridden", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("qualified", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consent_given_at", UTCDateTime()),
        s("owner", 120),
        s("stage", 20),
        sa.Column("please_delete", sa.Boolean(), nullable=False),
        s("referred_by", 200),
        s("staff_id", 36),
        sa.Column("crm_ids", sa.JSON(), nullable=False),
        s("sync_state", 12),
        sa.UniqueConstraint("event_id", "badge_key", name="uq_leads_event_badge_key"),
    )
    op.create_index("ix_leads_event_created", "leads", ["event_id", "created_at"])
    op.create_table(
        "scans",
        *stamped(),
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id"), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        s("symbology", 30),
        s("source", 20),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id")),
        s("staff_id", 36),
        s("image_path", 500),
    )
    op.create_index("ix_scans_event_id", "scans", ["event_id"])
    op.create_index("ix_scans_lead_id", "scans", ["lead_id"])
    op.create_table(
        "audit_log",
        *stamped(),
        sa.Column("event_id", sa.String(36)),
        sa.Column("lead_id", sa.String(36)),
        s("staff_id", 36),
        s("action", 40),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_event_id", "audit_log", ["event_id"])
    op.create_index("ix_audit_log_lead_id", "audit_log", ["lead_id"])


def downgrade() -> None:
    for table in ("audit_log", "scans", "leads", "attendees", "staff", "events"):
        op.drop_table(table)
