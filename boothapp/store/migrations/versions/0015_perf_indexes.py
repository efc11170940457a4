"""Two indexes for big events (issue 23): the newest change-log stamp (read by every save) and
follow-ups by when they were done (the report's first-touch query).

Revision ID: 0015_perf
Revises: 0014_i18ncore
Create Date: 2026-12-03
"""

from alembic import op

revision = "0015_perf"
down_revision = "0014_i18ncore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_change_log_hlc", "change_log", ["hlc"])
    op.create_index("ix_followups_done", "followups", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_followups_done", table_name="followups")
    op.drop_index("ix_change_log_hlc", table_name="change_log")
