"""The hub schema: one PostgreSQL schema ``hub`` that every booth device of a team shares.

Versioned by Alembic in an environment of its own (``sync/hub/migrations``: branch ``hub``,
version table ``hub.alembic_version``), apart from each device's SQLite migrations. ``boothapp
hub init`` creates the schema or brings it to the newest revision in one transaction; a hub
made before the hub had revisions (versioned by a ``hub.meta`` table) is stamped at its first
revision and upgraded from there. Each device logs in as its own role
(``boothapp_dev_<device id>``, member of ``boothapp_device``); row-level security lets it read
the changes of the events it joined only (none at all for a kiosk, which only pushes) and
insert changes under its own device id only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    import psycopg

DEVICE_GROUP = "boothapp_device"
NOTIFY_CHANNEL = "hub_changes"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_SCHEMA = "hub"
VERSION_TABLE = "alembic_version"
# What a hub versioned by ``hub.meta`` (schema_version 1) holds.
LEGACY_REVISION = "hub_0001"
# Two ``hub init`` at once: the second waits, then finds the schema up to date.
_INIT_LOCK = 0x6875625F696E6974  # "hub_init"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def upgrade(conn: psycopg.Connection, to: str = "heads") -> str:
    """Create the hub schema or bring it up to date on ``conn`` (a role that may create
    schemas and roles); returns the revision it is at now. ``to``: an older revision (a test
    makes a hub as an older version left it)."""
    engine = create_engine("postgresql+psycopg://", creator=lambda: conn, poolclass=StaticPool)
    cfg = _config()
    with engine.begin() as sa:
        sa.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_INIT_LOCK})")
        cfg.attributes["connection"] = sa
        if _current(sa) is None and _legacy(sa):
            command.stamp(cfg, LEGACY_REVISION)
        command.upgrade(cfg, to)
        now = _current(sa)
    assert now is not None
    return now


def _current(sa: Connection) -> str | None:
    opts = {"version_table": VERSION_TABLE, "version_table_schema": VERSION_SCHEMA}
    return MigrationContext.configure(sa, opts=opts).get_current_revision()


def _legacy(sa: Connection) -> bool:
    return bool(sa.exec_driver_sql("SELECT to_regclass('hub.meta') IS NOT NULL").scalar())
