"""The hub schema as issue 19 first built it: events, devices, the change log with its
global order, run locks, the push notification, the erase trigger, a role per device and
row-level security per event. (Hubs made before this migration existed were versioned by a
``hub.meta`` table; ``boothapp hub init`` stamps them at this revision and upgrades them.)

Revision ID: hub_0001
Revises:
Create Date: 2026-12-03
"""

from alembic import op

revision = "hub_0001"
down_revision = None
branch_labels = ("hub",)
depends_on = None

STATEMENTS: tuple[str, ...] = (
    "CREATE SCHEMA IF NOT EXISTS hub",
    """CREATE TABLE IF NOT EXISTS hub.events (
        event_id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS hub.devices (
        device_id text PRIMARY KEY,
        name text NOT NULL,
        role_name text NOT NULL UNIQUE,
        push_only boolean NOT NULL DEFAULT false,
        joined_at timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz,
        last_pushed_seq bigint NOT NULL DEFAULT 0,
        pull_cursor bigint NOT NULL DEFAULT 0,
        revoked_at timestamptz)""",
    """CREATE TABLE IF NOT EXISTS hub.device_events (
        device_id text NOT NULL REFERENCES hub.devices,
        event_id text NOT NULL REFERENCES hub.events,
        PRIMARY KEY (device_id, event_id))""",
    """CREATE TABLE IF NOT EXISTS hub.changes (
        global_seq bigserial PRIMARY KEY,
        device_id text NOT NULL,
        device_seq bigint NOT NULL,
        event_id text NOT NULL REFERENCES hub.events,
        lead_id text NOT NULL,
        field text NOT NULL,
        value jsonb,
        old_value jsonb,
        hlc text NOT NULL,
        staff_id text NOT NULL DEFAULT '',
        staff_name text NOT NULL DEFAULT '',
        change_id text,
        at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (device_id, device_seq))""",
    "CREATE INDEX IF NOT EXISTS changes_event_seq ON hub.changes (event_id, global_seq)",
    """CREATE TABLE IF NOT EXISTS hub.run_locks (
        event_id text NOT NULL,
        kind text NOT NULL,
        device_id text NOT NULL,
        device_name text NOT NULL,
        since timestamptz NOT NULL,
        PRIMARY KEY (event_id, kind))""",
    """CREATE OR REPLACE FUNCTION hub.notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('hub_changes', ''); RETURN NULL; END $$""",
    "DROP TRIGGER IF EXISTS changes_notify ON hub.changes",
    """CREATE TRIGGER changes_notify AFTER INSERT ON hub.changes
        FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_changes()""",
    """CREATE OR REPLACE FUNCTION hub.erase_values() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
        BEGIN
            UPDATE hub.changes SET value = NULL, old_value = NULL, staff_name = ''
            WHERE event_id = NEW.event_id AND lead_id = NEW.lead_id
              AND global_seq < NEW.global_seq;
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS changes_erase ON hub.changes",
    """CREATE TRIGGER changes_erase AFTER INSERT ON hub.changes
        FOR EACH ROW WHEN (NEW.field = '-') EXECUTE FUNCTION hub.erase_values()""",
    """CREATE OR REPLACE FUNCTION hub.my_device() RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
        SELECT device_id FROM hub.devices WHERE role_name = session_user AND revoked_at IS NULL
        $$""",
    """CREATE OR REPLACE FUNCTION hub.my_events() RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
        SELECT de.event_id FROM hub.device_events de JOIN hub.devices d USING (device_id)
        WHERE d.role_name = session_user AND d.revoked_at IS NULL $$""",
    """CREATE OR REPLACE FUNCTION hub.my_readable_events() RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
        SELECT de.event_id FROM hub.device_events de JOIN hub.devices d USING (device_id)
        WHERE d.role_name = session_user AND d.revoked_at IS NULL AND NOT d.push_only $$""",
    """CREATE OR REPLACE FUNCTION hub.leave() RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
        UPDATE hub.devices SET revoked_at = now()
        WHERE role_name = session_user AND revoked_at IS NULL $$""",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'boothapp_device') THEN
            CREATE ROLE boothapp_device NOLOGIN;
        END IF; END $$""",
    "GRANT USAGE ON SCHEMA hub TO boothapp_device",
    "GRANT SELECT ON hub.events, hub.devices, hub.device_events TO boothapp_device",
    "GRANT SELECT, INSERT ON hub.changes TO boothapp_device",
    "GRANT USAGE ON SEQUENCE hub.changes_global_seq_seq TO boothapp_device",
    "GRANT UPDATE (last_seen, last_pushed_seq, pull_cursor) ON hub.devices TO boothapp_device",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON hub.run_locks TO boothapp_device",
    "ALTER TABLE hub.changes ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE hub.devices ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE hub.events ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE hub.device_events ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE hub.run_locks ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS changes_read ON hub.changes",
    """CREATE POLICY changes_read ON hub.changes FOR SELECT
        USING (event_id IN (SELECT hub.my_readable_events()))""",
    "DROP POLICY IF EXISTS changes_write ON hub.changes",
    """CREATE POLICY changes_write ON hub.changes FOR INSERT
        WITH CHECK (device_id = hub.my_device() AND event_id IN (SELECT hub.my_events()))""",
    "DROP POLICY IF EXISTS devices_read ON hub.devices",
    """CREATE POLICY devices_read ON hub.devices FOR SELECT USING (
        role_name = session_user OR device_id IN (
            SELECT device_id FROM hub.device_events
            WHERE event_id IN (SELECT hub.my_events())))""",
    "DROP POLICY IF EXISTS devices_touch ON hub.devices",
    """CREATE POLICY devices_touch ON hub.devices FOR UPDATE
        USING (role_name = session_user AND revoked_at IS NULL)""",
    "DROP POLICY IF EXISTS events_read ON hub.events",
    """CREATE POLICY events_read ON hub.events FOR SELECT
        USING (event_id IN (SELECT hub.my_events()))""",
    "DROP POLICY IF EXISTS device_events_read ON hub.device_events",
    """CREATE POLICY device_events_read ON hub.device_events FOR SELECT
        USING (event_id IN (SELECT hub.my_events()))""",
    "DROP POLICY IF EXISTS run_locks_all ON hub.run_locks",
    """CREATE POLICY run_locks_all ON hub.run_locks
        USING (event_id IN (SELECT hub.my_events()))
        WITH CHECK (event_id IN (SELECT hub.my_events()))""",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP SCHEMA hub CASCADE")  # the roles stay: they may own other events' rights
