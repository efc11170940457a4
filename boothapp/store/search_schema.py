"""Schema for the leads list search (migration 0003), declared beside the ORM tables.

The indexes attach to ``leads`` and ``outbox`` on import so the models and the migrations keep
describing the same schema. The SQLite FTS5 table ``lead_search`` (and the shadow tables FTS5
creates) live outside the ORM: ``include_object`` tells Alembic's comparison to skip them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Index
from sqlalchemy.orm import Session

from boothapp.store.tables import LeadRow, OutboxRow

SEARCH_TABLE = "lead_search"
# The trigger that indexes each lead inserted (migration 0014), and the values it indexes for
# a row of ``leads`` (its ``new.`` columns); a test holds the two to the same text.
INSERT_TRIGGER = "lead_search_ai"
SEARCH_VALUES = (
    "boothapp_fold(first_name || ' ' || last_name), boothapp_fold(company), "
    "boothapp_fold(email), boothapp_fold(notes)"
)

INDEXES = (
    Index("ix_leads_event_rating", LeadRow.event_id, LeadRow.rating),
    Index("ix_leads_event_staff", LeadRow.event_id, LeadRow.staff_id, LeadRow.created_at),
    Index("ix_leads_event_stage", LeadRow.event_id, LeadRow.stage),
    Index("ix_leads_event_sync", LeadRow.event_id, LeadRow.sync_state),
    Index("ix_leads_event_please_delete", LeadRow.event_id, LeadRow.please_delete),
    Index("ix_leads_event_company", LeadRow.event_id, LeadRow.company),
    Index("ix_leads_event_name", LeadRow.event_id, LeadRow.first_name, LeadRow.last_name),
    Index("ix_leads_event_owner_stage", LeadRow.event_id, LeadRow.owner, LeadRow.stage),
    Index("ix_outbox_state_updated", OutboxRow.state, OutboxRow.updated_at),
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic hook: the FTS5 table and its shadow tables are not ORM-managed."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))


@contextmanager
def indexed_at_end(s: Session) -> Iterator[None]:
    """Leads inserted in the block join the search index in one INSERT ... SELECT at its end
    instead of one trigger call per row: 5,000 demo leads were inserted in 0.9 s with the
    trigger and 0.4 s without, plus 0.1 s for the catch-up (issue 23). The trigger is dropped
    and put back (its own stored text) inside the caller's transaction, so a crash or a
    rollback leaves it as it was, and no other writer can insert meanwhile. SQLite only."""
    con = s.connection()
    trigger = (
        con.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
        ).scalar()
        if con.dialect.name == "sqlite"
        else None
    )
    if trigger is None:
        yield
        return
    con.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    before = con.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM leads").scalar()
    try:
        yield
    finally:
        # Also after a failed insert: the rows that went in before it are indexed.
        con.exec_driver_sql(
            f"INSERT INTO {SEARCH_TABLE}(rowid, name, company, email, notes) "
            f"SELECT rowid, {SEARCH_VALUES} FROM leads WHERE rowid > ?",
            (before,),
        )
        con.exec_driver_sql(trigger)
