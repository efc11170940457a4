"""``list_leads(sample=True)``: a stable, random-looking sample of an event's leads, as the
demo's Results take their 400 leads (issue 23). Ids start with their creation time now, so
the first ids are the first leads saved; the sample goes by the id's random end instead."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft


def test_sample_is_not_the_first_saved_and_stays_the_same(ctx: AppContext) -> None:
    event_id = ctx.events.create_event(NewEvent(name="Sample Show")).id
    other = ctx.events.create_event(NewEvent(name="Other Show")).id
    saved = [
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=f"Ana{i}", last_name="Ruiz", email=f"a{i}@x.es"))
        ).id
        for i in range(40)
    ]
    ctx.leads.save_lead(LeadDraft(other, Contact(first_name="Olga", last_name="Berg")))
    sample = [lead.id for lead in ctx.leads.list_leads(event_id, limit=10, sample=True)]
    assert len(sample) == 10 and set(sample) <= set(saved)  # this event's leads only
    assert sample != saved[:10]
    # By the random end of the id: the same ten, in the same order, every time.
    assert sample == sorted(saved, key=lambda i: (i[24:], i))[:10]
    assert [lead.id for lead in ctx.leads.list_leads(event_id, limit=10, sample=True)] == sample
    # A search narrows the sample's leads as it narrows the list.
    found = ctx.leads.list_leads(event_id, search="ana3", limit=5, sample=True)
    assert {lead.contact.first_name for lead in found} <= {"Ana3"} | {f"Ana3{d}" for d in range(10)}
    assert found


def test_sample_ids_come_from_the_covering_index(ctx: AppContext) -> None:
    # The demo's Results at the end of a 50,000-lead build: the event's own index would have
    # every lead read back from the table for its id (~0.5 s then); ix_leads_id_event holds
    # both the id and the event, and no lead row is read (issue 23).
    event_id = ctx.events.create_event(NewEvent(name="Sample Show")).id
    for i in range(5):
        ctx.leads.save_lead(LeadDraft(event_id, Contact(first_name=f"Ana{i}", last_name="Ruiz")))
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _x: Any, _m: Any) -> None:
        if statement.startswith("SELECT leads.id") and "substr" in statement:
            seen.append((statement, params))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        assert len(ctx.leads.list_leads(event_id, limit=3, sample=True)) == 3
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    assert len(seen) == 1, seen
    with ctx.db.engine.connect() as conn:
        plan = [
            str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + seen[0][0], seen[0][1])
        ]
    assert any("COVERING INDEX ix_leads_id_event" in step for step in plan), plan
