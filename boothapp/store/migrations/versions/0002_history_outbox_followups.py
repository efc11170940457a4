"""Lead edit history, the CRM outbox and planned follow-ups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def stamped() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
    ]


def s(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length), nullable=False)


def lead_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "lead_changes",
        *stamped(),
        lead_fk(),
        s("staff_id", 36),
        s("field", 60),
        sa.Column("old_value", sa.JSON()),
        sa.Column("new_value", sa.JSON()),
    )
    op.create_index("ix_lead_changes_lead_id", "lead_changes", ["lead_id"])
    op.create_table(
        "outbox",
        *stamped(),
        s("target", 40),
        lead_fk(),
        s("state", 12),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        s("remote_id", 120),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_due", "outbox", ["target", "state", "next_attempt_at"])
    op.create_table(
        "followups",
        *stamped(),
        lead_fk(),
        sa.Column("touch_number", sa.Integer(), nullable=False),
        s("channel", 12),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        s("timezone", 64),
        s("template_id", 80),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        s("state", 12),
        s("owner", 120),
        s("message_id", 200),
        sa.Column("attempts", sa.Integer(), nullable=False),
        s("outcome", 20),
        sa.Column("done_at", UTCDateTime()),
    )
    op.create_index("ix_followups_lead_id", "followups", ["lead_id"])
    op.create_index("ix_followups_due", "followups", ["state", "due_at"])


def downgrade() -> None:
    for table in ("followups", "outbox", "lead_changes"):
        op.drop_table(table)
