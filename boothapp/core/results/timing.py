"""Timing and stages: which first-touch weekday and hour got answers (for the next show's
plan), and where leads sit now and for how long (DOMAIN.md: find where leads pile up)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from boothapp.core.models import Stage
from boothapp.core.results.inputs import LeadFacts

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class TouchSlot:
    label: str  # "Tue" or "09:00"
    touched: int  # leads whose first touch fell here
    answered: int  # of those, leads that answered (reached, replied, meeting, said no) since

    @property
    def rate(self) -> float | None:
        return self.answered / self.touched if self.touched else None


@dataclass(frozen=True, slots=True)
class Timing:
    by_weekday: tuple[TouchSlot, ...]  # all seven days, Monday first
    by_hour: tuple[TouchSlot, ...]  # hours with at least one first touch, in the lead's zone


@dataclass(frozen=True, slots=True)
class StageDwell:
    stage: Stage
    leads: int
    median_days: float | None
    longest_days: float | None


def timing(leads: Sequence[LeadFacts]) -> Timing:
    days = [[0, 0] for _ in WEEKDAYS]
    hours = [[0, 0] for _ in range(24)]
    for lead in leads:
        local = lead.first_contact_local
        if local is None:
            continue
        for cell in (days[local.weekday()], hours[local.hour]):
            cell[0] += 1
            cell[1] += lead.answered
    return Timing(
        tuple(TouchSlot(WEEKDAYS[i], t, a) for i, (t, a) in enumerate(days)),
        tuple(TouchSlot(f"{h:02d}:00", t, a) for h, (t, a) in enumerate(hours) if t),
    )


def stage_dwell(leads: Sequence[LeadFacts], now: datetime) -> tuple[StageDwell, ...]:
    """Every stage in pipeline order, with how long its leads have been there (days)."""
    out = []
    for stage in Stage:
        ages = [
            max((now - lead.stage_since).total_seconds(), 0.0) / 86400
            for lead in leads
            if lead.stage is stage
        ]
        out.append(
            StageDwell(
                stage,
                len(ages),
                round(median(ages), 1) if ages else None,
                round(max(ages), 1) if ages else None,
            )
        )
    return tuple(out)
