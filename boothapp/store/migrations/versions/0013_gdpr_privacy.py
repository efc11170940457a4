"""Privacy (issue 18, finding 9): erasure tombstones (a salted hash of an erased person's
e-mail or badge id, so a roster re-import, a device merge or a hub pull does not bring them
back), the delete requests queued to the CRMs, the OS-user to staff mapping the manager sets
for the command line, and the privacy module's own state (the tombstone salt).

Revision ID: 0013_gdpr
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from boothapp.store.types import UTCDateTime

revision = "0013_gdpr"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_tombstones",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False, server_default=""),
    )
    op.create_table(
        "crm_erasures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("crm", sa.String(40), nullable=False),
        sa.Column("remote_id", sa.String(120), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(12), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("crm", "remote_id", name="uq_crm_erasures_remote"),
    )
    op.create_table(
        "staff_os_users",
        sa.Column("os_user", sa.String(120), primary_key=True),
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False, server_default=""),
    )
    op.create_table(
        "privacy_state",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_state")
    op.drop_table("staff_os_users")
    op.drop_table("crm_erasures")
    op.drop_table("erasure_tombstones")
