"""One index of open touches by state and due time, for the queue, the send run and the slot
counts (issue 23). ``ix_followups_due`` (state, due_at) and ``ix_followups_slot`` (channel,
state, due_at, lead_id) answered the same questions, and every planned touch took an entry
in both: 205,000 twice in a 50,000-lead demo build, the two rewritten by every chunk (the
touches of every chunk fall due in the same days), about a second of the build. The one
index (state, due_at, channel, lead_id) answers the queue and the send run by its (state,
due_at) prefix as before, and still counts a slot's open emails from the index alone; the
letters' list, a rare print, reads the open touches due before its horizon (~20 ms at 50k).

Revision ID: 0019_due
Revises: 0018_done
Create Date: 2026-12-05
"""

from alembic import op

revision = "0019_due"
down_revision = "0018_done"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_followups_slot", table_name="followups")
    op.drop_index("ix_followups_due", table_name="followups")
    op.create_index("ix_followups_due", "followups", ["state", "due_at", "channel", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_followups_due", table_name="followups")
    op.create_index("ix_followups_due", "followups", ["state", "due_at"])
    op.create_index("ix_followups_slot", "followups", ["channel", "state", "due_at", "lead_id"])
