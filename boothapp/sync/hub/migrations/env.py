"""Alembic environment of the hub schema: run by ``sync/hub/schema.upgrade`` on a connection
it opened (the admin's, used once), never from an ini file."""

from __future__ import annotations

from alembic import context

VERSION_SCHEMA = "hub"
VERSION_TABLE = "alembic_version"

connection = context.config.attributes["connection"]
# The version table lives in the hub's own schema, which must exist before Alembic makes it.
connection.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS hub")
context.configure(
    connection=connection,
    target_metadata=None,
    version_table=VERSION_TABLE,
    version_table_schema=VERSION_SCHEMA,
)
with context.begin_transaction():
    context.run_migrations()
