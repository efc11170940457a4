"""Every contact field is a column (a vCard's website was dropped on save), and a lead can be
unsubscribed (the contact rule stops every touch).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("website", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("unsubscribed_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("website", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("attendees") as batch:
        batch.drop_column("timezone")
        batch.drop_column("website")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("unsubscribed_at")
        batch.drop_column("website")
