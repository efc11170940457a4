"""A pull reads ``hub.changes`` alone (issue 19, session 17): the pusher's name and kiosk flag
come from the device's own cache of ``hub.devices``, not from a join on every pull (that join
expanded the table's nested row-level policies: a third of the pull's execution). The cache
knows when it is stale by ``hub.device_names_gen``: one row, raised in the same transaction
as a device's insert or a change of its name or kiosk flag (a join, a join again under a new
name), and read by every pull in its own snapshot: a pulled change by a device renamed or
joined since the cache was read always comes with the raised number, never before it.

Revision ID: hub_0006
Revises: hub_0005
Create Date: 2026-12-04
"""

from alembic import op

revision = "hub_0006"
down_revision = "hub_0005"
branch_labels = None
depends_on = None

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS hub.device_names_gen (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        gen bigint NOT NULL)""",
    "INSERT INTO hub.device_names_gen (gen) VALUES (1) ON CONFLICT DO NOTHING",
    # Every device reads it (no rows of anyone's: no row-level policy needed).
    "GRANT SELECT ON hub.device_names_gen TO boothapp_device",
    """CREATE OR REPLACE FUNCTION hub.bump_device_names_gen() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND OLD.name IS NOT DISTINCT FROM NEW.name
               AND OLD.push_only IS NOT DISTINCT FROM NEW.push_only THEN
                RETURN NULL;
            END IF;
            UPDATE hub.device_names_gen SET gen = gen + 1;
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS devices_names_gen ON hub.devices",
    # ``UPDATE OF``: a device's touches (last_seen, its marks) do not fire it.
    """CREATE TRIGGER devices_names_gen AFTER INSERT OR UPDATE OF name, push_only
        ON hub.devices FOR EACH ROW EXECUTE FUNCTION hub.bump_device_names_gen()""",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS devices_names_gen ON hub.devices")
    op.execute("DROP FUNCTION IF EXISTS hub.bump_device_names_gen()")
    op.execute("DROP TABLE IF EXISTS hub.device_names_gen")
