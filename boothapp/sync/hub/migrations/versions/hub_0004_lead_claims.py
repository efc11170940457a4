"""Who plans a kiosk's leads: a push-only device (a kiosk) never pulls, so it never sees an
edit made elsewhere and cannot re-plan or re-queue its own leads. The first pulling device
that applies such a lead claims it here (``INSERT ... ON CONFLICT DO NOTHING``: one claim per
lead, whoever comes second finds it taken) and plans and queues it from then on.

Revision ID: hub_0004
Revises: hub_0003
Create Date: 2026-12-03
"""

from alembic import op

revision = "hub_0004"
down_revision = "hub_0003"
branch_labels = None
depends_on = None

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS hub.lead_claims (
        event_id text NOT NULL REFERENCES hub.events,
        lead_id text NOT NULL,
        device_id text NOT NULL REFERENCES hub.devices,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, lead_id))""",
    "GRANT SELECT, INSERT ON hub.lead_claims TO boothapp_device",
    "ALTER TABLE hub.lead_claims ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS lead_claims_read ON hub.lead_claims",
    """CREATE POLICY lead_claims_read ON hub.lead_claims FOR SELECT
        USING (event_id IN (SELECT hub.my_events()))""",
    # Only a device that pulls the event may claim, and only for itself.
    "DROP POLICY IF EXISTS lead_claims_write ON hub.lead_claims",
    """CREATE POLICY lead_claims_write ON hub.lead_claims FOR INSERT
        WITH CHECK (device_id = hub.my_device()
                    AND event_id IN (SELECT hub.my_readable_events()))""",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS hub.lead_claims")
