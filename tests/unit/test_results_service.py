"""ResultsService gathers the real data (issue 22): leads, first contacts, answers and
meetings from the follow-ups, stage times from the lead history, scans and stored deals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import update

from boothapp.app import AppContext
from boothapp.core.config.costs_section import EventCosts
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Contact, Rating, Stage
from boothapp.core.results.funnel import Step
from boothapp.core.results.inputs import Deal
from boothapp.services.deals import DealChanges
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow

CAPTURED = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)  # a Tuesday


def _lead(ctx: AppContext, event_id: str, name: str, rating: Rating, **kw: object) -> str:
    lead = ctx.leads.save_lead(
        LeadDraft(event_id, Contact(first_name=name, email=f"{name.lower()}@example.com",
                                    timezone="Europe/Berlin", country="DE"),
                  rating=rating, rating_overridden=True, consent_given=True,
                  consent_text="ok", **kw)  # type: ignore[arg-type]
    )  # fmt: skip
    with ctx.db.session() as s:
        s.execute(update(LeadRow).where(LeadRow.id == lead.id).values(created_at=CAPTURED))
    return lead.id


def _outcome(ctx: AppContext, lead_id: str, outcome: Outcome, after: timedelta) -> None:
    touch = next(t for t in ctx.followups.lead_touches(lead_id) if t.done_at is None)
    ctx.followups.record_outcome(touch.id, outcome, now=CAPTURED + after)


def test_results_from_leads_follow_ups_history_and_deals(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Service Show", timezone="Europe/Berlin"))
    cfg = ctx.configs.get(event.id)
    costs = EventCosts("EUR", booth=Decimal(4000), staff_days=Decimal(4), day_rate=Decimal(500))
    ctx.configs.save(event.id, replace(cfg, costs=costs))
    ann = _lead(ctx, event.id, "Ann", Rating.HOT, qualified=True)
    bob = _lead(ctx, event.id, "Bob", Rating.WARM)
    _lead(ctx, event.id, "Cem", Rating.COLD)
    junk = _lead(ctx, event.id, "Junk", Rating.COLD)
    ctx.leads.set_please_delete(junk, True)
    _outcome(ctx, ann, Outcome.MEETING_BOOKED, timedelta(minutes=4))  # 10:04 Berlin, Tuesday
    _outcome(ctx, bob, Outcome.VOICEMAIL, timedelta(hours=30))  # Wednesday 16:00 Berlin
    changes = ctx.deals.store("hubspot", {
        ann: (Deal("hubspot", "d1", ann, Decimal(10000), "EUR", "closedwon", True, True,
                   date(2026, 12, 1)),),
        bob: (Deal("hubspot", "d2", bob, Decimal(5000), "EUR", "open", False, False),),
    })  # fmt: skip
    assert changes == DealChanges(added=2)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    r = ctx.results.compute(event.id, now)
    assert [(s.step, s.count) for s in r.funnel.steps] == [
        (Step.SCANS, 0), (Step.LEADS, 3), (Step.QUALIFIED, 2), (Step.CONTACTED, 2),
        (Step.REACHED, 2), (Step.MEETING, 2), (Step.OPPORTUNITY, 2), (Step.WON, 1),
    ]  # fmt: skip
    # Bob: contacted (voicemail), never answered, yet an open deal: an opportunity, and so a
    # meeting, a reached and a qualified lead too (every step up to the deepest one reached).
    speed = {b.label: (b.leads, b.meeting.hits, b.won.hits) for b in r.speed.buckets}
    assert speed == {
        "<= 5 min": (1, 1, 1), "<= 1 h": (0, 0, 0), "<= 24 h": (0, 0, 0),
        "<= 48 h": (1, 1, 0), "later": (0, 0, 0), "never": (1, 0, 0),
    }  # fmt: skip
    days = {d.label: (d.touched, d.answered) for d in r.timing.by_weekday if d.touched}
    assert days == {"Tue": (1, 1), "Wed": (1, 0)}
    assert [(h.label, h.touched) for h in r.timing.by_hour] == [("10:00", 1), ("16:00", 1)]
    assert r.money.total_cost == Decimal(6000)
    assert r.money.return_on_cost == Decimal("0.6667")  # (10000 - 6000) / 6000
    stages = {d.stage: d.leads for d in r.stages if d.leads}
    assert stages == {Stage.TO_CONTACT: 2, Stage.FOLLOW_UP: 1}  # a voicemail moves no stage
    follow_up = next(d for d in r.stages if d.stage is Stage.FOLLOW_UP)
    # Ann moved to follow-up when the meeting was logged (the lead door's history row, written
    # at the real clock), not at capture
    assert follow_up.longest_days is not None and follow_up.longest_days < 15.0
