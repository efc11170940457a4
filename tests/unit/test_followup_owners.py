"""The queue's owner picker reads the owners through the owner index, not every touch
(issue 23: 205,000 follow-ups at a 50k-lead event took 2-2.7 s with the picker empty), and
still lists exactly the owners of the event's own follow-ups. Real SQLite files."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.followup_owners import _OWNERS
from boothapp.services.leads import LeadDraft
from tests.fixtures_followups import PLANNED_AT, planned_cast


def _other_event_owned_by(ctx: AppContext, owner: str) -> str:
    event_id = ctx.events.create_event(NewEvent(name="Other Show")).id
    ctx.leads.save_lead(
        LeadDraft(
            event_id,
            Contact(first_name="Olga", last_name="Berg", email="olga@berg.se"),
            owner=owner,
        )
    )
    ctx.followups.plan(event_id, datetime.now(UTC))
    return event_id


def test_picker_lists_the_events_owners_and_no_other_events(ctx: AppContext) -> None:
    cast = planned_cast(ctx)
    other = _other_event_owned_by(ctx, "Zed Elsewhere")
    assert ctx.followups.owners(cast.event_id) == ["Ana Ruiz", "Jo Lee"]
    assert ctx.followups.owners(other) == ["Zed Elsewhere"]
    assert [name for _id, name in ctx.followups.owner_choices(cast.event_id)] == [
        "Ana Ruiz",
        "Jo Lee",
    ]


def test_owner_query_seeks_the_owner_index_and_reads_no_touch_rows(ctx: AppContext) -> None:
    cast = planned_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    with ctx.db.engine.connect() as conn:
        plan = [
            str(row[-1])
            for row in conn.execute(text("EXPLAIN QUERY PLAN " + str(_OWNERS)), {"event_id": "x"})
        ]
    on_followups = [step for step in plan if " f" in step or "followups" in step]
    # Every step on the follow-ups is an index search: no scan of the table (205k rows).
    assert on_followups, plan
    assert all("ix_followups_owner" in step for step in on_followups), plan
    assert not any(step.startswith("SCAN") and "followups" in step for step in plan), plan
