"""Lead routing: ordered, editable rules that pick one owner per lead, or the fallback.

Rules are tried in the order the event manager wrote them. A rule that matches the lead hands
it round robin to the next of its reps who is available (not out of office, under their
open-lead limit, awake in the lead's business hours when the rule asks for that). A matching
rule with nobody available falls through to the next rule; the fallback owner takes what no
rule placed. Everything is pure: the round-robin position and open-lead counts live in a
``RoutingState`` the caller persists, and each decision carries the state after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boothapp.core.config.model import BantRole, EventConfig, Rep, RouteRule
from boothapp.core.config.refs import COMPANY_SIZE_QUESTION
from boothapp.core.hygiene.countries import region_of
from boothapp.core.i18n import N_, gettext, list_separator
from boothapp.core.i18n_format import native_digits
from boothapp.core.models import Lead
from boothapp.core.scoring import selected_options

# The part of the lead's day when a rep can reach them.
LEAD_BUSINESS_HOURS = (time(9, 0), time(17, 0))


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    """What routing needs to know about a lead (cleaned by hygiene first)."""

    lead_id: str = ""
    country: str = ""  # ISO alpha-2
    timezone: str = ""  # IANA zone
    company_size: str = ""  # option id of the company size band
    score: int = 0
    interests: tuple[str, ...] = ()


def facts_of(lead: Lead, cfg: EventConfig) -> RoutingFacts:
    """Routing facts of a (cleaned) lead: interests are the answers to the need questions."""
    c = lead.contact
    return lead_facts(lead.id, c.country, c.timezone, lead.answers, lead.score, cfg)


def lead_facts(
    lead_id: str,
    country: str,
    timezone: str,
    answers: Mapping[str, object] | None,
    score: int,
    cfg: EventConfig,
) -> RoutingFacts:
    """``facts_of`` from a lead's stored values, with no ``Lead`` built first: a bulk
    capture routes 50,000 new rows, and building a ``Lead`` of each was most of it (#23)."""
    answers = answers or {}
    size = answers.get(COMPANY_SIZE_QUESTION)
    interests = tuple(
        option
        for question in cfg.questions
        if question.bant is BantRole.NEED
        for option in selected_options(answers.get(question.id))
    )
    return RoutingFacts(
        lead_id=lead_id,
        country=country,
        timezone=timezone,
        company_size=size if isinstance(size, str) else "",
        score=score,
        interests=interests,
    )


@dataclass(frozen=True, slots=True)
class RoutingState:
    last_assigned: Mapping[str, str] = field(default_factory=dict)  # rule id -> rep id
    open_leads: Mapping[str, int] = field(default_factory=dict)  # rep id -> open leads

    def assigned(self, rule_id: str | None, rep_id: str) -> RoutingState:
        last = dict(self.last_assigned)
        if rule_id is not None:
            last[rule_id] = rep_id
        open_leads = dict(self.open_leads)
        open_leads[rep_id] = open_leads.get(rep_id, 0) + 1
        return RoutingState(last, open_leads)


@dataclass(frozen=True, slots=True)
class Joined:
    """Fields said one after another: ``", "`` between the parts of a rule's summary,
    ``"; "`` between reasons (Persian writes them ``"، "`` and ``"؛ "``)."""

    items: tuple[Field, ...]
    separator: str = ", "


@dataclass(frozen=True, slots=True)
class Phrase:
    """A piece of a routing explanation as data: an ``N_``-marked English message and its
    fields (names and rule texts as people wrote them, numbers, dates, nested phrases). The
    stored ``routing_reason`` is its English (``words()``); the CLI says it in the reader's
    language (``words(translated=True)``, issue 21)."""

    message: str
    fields: tuple[tuple[str, Field], ...] = ()

    def words(self, translated: bool = False) -> str:
        text = gettext(self.message) if translated else self.message
        return text.format(**{name: _say(value, translated) for name, value in self.fields})


Field = str | int | float | date | Phrase | Joined


def _say(value: Field, translated: bool) -> str:
    if isinstance(value, Phrase):
        return value.words(translated)
    if isinstance(value, Joined):
        return _separator(value.separator, translated).join(
            _say(item, translated) for item in value.items
        )
    if isinstance(value, str):
        return value
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return native_digits(text) if translated else text


def _separator(separator: str, translated: bool) -> str:
    if not translated:
        return separator
    return list_separator(semicolon=separator == "; ")


def _phrase(message: str, **fields: Field) -> Phrase:
    return Phrase(message, tuple(fields.items()))


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    owner: str  # rep id
    rule_index: int | None  # 0-based index into cfg.routing.rules; None for the fallback
    reason: Phrase  # why, as data: ``explanation`` is its English, stored on the lead
    state: RoutingState  # the state to persist and pass for the next lead

    @property
    def explanation(self) -> str:
        return self.reason.words()


def route(
    facts: RoutingFacts, cfg: EventConfig, state: RoutingState, today: date
) -> RoutingDecision:
    notes: list[Phrase] = []
    for index, rule in enumerate(cfg.routing.rules):
        if not _matches(rule, facts):
            continue
        rep, skipped = _pick(rule, facts, cfg, state, today)
        if rep is None:
            notes.append(
                _phrase(
                    N_("rule {number} matched but {skipped}"),
                    number=index + 1, skipped=Joined(tuple(skipped), "; "),
                )
            )  # fmt: skip
            continue
        why: Field = rule.description or _summary(rule, facts, cfg)
        if skipped:
            reason = _phrase(
                N_("routed to {rep} by rule {number}: {why} (skipped {skipped})"),
                rep=rep.name, number=index + 1, why=why, skipped=Joined(tuple(skipped), "; "),
            )  # fmt: skip
        else:
            reason = _phrase(
                N_("routed to {rep} by rule {number}: {why}"),
                rep=rep.name, number=index + 1, why=why,
            )  # fmt: skip
        return RoutingDecision(rep.id, index, reason, state.assigned(rule.id, rep.id))
    fallback = cfg.routing.rep(cfg.routing.fallback)
    name = fallback.name if fallback else cfg.routing.fallback
    why_fallback: Field = Joined(tuple(notes), "; ") if notes else _phrase(N_("no rule matched"))
    return RoutingDecision(
        cfg.routing.fallback,
        None,
        _phrase(N_("routed to {rep} as fallback: {reason}"), rep=name, reason=why_fallback),
        state.assigned(None, cfg.routing.fallback),
    )


def reroute_all(
    leads: Sequence[RoutingFacts], cfg: EventConfig, state: RoutingState, today: date
) -> tuple[tuple[RoutingDecision, ...], RoutingState]:
    """Route every lead again (after a rule change); ``state`` should count only open leads
    not being re-routed. Returns the decisions and the final state; inputs are untouched."""
    decisions: list[RoutingDecision] = []
    for facts in leads:
        decision = route(facts, cfg, state, today)
        decisions.append(decision)
        state = decision.state
    return tuple(decisions), state


def _matches(rule: RouteRule, facts: RoutingFacts) -> bool:
    m = rule.match
    if m.countries or m.regions:
        # A territory is the union of the countries and regions listed.
        in_country = facts.country.upper() in m.countries
        in_region = bool(m.regions) and region_of(facts.country.upper()) in m.regions
        if not (in_country or in_region):
            return False
    if m.company_sizes and facts.company_size not in m.company_sizes:
        return False
    if m.min_score is not None and facts.score < m.min_score:
        return False
    return not (m.interests and not set(m.interests) & set(facts.interests))


def _pick(
    rule: RouteRule, facts: RoutingFacts, cfg: EventConfig, state: RoutingState, today: date
) -> tuple[Rep | None, list[Phrase]]:
    """The next available rep after the one this rule last chose, and who was skipped why."""
    last = state.last_assigned.get(rule.id)
    start = rule.reps.index(last) + 1 if last in rule.reps else 0
    skipped: list[Phrase] = []
    for offset in range(len(rule.reps)):
        rep = cfg.routing.rep(rule.reps[(start + offset) % len(rule.reps)])
        if rep is None:
            continue
        why_not = unavailable_reason(rep, state, today)
        if why_not is None and rule.min_overlap_hours is not None and facts.timezone:
            hours = overlap_hours(rep, facts.timezone, today)
            if hours < rule.min_overlap_hours:
                why_not = _phrase(N_("works {hours} h of the lead's business day"), hours=hours)
        if why_not is None:
            return rep, skipped
        skipped.append(_phrase(N_("{rep}: {why_not}"), rep=rep.name, why_not=why_not))
    return None, skipped


def unavailable_reason(rep: Rep, state: RoutingState, today: date) -> Phrase | None:
    for span in rep.out_of_office:
        if span.contains(today):
            return _phrase(N_("out of office until {day}"), day=span.end)
    open_leads = state.open_leads.get(rep.id, 0)
    if rep.max_open_leads is not None and open_leads >= rep.max_open_leads:
        return _phrase(
            N_("at capacity ({open}/{limit} open leads)"), open=open_leads, limit=rep.max_open_leads
        )
    return None


def overlap_hours(rep: Rep, lead_timezone: str, today: date) -> float:
    """Hours the rep's working day overlaps the lead's business day, on or around ``today``."""
    try:
        rep_zone, lead_zone = ZoneInfo(rep.timezone), ZoneInfo(lead_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    lead_start = datetime.combine(today, LEAD_BUSINESS_HOURS[0], lead_zone)
    lead_end = datetime.combine(today, LEAD_BUSINESS_HOURS[1], lead_zone)
    best = 0.0
    for shift in (-1, 0, 1):
        day = today + timedelta(days=shift)
        rep_start = datetime.combine(day, rep.work_start, rep_zone)
        rep_end = datetime.combine(day, rep.work_end, rep_zone)
        seconds = (min(lead_end, rep_end) - max(lead_start, rep_start)).total_seconds()
        best = max(best, seconds / 3600)
    return round(best, 2)


def _summary(rule: RouteRule, facts: RoutingFacts, cfg: EventConfig) -> Field:
    m = rule.match
    parts: list[Field] = []
    if m.countries or m.regions:
        region = region_of(facts.country.upper())
        parts.append(facts.country.upper() if facts.country.upper() in m.countries else str(region))
    if m.company_sizes:
        question = cfg.question("company_size")
        labels = {o.id: o.label for o in question.options} if question else {}
        size = labels.get(facts.company_size, facts.company_size)
        parts.append(_phrase(N_("{size} employees"), size=size))
    if m.min_score is not None:
        parts.append(_phrase(N_("score {score} >= {min}"), score=facts.score, min=m.min_score))
    if m.interests:
        interests = Joined(tuple(sorted(set(m.interests) & set(facts.interests))))
        parts.append(_phrase(N_("interested in {interests}"), interests=interests))
    return Joined(tuple(parts)) if parts else f"'{rule.id}'"
