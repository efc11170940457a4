"""The open emails a save counts per slot (``FollowUpService._booked``) are the event's own:
with one event in the file they are counted from the slot index alone (issue 23), and once
another event's emails share a slot they still do not take this event's capacity. Real
SQLite files."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event

from boothapp.app import AppContext
from boothapp.core.models import Channel, Contact
from boothapp.services.events import NewEvent
from boothapp.services.followup_send import FollowUpSender
from boothapp.services.followups import FollowUpService
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import FollowUpRow
from tests.fixtures_followups import PLANNED_AT, planned_cast


def _open_emails(ctx: AppContext, lead_ids: list[str]) -> Counter[datetime]:
    return Counter(
        t.due_utc
        for lead_id in lead_ids
        for t in ctx.followups.lead_touches(lead_id)
        if t.channel is Channel.EMAIL
    )


def test_booked_counts_the_events_own_open_emails_only(ctx: AppContext) -> None:
    cast = planned_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    leads = [cast.hot, cast.tokyo, cast.chicago_no_consent, cast.istanbul]
    expected = _open_emails(ctx, leads)
    assert expected  # the cast has emails planned
    slots = set(expected)
    with ctx.db.read() as s:
        assert FollowUpService._booked(s, cast.event_id, slots) == expected

    # Another show in the same file, its lead's email on every one of those slots.
    other = ctx.events.create_event(NewEvent(name="Other Show")).id
    stranger = ctx.leads.save_lead(
        LeadDraft(other, Contact(first_name="Olga", last_name="Berg", email="olga@berg.se"))
    )
    with ctx.db.session() as s:
        for n, due in enumerate(sorted(slots), start=100):
            s.add(
                FollowUpRow(
                    lead_id=stranger.id, touch_number=n, channel=Channel.EMAIL.value,
                    due_at=due, timezone="UTC", state="planned",
                )
            )  # fmt: skip
    theirs = _open_emails(ctx, [stranger.id])
    with ctx.db.read() as s:
        assert FollowUpService._booked(s, cast.event_id, slots) == expected
        assert FollowUpService._booked(s, other, slots) == {d: theirs[d] for d in slots}


def test_queue_send_run_and_slot_count_seek_the_one_due_index(ctx: AppContext) -> None:
    # Migration 0019: one index (state, due_at, channel, lead_id) instead of two. The queue
    # and the send run seek it by state and due time; a save's slot count reads it alone.
    cast = planned_cast(ctx)
    touches = ctx.followups.touches(cast.event_id)
    slots = {t.due_utc for t in touches if t.channel is Channel.EMAIL}
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _x: Any, _m: Any) -> None:
        if "FROM followups" in statement and "due_at" in statement:
            seen.append((statement, params))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        queue = ctx.followups.queue(cast.event_id, None, PLANNED_AT.date() + timedelta(days=30))
        sender = FollowUpSender(ctx.db, ctx.followups)
        due = sender._due(cast.event_id, PLANNED_AT + timedelta(days=30), False, None)
        with ctx.db.read() as s:
            booked = FollowUpService._booked(s, cast.event_id, slots)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    assert queue and due and booked  # each read found touches
    assert len(seen) == 3, seen
    with ctx.db.engine.connect() as conn:
        plans = [
            [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st, p)]
            for st, p in seen
        ]
    for plan in plans:
        assert any("ix_followups_due (state=?" in step for step in plan), plans
    assert any("COVERING INDEX ix_followups_due" in step for step in plans[2]), plans
