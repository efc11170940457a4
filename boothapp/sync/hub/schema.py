"""The hub schema: one PostgreSQL schema ``hub`` that every booth device of a team shares.

Versioned by ``hub.meta`` (``schema_version``); every statement is idempotent, so ``boothapp
hub init`` on a hub already at this version changes nothing. Each device logs in as its own
role (``boothapp_dev_<device id>``, member of ``boothapp_device``); row-level security lets it
read the changes of the events it joined only (none at all for a kiosk, which only pushes) and
insert changes under its own device id only.
"""

from __future__ import annotations

SCHEMA_VERSION = 2  # 2: the push notification names the pushing device
DEVICE_GROUP = "boothapp_device"
NOTIFY_CHANNEL = "hub_changes"

STATEMENTS: tuple[str, ...] = (
    "CREATE SCHEMA IF NOT EXISTS hub",
    "CREATE TABLE IF NOT EXISTS hub.meta (key text PRIMARY KEY, value text NOT NULL)",
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
    # Wake pulling devices the moment a push commits (polling stays as the fallback). The
    # payload names the pushing device(s): the pusher has nothing to pull and stays asleep,
    # and a push the hub had already (sent again after a cut) wakes nobody.
    f"""CREATE OR REPLACE FUNCTION hub.notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE pushers text;
        BEGIN
            SELECT string_agg(DISTINCT device_id, ',') INTO pushers FROM new_changes;
            IF pushers IS NOT NULL THEN PERFORM pg_notify('{NOTIFY_CHANNEL}', pushers); END IF;
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS changes_notify ON hub.changes",
    """CREATE TRIGGER changes_notify AFTER INSERT ON hub.changes
        REFERENCING NEW TABLE AS new_changes
        FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_changes()""",
    # A person erased on a device (issue 18, field "-"): the values the hub holds of that lead
    # are blanked as the erase arrives (SECURITY DEFINER: devices may only insert changes).
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
    # Who is asking: the device whose role is logged in (SECURITY DEFINER so the policies can
    # read hub.devices whatever the device may see of it).
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
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{DEVICE_GROUP}') THEN
            CREATE ROLE {DEVICE_GROUP} NOLOGIN;
        END IF; END $$""",
    f"GRANT USAGE ON SCHEMA hub TO {DEVICE_GROUP}",
    f"GRANT SELECT ON hub.meta, hub.events, hub.devices, hub.device_events TO {DEVICE_GROUP}",
    f"GRANT SELECT, INSERT ON hub.changes TO {DEVICE_GROUP}",
    f"GRANT USAGE ON SEQUENCE hub.changes_global_seq_seq TO {DEVICE_GROUP}",
    f"GRANT UPDATE (last_seen, last_pushed_seq, pull_cursor) ON hub.devices TO {DEVICE_GROUP}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON hub.run_locks TO {DEVICE_GROUP}",
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
    # Devices of the same events see each other (names, last contact) for `hub status`.
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
    f"""INSERT INTO hub.meta VALUES ('schema_version', '{SCHEMA_VERSION}')
        ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
)
