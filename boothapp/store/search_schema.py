"""Schema for the leads list search (migration 0003), declared beside the ORM tables.

The indexes attach to ``leads`` and ``outbox`` on import so the models and the migrations keep
describing the same schema. The SQLite FTS5 table ``lead_search`` (and the shadow tables FTS5
creates) live outside the ORM: ``include_object`` tells Alembic's comparison to skip them.
"""

from __future__ import annotations

from sqlalchemy import Index

from boothapp.store.tables import LeadRow, OutboxRow

SEARCH_TABLE = "lead_search"

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
