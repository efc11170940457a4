"""One event's results, put together; what the CLI, the Results page and the PDF show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from boothapp.core.config.costs_section import EventCosts
from boothapp.core.results.funnel import Funnel, by_rating, by_rep, depths_of, funnel
from boothapp.core.results.inputs import LeadFacts
from boothapp.core.results.money import Money, money
from boothapp.core.results.speed import SpeedToLead, speed_to_lead
from boothapp.core.results.timing import StageDwell, Timing, stage_dwell, timing


@dataclass(frozen=True, slots=True)
class ShowResults:
    event_id: str
    event_name: str
    computed_at: datetime
    funnel: Funnel
    by_rep: tuple[Funnel, ...]
    by_rating: tuple[Funnel, ...]
    money: Money
    speed: SpeedToLead
    timing: Timing
    stages: tuple[StageDwell, ...]


def show_results(
    event_id: str,
    event_name: str,
    leads: Sequence[LeadFacts],
    scans: int,
    costs: EventCosts | None,
    now: datetime,
) -> ShowResults:
    depths = depths_of(leads)  # the deepest step of each lead, worked out once
    overall = funnel(leads, scans, depths=depths)
    return ShowResults(
        event_id,
        event_name,
        now,
        overall,
        by_rep(leads, depths),
        by_rating(leads, depths),
        money(leads, overall, costs),
        speed_to_lead(leads, depths),
        timing(leads),
        stage_dwell(leads, now),
    )
