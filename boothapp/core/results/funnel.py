"""The funnel: scans -> leads -> qualified -> contacted -> reached -> meeting -> opportunity ->
won, overall, by rep and by rating (did "hot" predict won?).

A lead counts at every step up to the deepest one it reached: a won lead nobody ticked
"qualified" still counts as qualified (the deal qualified it), so each step is a subset of the
one before and the step conversions are true rates. Scans are decode attempts, not people:
kiosk and walk-in leads have no scan, so scans -> leads may exceed 100 %.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from boothapp.core.models import Rating, Stage
from boothapp.core.results.inputs import LeadFacts


class Step(enum.StrEnum):
    SCANS = "scans"
    LEADS = "leads"
    QUALIFIED = "qualified"
    CONTACTED = "contacted"
    REACHED = "reached"
    MEETING = "meeting"
    OPPORTUNITY = "opportunity"
    WON = "won"


STEP_LABELS = {
    Step.SCANS: "Scans",
    Step.LEADS: "Leads",
    Step.QUALIFIED: "Qualified",
    Step.CONTACTED: "Contacted",
    Step.REACHED: "Reached",
    Step.MEETING: "Meeting",
    Step.OPPORTUNITY: "Opportunity",
    Step.WON: "Won",
}
LEAD_STEPS = tuple(Step)[1:]  # the steps a lead moves through
# Stages that mean a meeting happened / an opportunity exists even when no deal was pulled.
MEETING_STAGES = frozenset({Stage.QUOTE_TO_PREPARE, Stage.QUOTE_SENT, Stage.WON})
OPPORTUNITY_STAGES = MEETING_STAGES


@dataclass(frozen=True, slots=True)
class StepCount:
    step: Step
    count: int
    rate: float | None  # of the step before; None for the first step or an empty one before


@dataclass(frozen=True, slots=True)
class Funnel:
    key: str  # "" overall, else the rep id or rating
    steps: tuple[StepCount, ...]

    def count(self, step: Step) -> int:
        return next((s.count for s in self.steps if s.step is step), 0)

    def rate(self, step: Step) -> float | None:
        return next((s.rate for s in self.steps if s.step is step), None)


def depth(lead: LeadFacts) -> Step:
    """The deepest step the lead reached, asked deepest first and no further than needed
    (every lead of a 50k event passes here each time the Results page refreshes)."""
    if lead.won:
        return Step.WON
    if lead.stage in OPPORTUNITY_STAGES or (lead.deals and lead.show_deals()):
        return Step.OPPORTUNITY
    if lead.meeting or lead.stage in MEETING_STAGES:
        return Step.MEETING
    if lead.answered:
        return Step.REACHED
    if lead.first_contact_at is not None:
        return Step.CONTACTED
    return Step.QUALIFIED if lead.qualified else Step.LEADS


def depths_of(leads: Sequence[LeadFacts]) -> dict[str, int]:
    """Lead id -> index (in ``Step``) of its deepest step; worked out once per results."""
    order = {step: i for i, step in enumerate(Step)}
    return {lead.lead_id: order[depth(lead)] for lead in leads}


def funnel(
    leads: Sequence[LeadFacts],
    scans: int | None = None,
    key: str = "",
    depths: Mapping[str, int] | None = None,
) -> Funnel:
    """Counts per step; ``scans`` None leaves the scans step out (per-rep / per-rating)."""
    depths = depths if depths is not None else depths_of(leads)
    at = [0] * len(Step)  # leads whose deepest step is each step
    for lead in leads:
        at[depths[lead.lead_id]] += 1
    reached = [sum(at[i:]) for i in range(len(Step))]  # at that step or deeper
    counts: list[tuple[Step, int]] = [] if scans is None else [(Step.SCANS, scans)]
    counts += [(step, reached[list(Step).index(step)]) for step in LEAD_STEPS]
    steps: list[StepCount] = []
    for i, (step, n) in enumerate(counts):
        before = counts[i - 1][1] if i else 0
        steps.append(StepCount(step, n, n / before if i and before else None))
    return Funnel(key, tuple(steps))


def funnels_by(
    leads: Iterable[LeadFacts],
    key: Callable[[LeadFacts], str],
    order: Sequence[str] = (),
    depths: Mapping[str, int] | None = None,
) -> tuple[Funnel, ...]:
    groups: dict[str, list[LeadFacts]] = {k: [] for k in order}
    for lead in leads:
        groups.setdefault(key(lead), []).append(lead)
    rest = sorted(k for k in groups if k not in order)
    return tuple(funnel(groups[k], key=k, depths=depths) for k in (*order, *rest) if groups[k])


def by_rep(
    leads: Iterable[LeadFacts], depths: Mapping[str, int] | None = None
) -> tuple[Funnel, ...]:
    return funnels_by(leads, lambda lead: lead.owner, depths=depths)


def by_rating(
    leads: Iterable[LeadFacts], depths: Mapping[str, int] | None = None
) -> tuple[Funnel, ...]:
    ratings = [r.value for r in reversed(Rating)]
    return funnels_by(leads, lambda lead: lead.rating.value, ratings, depths)
