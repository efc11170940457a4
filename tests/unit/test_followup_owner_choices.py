"""The follow-up queue's owner picker shows the rep's name, while filtering by the rep id that
routing stores on leads and touches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from boothapp.app import AppContext
from boothapp.core.config.model import Rep
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft


def test_owner_choices_pair_rep_ids_with_names(ctx: AppContext) -> None:
    event_id = ctx.events.create_event(NewEvent(name="Owners Show")).id
    cfg = ctx.configs.get(event_id)
    reps = (Rep("ayse", "Ayşe Demir"), Rep("jo", "Jo Lee"))
    ctx.configs.save(
        event_id, replace(cfg, routing=replace(cfg.routing, reps=reps, fallback="ayse", rules=()))
    )
    for name in ("Ana", "Ben"):
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=name, last_name="X", email=f"{name}@x.io"))
        )
    ctx.followups.plan(event_id, datetime.now(UTC))
    choices = ctx.followups.owner_choices(event_id)
    assert ("ayse", "Ayşe Demir") in choices
    assert all(owner_id != name or owner_id not in {"ayse", "jo"} for owner_id, name in choices)


def test_dashboard_response_time_names_reps(ctx: AppContext) -> None:
    event_id = ctx.events.create_event(NewEvent(name="Owners Dash")).id
    cfg = ctx.configs.get(event_id)
    reps = (Rep("ayse", "Ayşe Demir"),)
    ctx.configs.save(
        event_id, replace(cfg, routing=replace(cfg.routing, reps=reps, fallback="ayse", rules=()))
    )
    ctx.leads.save_lead(
        LeadDraft(event_id, Contact(first_name="Cy", last_name="X", email="c@x.io"))
    )
    ctx.followups.plan(event_id, datetime.now(UTC))
    response = ctx.dashboard.response_time(event_id)
    assert response is not None
    assert [(r.name, r.leads) for r in response.per_staff] == [("Ayşe Demir", 1)]
