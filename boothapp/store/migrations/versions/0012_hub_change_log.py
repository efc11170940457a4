"""The device's change log for the event hub (issue 19): every lead change the door commits,
with a gap-free per-device sequence and a hybrid logical clock stamp; changes pulled from
other devices beside them; lead aliases (a visitor scanned on two devices); per-field clocks
for last-writer-wins; and the replicator's cursors.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("device_seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hlc", sa.String(120), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("staff_id", sa.String(36), nullable=False, server_default=""),
        sa.Column("staff_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("device_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("change_id", sa.String(36), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_change_log_lead", "change_log", ["lead_id", "field"])
    op.create_table(
        "lead_aliases",
        sa.Column("alias_id", sa.String(36), primary_key=True),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_lead_aliases_lead_id", "lead_aliases", ["lead_id"])
    op.create_table(
        "field_clocks",
        sa.Column("lead_id", sa.String(36), primary_key=True),
        sa.Column("field", sa.String(60), primary_key=True),
        sa.Column("hlc", sa.String(120), nullable=False),
    )
    op.create_table(
        "hub_state",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hub_state")
    op.drop_table("field_clocks")
    op.drop_index("ix_lead_aliases_lead_id", table_name="lead_aliases")
    op.drop_table("lead_aliases")
    op.drop_index("ix_change_log_lead", table_name="change_log")
    op.drop_table("change_log")
