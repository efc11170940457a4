"""Post-show figures computed from leads: what the PDF report (and the UI) shows.

Everything is bucketed in the event's wall-clock time, because "busiest hour" means the hour
on the hall clock, not in UTC.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from boothapp.core.models import Event, Lead, Rating, Staff, Stage
from boothapp.reports.columns import QuestionColumn, event_zone

UNASSIGNED = "(unassigned)"
UNKNOWN_STAFF = "(unknown staff)"
RATING_ORDER = (Rating.HOT, Rating.WARM, Rating.COLD)
PIPELINE = tuple(Stage)
TOP_LEADS = 25


class ReportLead(Protocol):
    """What the report's figures read of a lead: a ``Lead``, or a ``ReportRow`` read as a
    narrow tuple (the export service reads only these columns for a 50k-lead report)."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime | None: ...
    @property
    def staff_id(self) -> str: ...
    @property
    def staff_name(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def rating(self) -> Rating: ...
    @property
    def qualified(self) -> bool: ...
    @property
    def score(self) -> int: ...
    @property
    def answers(self) -> dict[str, Any]: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def please_delete(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A lead as the report's figures need it, and nothing more."""

    id: str
    created_at: datetime | None
    staff_id: str
    owner: str
    rating: Rating
    qualified: bool
    score: int
    stage: Stage
    please_delete: bool
    answers: dict[str, Any] = field(default_factory=dict)
    staff_name: str = ""


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One staff member / routing owner / interest option."""

    label: str
    leads: int
    hot: int
    qualified: int
    average_score: float
    median_response_minutes: float | None = None


@dataclass(frozen=True, slots=True)
class QuestionBreakdown:
    question_id: str
    label: str
    rows: tuple[GroupRow, ...]


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Capture -> first contact, over leads that have a first touch."""

    touched: int
    untouched: int
    median_minutes: float | None
    p90_minutes: float | None
    within_1h: int
    within_24h: int
    within_48h: int


@dataclass(frozen=True, slots=True)
class ReportData:
    event: Event
    generated_at: datetime
    total: int
    qualified: int
    nurture: int
    please_delete: int
    average_score: float
    rating_mix: tuple[Count, ...]
    per_hour: tuple[Count, ...]  # hour of day on the hall clock, "09:00"
    per_day: tuple[Count, ...]  # ISO date in the event zone
    per_staff: tuple[GroupRow, ...]
    per_owner: tuple[GroupRow, ...]
    per_question: tuple[QuestionBreakdown, ...]
    funnel: tuple[Count, ...]  # pipeline stages in order, "not interested" last
    response: ResponseTimes | None
    top_leads: tuple[Lead, ...]
    # Routing owner id -> the rep's name (the config's routing reps): a reader sees "Ayşe
    # Demir", not "booth_manager" (issue 21). An id without a rep stays as it is.
    owner_names: Mapping[str, str] = field(default_factory=dict)

    def owner_name(self, owner: str) -> str:
        return self.owner_names.get(owner, owner)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _response_minutes(lead: ReportLead, first_touch: Mapping[str, datetime]) -> float | None:
    touched = first_touch.get(lead.id)
    if touched is None or lead.created_at is None:
        return None
    return max(0.0, (_as_utc(touched) - _as_utc(lead.created_at)).total_seconds() / 60.0)


def _group_row(label: str, leads: Sequence[ReportLead], responses: Sequence[float]) -> GroupRow:
    return GroupRow(
        label=label,
        leads=len(leads),
        hot=sum(1 for x in leads if x.rating is Rating.HOT),
        qualified=sum(1 for x in leads if x.qualified),
        # fmean's own sum and division, without its counting wrapper (50k leads a group)
        average_score=round(math.fsum(x.score for x in leads) / len(leads), 1) if leads else 0.0,
        median_response_minutes=round(statistics.median(responses), 1) if responses else None,
    )


def _percentile(sorted_values: Sequence[float], share: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(share * (len(sorted_values) - 1))))
    return sorted_values[index]


def _response_times(minutes: Sequence[float], total: int) -> ResponseTimes:
    ordered = sorted(minutes)
    return ResponseTimes(
        touched=len(ordered),
        untouched=total - len(ordered),
        median_minutes=round(statistics.median(ordered), 1) if ordered else None,
        p90_minutes=round(_percentile(ordered, 0.9), 1) if ordered else None,
        within_1h=sum(1 for m in ordered if m <= 60),
        within_24h=sum(1 for m in ordered if m <= 24 * 60),
        within_48h=sum(1 for m in ordered if m <= 48 * 60),
    )


def _top_key(lead: ReportLead) -> tuple[int, int, float]:
    rank = {Rating.HOT: 0, Rating.WARM: 1, Rating.COLD: 2}[lead.rating]
    created = _as_utc(lead.created_at).timestamp() if lead.created_at else 0.0
    return (-lead.score, rank, created)


def _question_breakdowns(
    questions: Sequence[QuestionColumn],
    leads: Sequence[ReportLead],
    responses: Mapping[str, float],
) -> tuple[QuestionBreakdown, ...]:
    """Per option of each question with options: its leads, hot, qualified, average score
    and median response, counted in one pass over the leads (a pass per question and lists
    of leads per option took ~0.9 s of a 50k-lead report; issue 23). Free text and numbers
    make no breakdown; an option picked twice in one answer counts twice."""
    # Per option: [leads, hot, qualified, score sum, response minutes]
    asked: list[tuple[QuestionColumn, dict[str, list[Any]]]] = [
        (q, {oid: [0, 0, 0, 0, []] for oid in q.options}) for q in questions if q.options
    ]
    if not asked:
        return ()
    hot_rating = Rating.HOT
    for lead in leads:
        answers = lead.answers
        if not answers:
            continue
        hot, ok, score = lead.rating is hot_rating, lead.qualified, lead.score
        minutes = responses.get(lead.id)
        for question, acc in asked:
            answer = answers.get(question.id)
            if answer is None:
                continue
            for option in answer if isinstance(answer, list | tuple) else (answer,):
                cell = acc.get(option if option.__class__ is str else str(option))
                if cell is None:  # not an option (free text, a number, "" or None)
                    continue
                cell[0] += 1
                cell[1] += hot
                cell[2] += bool(ok)
                cell[3] += score
                if minutes is not None:
                    cell[4].append(minutes)
    out = []
    for question, acc in asked:
        rows = [
            GroupRow(
                label=question.options[oid],
                leads=n,
                hot=hot_n,
                qualified=ok_n,
                average_score=round(score_sum / n, 1) if n else 0.0,
                median_response_minutes=round(statistics.median(mins), 1) if mins else None,
            )
            for oid, (n, hot_n, ok_n, score_sum, mins) in acc.items()
        ]
        rows.sort(key=lambda r: -r.leads)
        out.append(QuestionBreakdown(question.id, question.label, tuple(rows)))
    return tuple(out)


def build_report_data(
    event: Event,
    leads: Iterable[ReportLead],
    staff: Sequence[Staff] = (),
    first_touch: Mapping[str, datetime] | None = None,
    *,
    questions: Sequence[QuestionColumn] = (),
    now: datetime | None = None,
    top: int = TOP_LEADS,
    top_leads: Sequence[Lead] | None = None,
    owner_names: Mapping[str, str] | None = None,
) -> ReportData:
    """Compute every figure of the post-show report in one pass over ``leads``.

    ``first_touch`` maps lead id -> first contact time (UTC); without it the report has no
    response-time section. ``questions`` with options get a per-option breakdown ("per
    interest"); staff with no leads still appear with zero. ``top_leads``: the best leads
    read apart (when ``leads`` are narrow ``ReportRow``s); else the best of ``leads``.
    """
    zone = event_zone(event)
    all_leads = list(leads)
    touch = first_touch or {}
    responses: dict[str, float] = {}
    for lead in all_leads:
        minutes = _response_minutes(lead, touch)
        if minutes is not None:
            responses[lead.id] = minutes

    hours: Counter[int] = Counter()
    days: Counter[date] = Counter()
    by_staff: dict[str, list[ReportLead]] = defaultdict(list)
    by_owner: dict[str, list[ReportLead]] = defaultdict(list)
    staff_names = {s.id: s.name for s in staff}
    names = dict(owner_names or {})
    for lead in all_leads:
        if lead.created_at is not None:
            local = _as_utc(lead.created_at).astimezone(zone)
            hours[local.hour] += 1
            days[local.date()] += 1
        name = staff_names.get(lead.staff_id) or lead.staff_name or UNKNOWN_STAFF
        by_staff[name].append(lead)
        by_owner[names.get(lead.owner, lead.owner) if lead.owner else UNASSIGNED].append(lead)
    for member in staff:
        if member.active:
            by_staff.setdefault(member.name, [])

    per_hour: tuple[Count, ...] = ()
    if hours:
        first, last = min(hours), max(hours)
        per_hour = tuple(Count(f"{h:02d}:00", hours[h]) for h in range(first, last + 1))
    per_day = tuple(Count(d.isoformat(), days[d]) for d in sorted(days))

    def groups(buckets: Mapping[str, list[ReportLead]]) -> tuple[GroupRow, ...]:
        rows = [
            _group_row(label, items, [responses[x.id] for x in items if x.id in responses])
            for label, items in buckets.items()
        ]
        rows.sort(key=lambda r: (-r.leads, r.label))
        return tuple(rows)

    ratings = Counter(lead.rating for lead in all_leads)
    stages = Counter(lead.stage for lead in all_leads)
    total = len(all_leads)
    qualified = sum(1 for lead in all_leads if lead.qualified)
    return ReportData(
        event=event,
        generated_at=now or datetime.now(UTC),
        total=total,
        qualified=qualified,
        nurture=total - qualified,
        please_delete=sum(1 for lead in all_leads if lead.please_delete),
        average_score=round(statistics.fmean(x.score for x in all_leads), 1) if total else 0.0,
        rating_mix=tuple(Count(r.value, ratings[r]) for r in RATING_ORDER),
        per_hour=per_hour,
        per_day=per_day,
        per_staff=groups(by_staff),
        per_owner=groups(by_owner),
        per_question=_question_breakdowns(questions, all_leads, responses),
        funnel=tuple(Count(s.value, stages[s]) for s in PIPELINE),
        response=_response_times(list(responses.values()), total) if first_touch else None,
        top_leads=tuple(top_leads)
        if top_leads is not None
        else tuple(cast("list[Lead]", sorted(all_leads, key=_top_key)[:top])),
        owner_names=names,
    )
