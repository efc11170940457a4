"""Follow-up trust (issue 16): a lead's unsubscribe time and the language a touch is in.

``leads.unsubscribed_at``: set when the lead asked for no more mail (a reply to the
unsubscribe mailbox, the one-click page); a stop-state beside ``please_delete``.
``followups.language``: the language the touch was rendered in after the fallback chain,
shown in the queue.

Revision ID: 0007_followtrust
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0007_followtrust"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("unsubscribed_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("followups") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("followups") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("unsubscribed_at")
