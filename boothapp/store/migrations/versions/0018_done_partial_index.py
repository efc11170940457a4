"""The done_at index holds only the touches done (issue 23): every planned touch has no
done_at, so the full index took a NULL entry per planned touch, ordered by the touch's id
(205,000 at a 50,000-lead demo build, each insert a write on another index page). Its
readers (the first-touch report, ``done_touches``, the send limits) ask for done touches
only, and a partial index ``WHERE done_at IS NOT NULL`` answers them.

Revision ID: 0018_done
Revises: 0017_queue
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_done"
down_revision = "0017_queue"
branch_labels = None
depends_on = None

_DONE = sa.text("done_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_followups_done", table_name="followups")
    op.create_index(
        "ix_followups_done",
        "followups",
        ["done_at"],
        sqlite_where=_DONE,
        postgresql_where=_DONE,
    )


def downgrade() -> None:
    op.drop_index("ix_followups_done", table_name="followups")
    op.create_index("ix_followups_done", "followups", ["done_at"])
