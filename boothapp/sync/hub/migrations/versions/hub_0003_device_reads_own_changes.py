"""A device reads its own changes too: PostgreSQL checks the new row of an INSERT ... ON
CONFLICT against the SELECT policy, so a push-only kiosk (which reads no event) was refused
on every push ("new row violates row-level security policy for table changes").

Revision ID: hub_0003
Revises: hub_0002
Create Date: 2026-12-03
"""

from alembic import op

revision = "hub_0003"
down_revision = "hub_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP POLICY IF EXISTS changes_read ON hub.changes")
    op.execute(
        """CREATE POLICY changes_read ON hub.changes FOR SELECT
        USING (event_id IN (SELECT hub.my_readable_events()) OR device_id = hub.my_device())"""
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS changes_read ON hub.changes")
    op.execute(
        """CREATE POLICY changes_read ON hub.changes FOR SELECT
        USING (event_id IN (SELECT hub.my_readable_events()))"""
    )
