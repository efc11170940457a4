"""Routing: why each lead went to its owner, and the round-robin position per event.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN is native on SQLite, so the leads table (and its search triggers) stays put.
    op.add_column(
        "leads", sa.Column("routing_reason", sa.Text(), nullable=False, server_default="")
    )
    op.create_table(
        "routing_state",
        sa.Column("event_id", sa.String(36), sa.ForeignKey("events.id"), primary_key=True),
        sa.Column("last_assigned", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("routing_state")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("routing_reason")
