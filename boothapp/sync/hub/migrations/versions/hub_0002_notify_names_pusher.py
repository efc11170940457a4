"""The push notification names the pushing device(s): the pusher does not wake for its own
push, and a push the hub had already (sent again after a cut) wakes nobody. The version now
lives in ``hub.alembic_version``: the ``hub.meta`` table of the first hubs goes.

Revision ID: hub_0002
Revises: hub_0001
Create Date: 2026-12-03
"""

from alembic import op

revision = "hub_0002"
down_revision = "hub_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE OR REPLACE FUNCTION hub.notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE pushers text;
        BEGIN
            SELECT string_agg(DISTINCT device_id, ',') INTO pushers FROM new_changes;
            IF pushers IS NOT NULL THEN PERFORM pg_notify('hub_changes', pushers); END IF;
            RETURN NULL;
        END $$"""
    )
    op.execute("DROP TRIGGER IF EXISTS changes_notify ON hub.changes")
    op.execute(
        """CREATE TRIGGER changes_notify AFTER INSERT ON hub.changes
        REFERENCING NEW TABLE AS new_changes
        FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_changes()"""
    )
    op.execute("DROP TABLE IF EXISTS hub.meta")


def downgrade() -> None:
    op.execute(
        """CREATE OR REPLACE FUNCTION hub.notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('hub_changes', ''); RETURN NULL; END $$"""
    )
    op.execute("DROP TRIGGER IF EXISTS changes_notify ON hub.changes")
    op.execute(
        """CREATE TRIGGER changes_notify AFTER INSERT ON hub.changes
        FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_changes()"""
    )
