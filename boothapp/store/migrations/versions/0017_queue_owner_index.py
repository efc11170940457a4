"""Follow-ups by owner (issue 23): the queue's owner picker lists each event's owners by
skipping from one owner to the next in this index, instead of reading all of an event's
follow-ups (205,000 at a 50k-lead demo: 2-2.7 s with the picker empty meanwhile). The lead id
in it lets "does this owner have a touch in this event" stop at the owner's first touch.

Revision ID: 0017_queue
Revises: 0016_demo
Create Date: 2026-12-03
"""

from alembic import op

revision = "0017_queue"
down_revision = "0016_demo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_followups_owner", "followups", ["owner", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_followups_owner", table_name="followups")
