"""The CRM sync outbox the engine drains (UUID ids, record, lease) and its attempt log.

The 0002 ``outbox`` table was never written to by any release, so it is replaced outright.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _s(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length), nullable=False)


def upgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index("ix_outbox_lead_id", table_name="outbox")
    op.drop_table("outbox")
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _s("device_id", 64),
        _s("created_by", 36),
        _s("crm", 40),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        _s("state", 12),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("lease_until", UTCDateTime()),
        _s("remote_id", 120),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("crm", "lead_id", name="uq_outbox_crm_lead"),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_due", "outbox", ["crm", "state", "next_attempt_at"])
    # Dashboard "last sync" (0003 made it on the old table; dropping the table dropped it).
    op.create_index("ix_outbox_state_updated", "outbox", ["state", "updated_at"])
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("item_id", sa.String(36), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        _s("outcome", 12),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        _s("remote_id", 120),
    )
    op.create_index("ix_outbox_attempts_item_id", "outbox_attempts", ["item_id"])


def downgrade() -> None:
    op.drop_table("outbox_attempts")
    op.drop_table("outbox")
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _s("device_id", 64),
        _s("created_by", 36),
        _s("target", 40),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False),
        _s("state", 12),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        _s("remote_id", 120),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_due", "outbox", ["target", "state", "next_attempt_at"])
    op.create_index("ix_outbox_state_updated", "outbox", ["state", "updated_at"])
