"""Two covering indexes for planning at a big event (issue 23): the open emails per slot that
every save counts (``FollowUpService._booked``) and the event of a lead by its id, so that
count reads no follow-up body and no lead row (a demo build of 50,000 leads counted slots
by decrypting a page per touch).

Revision ID: 0016_demo
Revises: 0015_perf
Create Date: 2026-12-03
"""

from alembic import op

revision = "0016_demo"
down_revision = "0015_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_followups_slot", "followups", ["channel", "state", "due_at", "lead_id"])
    op.create_index("ix_leads_id_event", "leads", ["id", "event_id"])


def downgrade() -> None:
    op.drop_index("ix_leads_id_event", table_name="leads")
    op.drop_index("ix_followups_slot", table_name="followups")
