"""What happened after the demo show (issue 22), so the Results page has something to show:
first contacts at realistic delays (hot leads answered fastest), answers, meetings, a few
stage moves and plausible deals in two currencies, plus the show's costs.

Everything goes through the services a real event uses: outcomes through the follow-up
service (the lead door records the stage changes), stage moves through ``save_lead``, deals
through ``DealService.store`` as a CRM pull would. Seeded, so every demo looks the same.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from boothapp.app import AppContext
from boothapp.core.config.costs_section import EventCosts
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Event, Rating, Stage
from boothapp.core.results.inputs import Deal
from boothapp.services.followup_types import OPEN_STATES, OutcomeRequest, TouchState

DEMO_RESULTS_LEADS = 400  # beyond this a bench's big demo stays quick: only these get outcomes
DEMO_COSTS = EventCosts(
    currency="EUR",
    booth=Decimal(9500),
    stand_build=Decimal(6200),
    travel=Decimal(3400),
    staff_days=Decimal(9),
    day_rate=Decimal(420),
    sponsorship=Decimal(2500),
    other=Decimal(600),
    rates={"USD": Decimal("0.92")},
)
# (share contacted, ((delay range in minutes, weight), ...)) per rating: hot leads are
# called from the booth, cold ones wait for the after-show mail.
_CONTACT: dict[Rating, tuple[float, tuple[tuple[tuple[int, int], float], ...]]] = {
    Rating.HOT: (0.95, (((1, 5), 0.4), ((5, 60), 0.4), ((60, 240), 0.2))),
    Rating.WARM: (0.9, (((1, 5), 0.1), ((5, 60), 0.25), ((60, 1440), 0.45), ((1440, 2880), 0.2))),
    Rating.COLD: (
        0.7,
        (((5, 60), 0.1), ((60, 1440), 0.3), ((1440, 2880), 0.3), ((2880, 7200), 0.3)),
    ),
}
_MEETING = {Rating.HOT: 0.7, Rating.WARM: 0.45, Rating.COLD: 0.2}


def add_results(ctx: AppContext, event: Event, seed: int, now: datetime | None = None) -> int:
    """Outcomes, stage moves and deals for a sample of the event's leads; returns deals added."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed * 7 + 3)
    ctx.configs.save(event.id, replace(ctx.configs.get(event.id), costs=DEMO_COSTS))
    # A stable sample of the show's leads, read as such: reading all 50,000 took 10 s (#23).
    leads = ctx.leads.list_leads(event.id, limit=DEMO_RESULTS_LEADS, sample=True)
    deals: dict[str, tuple[Deal, ...]] = {}
    # Every outcome in one transaction, then every stage move in one (#23: one each, ~80
    # commits and re-plans, were a second at the end of a 50,000-lead build).
    outcomes: list[OutcomeRequest] = []
    stages: dict[str, Stage] = {}
    touches_of = ctx.followups.touches_of([lead.id for lead in leads])
    for lead in leads:
        captured = lead.created_at
        if captured is None:
            continue
        share, spans = _CONTACT[lead.rating]
        if rng.random() > share:
            continue
        (lo, hi) = rng.choices([span for span, _ in spans], [w for _, w in spans])[0]
        delay = timedelta(minutes=rng.uniform(lo, hi))
        when = captured + delay
        planned = touches_of[lead.id]
        if any(t.done_at is not None for t in planned):
            continue  # its outcome came in an earlier `demo` run on this folder
        touches = [t for t in planned if t.state in OPEN_STATES or t.state is TouchState.SENT]
        if when >= now or not touches:
            continue
        # Faster answers convert better (DOMAIN.md): the meeting odds fall with the delay.
        speed_bonus = 1.4 if delay <= timedelta(hours=1) else 0.8
        meeting = rng.random() < _MEETING[lead.rating] * speed_bonus
        answered = meeting or rng.random() < 0.45
        outcome = (
            Outcome.MEETING_BOOKED
            if meeting
            else Outcome.REPLIED
            if answered
            else Outcome.VOICEMAIL
        )
        outcomes.append(OutcomeRequest(touches[0].id, outcome, when))
        if not meeting:
            continue
        deal = _deal(rng, lead.id, lead.contact.country, when.date(), now.date())
        if deal is None:
            continue
        deals[lead.id] = (deal,)
        stage = Stage.WON if deal.is_won else Stage.QUOTE_SENT
        if deal.is_closed and not deal.is_won:
            stage = Stage.NOT_INTERESTED
        stages[lead.id] = stage
    ctx.followups.record_outcomes(outcomes)
    ctx.leads.set_stages(stages)  # after the meetings the outcomes moved them to
    ctx.deals.store("demo", deals)
    return len(deals)


def _deal(rng: random.Random, lead_id: str, country: str, met: date, today: date) -> Deal | None:
    if rng.random() < 0.2:
        return None  # a meeting that has not turned into an opportunity yet
    usd = country in {"US", "CA", "United States", "Canada", "USA"} or rng.random() < 0.15
    amount = Decimal(rng.randrange(40, 600) * 100)
    roll = rng.random()
    won, closed = (True, True) if roll < 0.45 else (False, True) if roll < 0.6 else (False, False)
    return Deal(
        crm="demo",
        remote_id=f"demo-{lead_id[-8:]}",
        lead_id=lead_id,
        amount=amount,
        currency="USD" if usd else "EUR",
        stage="closedwon" if won else "closedlost" if closed else "contractsent",
        is_won=won,
        is_closed=closed,
        close_date=max(met, today) if closed else None,
        name="Demo deal",
    )
