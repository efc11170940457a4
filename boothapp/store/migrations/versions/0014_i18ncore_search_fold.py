"""Leads list search that ignores accents and case the way Turkish and Greek need (issue 21).

SQLite's trigram tokenizer folds case with Unicode's default rules only: "ilker" does not find
"İlker", "IŞIK" does not find "ışık", and "γιωργος" does not find "Γιώργος" (tonos). The
search index now stores every column through ``boothapp_fold`` (``core.textfold.fold``: case,
accents, dotted/dotless i, Greek tonos and final sigma, Persian/Arabic yeh and kaf), and the
leads list folds the query the same way. ``boothapp_fold`` is an application SQL function that
``store.db`` registers on every SQLite connection it opens; a raw ``sqlite3`` connection that
writes ``leads`` must call ``store.db.register_functions`` first.

A later batch migration that recreates ``leads`` drops these triggers: it must call
``install()`` from this module again (it rebuilds the index too).

Revision ID: 0014_i18ncore
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_i18ncore"
down_revision = "0013_gdpr"
branch_labels = None
depends_on = None

_TRIGGERS = ("lead_search_ai", "lead_search_ad", "lead_search_au")


def _columns(row: str) -> str:
    name = f"{row}first_name || ' ' || {row}last_name"
    return ", ".join(
        f"boothapp_fold({c})" for c in (name, f"{row}company", f"{row}email", f"{row}notes")
    )


def _ddl(folded: bool) -> list[str]:
    new = (
        _columns("new.")
        if folded
        else ("new.first_name || ' ' || new.last_name, new.company, new.email, new.notes")
    )
    rows = _columns("") if folded else "first_name || ' ' || last_name, company, email, notes"
    return [
        *(f"DROP TRIGGER IF EXISTS {t}" for t in _TRIGGERS),
        "CREATE VIRTUAL TABLE IF NOT EXISTS lead_search USING fts5("
        "name, company, email, notes, tokenize = 'trigram')",
        "CREATE TRIGGER lead_search_ai AFTER INSERT ON leads BEGIN "
        f"INSERT INTO lead_search(rowid, name, company, email, notes) VALUES (new.rowid, {new}); "
        "END",
        "CREATE TRIGGER lead_search_ad AFTER DELETE ON leads BEGIN "
        "DELETE FROM lead_search WHERE rowid = old.rowid; END",
        "CREATE TRIGGER lead_search_au "
        "AFTER UPDATE OF first_name, last_name, company, email, notes ON leads BEGIN "
        "DELETE FROM lead_search WHERE rowid = new.rowid; "
        f"INSERT INTO lead_search(rowid, name, company, email, notes) VALUES (new.rowid, {new}); "
        "END",
        "DELETE FROM lead_search",
        f"INSERT INTO lead_search(rowid, name, company, email, notes) SELECT rowid, {rows} "
        "FROM leads",
    ]


def install() -> None:
    """Create (or re-create after a rebuild of ``leads``) the folded search index, SQLite only."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _ddl(folded=True):
        op.execute(sa.text(statement))


def upgrade() -> None:
    install()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _ddl(folded=False):
        op.execute(sa.text(statement))
