"""The routing section: reps, their availability, and ordered routing rules."""

from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boothapp.core.config.model import (
    BantRole,
    DateRange,
    Question,
    Rep,
    RouteMatch,
    RouteRule,
    RoutingConfig,
)
from boothapp.core.config.refs import COMPANY_SIZE_QUESTION, check_countries, check_options
from boothapp.core.config.source import Reader, join
from boothapp.core.hygiene.countries import REGIONS
from boothapp.core.i18n import N_

_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def read_routing(r: Reader, value: object, by_id: dict[str, Question]) -> RoutingConfig:
    m = r.mapping(value, "routing", ("reps", "rules", "fallback"), required=("reps", "fallback"))
    if m is None:
        return RoutingConfig((), "")
    reps = tuple(
        rep
        for i, item in enumerate(r.sequence(m.get("reps"), "routing.reps"))
        if (rep := _rep(r, item, f"routing.reps[{i}]")) is not None
    )
    r.unique(((f"routing.reps[{i}].id", x.id) for i, x in enumerate(reps)), N_("rep"))
    rep_ids = [rep.id for rep in reps]
    fallback = r.ident(m.get("fallback"), "routing.fallback") if "fallback" in m else ""
    r.known(fallback, "routing.fallback", rep_ids, N_("rep"))
    rules = tuple(
        rule
        for i, item in enumerate(r.sequence(m.get("rules"), "routing.rules"))
        if (rule := _route_rule(r, item, f"routing.rules[{i}]", rep_ids, by_id)) is not None
    )
    r.unique(((f"routing.rules[{i}].id", x.id) for i, x in enumerate(rules)), N_("rule"))
    return RoutingConfig(reps, fallback, rules)


def _rep(r: Reader, value: object, path: str) -> Rep | None:
    keys = ("id", "name", "timezone", "hours", "out_of_office", "max_open_leads")
    m = r.mapping(value, path, keys, required=("id", "name"))
    if m is None:
        return None
    zone = r.text(m.get("timezone"), join(path, "timezone"), "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        r.problem(join(path, "timezone"), N_("unknown time zone '{zone}' (use e.g. Europe/Berlin)"),
                  zone=zone)  # fmt: skip
    start, end = time(9, 0), time(17, 0)
    if m.get("hours") is not None:
        start, end = _hours(r, m["hours"], join(path, "hours"))
    absences: list[DateRange] = []
    for i, item in enumerate(r.sequence(m.get("out_of_office"), join(path, "out_of_office"))):
        sub = f"{path}.out_of_office[{i}]"
        span = r.mapping(item, sub, ("from", "to"), required=("from", "to"))
        if span is None:
            continue
        first = _date(r, span.get("from"), join(sub, "from"))
        last = _date(r, span.get("to"), join(sub, "to"))
        if first and last:
            if last < first:
                r.problem(join(sub, "to"), N_("ends before it starts ({last} < {first})"),
                          last=last, first=first)  # fmt: skip
            absences.append(DateRange(first, last))
    capacity = None
    if m.get("max_open_leads") is not None:
        capacity = r.integer(m["max_open_leads"], join(path, "max_open_leads"))
        if capacity < 0:
            r.problem(
                join(path, "max_open_leads"), N_("must be 0 or more, got {got}"), got=capacity
            )
    return Rep(
        id=r.ident(m.get("id"), join(path, "id")),
        name=r.text(m.get("name"), join(path, "name")),
        timezone=zone,
        work_start=start,
        work_end=end,
        out_of_office=tuple(absences),
        max_open_leads=capacity,
    )


def _hours(r: Reader, value: object, path: str) -> tuple[time, time]:
    match = _HOURS.match(value) if isinstance(value, str) else None
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return time(h1, m1), time(h2, m2)
    r.problem(path, N_("must be a same-day range like '09:00-17:00', got {got!r}"), got=value)
    return time(9, 0), time(17, 0)


def _date(r: Reader, value: object, path: str) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    r.problem(path, N_("must be a date like 2026-12-24, got {got!r}"), got=value)
    return None


def _route_rule(
    r: Reader, value: object, path: str, rep_ids: list[str], by_id: dict[str, Question]
) -> RouteRule | None:
    keys = ("id", "description", "reps", "countries", "regions", "company_sizes", "min_score",
            "interests", "min_overlap_hours")  # fmt: skip
    m = r.mapping(value, path, keys, required=("id", "reps"))
    if m is None:
        return None
    reps = r.idents(m.get("reps"), join(path, "reps"))
    if not reps and "reps" in m:
        r.problem(join(path, "reps"), N_("a rule needs at least one rep"))
    for i, rep in enumerate(reps):
        r.known(rep, f"{path}.reps[{i}]", rep_ids, N_("rep"))
    countries = r.texts(m.get("countries"), join(path, "countries"))
    check_countries(r, countries, join(path, "countries"))
    regions = r.texts(m.get("regions"), join(path, "regions"))
    for i, region in enumerate(regions):
        r.known(region, f"{path}.regions[{i}]", REGIONS, N_("region"))
    sizes = r.idents(m.get("company_sizes"), join(path, "company_sizes"))
    check_options(r, sizes, join(path, "company_sizes"), by_id.get(COMPANY_SIZE_QUESTION))
    interests = r.idents(m.get("interests"), join(path, "interests"))
    need = [o for q in by_id.values() if q.bant is BantRole.NEED for o in q.option_ids()]
    for i, interest in enumerate(interests):
        if need:
            r.known(interest, f"{path}.interests[{i}]", need, N_("interest"))
    min_score = None
    if m.get("min_score") is not None:
        min_score = r.integer(m["min_score"], join(path, "min_score"))
    overlap = None
    if m.get("min_overlap_hours") is not None:
        overlap = r.number(m["min_overlap_hours"], join(path, "min_overlap_hours"))
        if overlap is not None and not 0 < overlap <= 24:
            r.problem(join(path, "min_overlap_hours"), N_("must be between 0 and 24, got {got}"),
                      got=overlap)  # fmt: skip
    return RouteRule(
        id=r.ident(m.get("id"), join(path, "id")),
        reps=reps,
        match=RouteMatch(countries, regions, sizes, min_score, interests),
        description=r.text(m.get("description"), join(path, "description")),
        min_overlap_hours=overlap,
    )
