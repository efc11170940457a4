"""Follow-up trust (issue 16): the language a touch was rendered in, after the event's
fallback chain, shown in the queue. (The lead's unsubscribe time came with 0007.)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followups") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("followups") as batch:
        batch.drop_column("language")
