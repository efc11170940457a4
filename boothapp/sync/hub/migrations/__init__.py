"""The hub schema's own Alembic environment (issue 19): its own revisions (branch ``hub``) and
its own version table, ``hub.alembic_version``, apart from the device database's."""
