"""The owners of an event's follow-ups, for the queue's owner picker (issue 23).

``SELECT DISTINCT owner`` over an event's follow-ups reads every touch: 205,000 of them at a
50k-lead event, 2-2.7 s while the picker stayed empty. An event has a handful of owners, so
the query skips through the ``ix_followups_owner`` index (owner, lead id) from one owner to
the next (a loose index scan: one index seek per owner), and keeps an owner when one of its
touches belongs to a lead of the event (the index's lead id, then ``ix_leads_id_event``:
the first such touch ends the search). The same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_OWNERS = text(
    """
    WITH RECURSIVE owners(owner) AS (
        SELECT MIN(owner) FROM followups
        UNION ALL
        SELECT (SELECT MIN(f.owner) FROM followups AS f WHERE f.owner > owners.owner)
        FROM owners WHERE owners.owner IS NOT NULL
    )
    SELECT owner FROM owners
    WHERE owner IS NOT NULL AND EXISTS (
        SELECT 1 FROM followups AS f JOIN leads AS l ON l.id = f.lead_id
        WHERE f.owner = owners.owner AND l.event_id = :event_id
    )
    ORDER BY owner
    """
)


def event_owners(conn: Connection, event_id: str) -> list[str]:
    """Every owner of a follow-up of the event's leads ("" included), in order."""
    return [owner for (owner,) in conn.execute(_OWNERS, {"event_id": event_id})]
