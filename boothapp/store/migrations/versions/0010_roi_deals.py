"""CRM deals of the booth's leads, for pipeline, revenue and speed-to-lead (issue 22).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("crm", sa.String(40), nullable=False),
        sa.Column("remote_id", sa.String(120), nullable=False),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("amount", sa.String(40), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("stage", sa.String(120), nullable=False),
        sa.Column("is_won", sa.Boolean(), nullable=False),
        sa.Column("is_closed", sa.Boolean(), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.UniqueConstraint("crm", "remote_id", "lead_id", name="uq_deals_crm_remote"),
    )
    op.create_index("ix_deals_lead_id", "deals", ["lead_id"])


def downgrade() -> None:
    op.drop_index("ix_deals_lead_id", table_name="deals")
    op.drop_table("deals")
