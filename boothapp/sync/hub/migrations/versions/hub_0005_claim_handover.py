"""A revoked device's claims of kiosk leads are handed over (issue 19): the next pulling
device that sweeps takes them (``UPDATE ... SET device_id = me`` of a claim whose device is
revoked; one wins, the row lock decides) and plans and queues those leads from then on. A
partial index on the change log's captures keeps that sweep (which also claims kiosk leads
pulled before ``hub_0004``, claimed by nobody) from reading the whole log.

Revision ID: hub_0005
Revises: hub_0004
Create Date: 2026-12-03
"""

from alembic import op

revision = "hub_0005"
down_revision = "hub_0004"
branch_labels = None
depends_on = None

STATEMENTS: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS changes_captures ON hub.changes (event_id, lead_id)"
    " WHERE field = '*'",
    "GRANT UPDATE (device_id, claimed_at) ON hub.lead_claims TO boothapp_device",
    # Only a claim whose device was revoked (or left), only by a device that pulls the event,
    # and only for itself.
    "DROP POLICY IF EXISTS lead_claims_handover ON hub.lead_claims",
    """CREATE POLICY lead_claims_handover ON hub.lead_claims FOR UPDATE
        USING (event_id IN (SELECT hub.my_readable_events())
               AND device_id IN (SELECT device_id FROM hub.devices
                                 WHERE revoked_at IS NOT NULL))
        WITH CHECK (device_id = hub.my_device()
                    AND event_id IN (SELECT hub.my_readable_events()))""",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS lead_claims_handover ON hub.lead_claims")
    op.execute("REVOKE UPDATE (device_id, claimed_at) ON hub.lead_claims FROM boothapp_device")
    op.execute("DROP INDEX IF EXISTS hub.changes_captures")
