"""Fast lead search for the leads list: filter/sort indexes and, on SQLite, an FTS5 index.

The FTS5 table uses the trigram tokenizer so a search finds any substring of at least three
characters (a part of a surname, a company fragment, an e-mail domain), with Unicode case
folding (Greek, Turkish). Triggers keep it in step with ``leads``; its rowid is the lead row's
rowid. A later batch migration that recreates ``leads`` drops these triggers: it must call
``install()`` again, which also rebuilds the index.

PostgreSQL gets the plain indexes only; the service falls back to ILIKE there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_leads_event_rating": ["event_id", "rating"],
    "ix_leads_event_staff": ["event_id", "staff_id", "created_at"],
    "ix_leads_event_stage": ["event_id", "stage"],
    "ix_leads_event_sync": ["event_id", "sync_state"],
    "ix_leads_event_please_delete": ["event_id", "please_delete"],
    "ix_leads_event_company": ["event_id", "company"],
    "ix_leads_event_name": ["event_id", "first_name", "last_name"],
    "ix_outbox_state_updated": ["state", "updated_at"],
}

_NAME = "new.first_name || ' ' || new.last_name"

_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS lead_search USING fts5("
    "name, company, email, notes, tokenize = 'trigram')",
    "CREATE TRIGGER IF NOT EXISTS lead_search_ai AFTER INSERT ON leads BEGIN "
    "INSERT INTO lead_search(rowid, name, company, email, notes) "
    f"VALUES (new.rowid, {_NAME}, new.company, new.email, new.notes); END",
    "CREATE TRIGGER IF NOT EXISTS lead_search_ad AFTER DELETE ON leads BEGIN "
    "DELETE FROM lead_search WHERE rowid = old.rowid; END",
    "CREATE TRIGGER IF NOT EXISTS lead_search_au "
    "AFTER UPDATE OF first_name, last_name, company, email, notes ON leads BEGIN "
    f"UPDATE lead_search SET name = {_NAME}, company = new.company, email = new.email, "
    "notes = new.notes WHERE rowid = new.rowid; END",
    "DELETE FROM lead_search",
    "INSERT INTO lead_search(rowid, name, company, email, notes) "
    "SELECT rowid, first_name || ' ' || last_name, company, email, notes FROM leads",
]


def install() -> None:
    """Create (or re-create after a rebuild of ``leads``) the SQLite search index."""
    for statement in _SQLITE_DDL:
        op.execute(sa.text(statement))


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        table = "outbox" if name.startswith("ix_outbox") else "leads"
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":
        install()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("lead_search_ai", "lead_search_ad", "lead_search_au"):
            op.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
        op.execute(sa.text("DROP TABLE IF EXISTS lead_search"))
    for name in reversed(list(_INDEXES)):
        table = "outbox" if name.startswith("ix_outbox") else "leads"
        op.drop_index(name, table_name=table)
