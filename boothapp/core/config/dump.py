"""Write an ``EventConfig`` back as YAML or JSON that ``load_config`` reads to an equal value."""

from __future__ import annotations

import json
from typing import Literal

import yaml

from boothapp.core.config.costs_section import costs_tree
from boothapp.core.config.model import (
    AnswerTrigger,
    BehaviourTrigger,
    EventConfig,
    Option,
    Question,
    QuestionKind,
    Rep,
    RouteRule,
    ScoreRule,
)


def dump_config(cfg: EventConfig, fmt: Literal["yaml", "json"] = "yaml") -> str:
    tree = to_tree(cfg)
    if fmt == "json":
        return json.dumps(tree, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100)


def to_tree(cfg: EventConfig) -> dict[str, object]:
    """Plain values; optional fields left at their defaults are omitted to keep files short."""
    tree: dict[str, object] = {"version": cfg.version, "revision": cfg.revision}
    tree["questions"] = [_question(q) for q in cfg.questions]
    scoring: dict[str, object] = {"rules": [_score_rule(rule) for rule in cfg.scoring.rules]}
    _put(scoring, "max_total", cfg.scoring.max_total)
    _put(scoring, "min_total", cfg.scoring.min_total)
    tree["scoring"] = scoring
    tree["rating"] = {"warm": cfg.rating.warm, "hot": cfg.rating.hot}
    qualification: dict[str, object] = {"criteria": []}
    for c in cfg.qualification.criteria:
        item: dict[str, object] = {"id": c.id}
        _put(item, "description", c.description)
        item["question"] = c.question
        _put(item, "options", list(c.options))
        qualification["criteria"].append(item)  # type: ignore[attr-defined]
    _put(qualification, "min_met", cfg.qualification.min_met)
    tree["qualification"] = qualification
    tree["routing"] = {
        "reps": [_rep(rep) for rep in cfg.routing.reps],
        "rules": [_route_rule(rule) for rule in cfg.routing.rules],
        "fallback": cfg.routing.fallback,
    }
    tree["badge_field_map"] = {
        "delimiter": cfg.badge_field_map.delimiter,
        "fields": list(cfg.badge_field_map.fields),
    }
    tree["consent_text"] = cfg.consent_text
    tree["kiosk_languages"] = list(cfg.kiosk_languages)
    tree["language"] = cfg.language.value
    tree["followups"] = dict(cfg.followups)
    tree["crm"] = dict(cfg.crm)
    if cfg.costs is not None:
        tree["costs"] = costs_tree(cfg.costs)
    tree["targets"] = {"leads_per_staff_per_day": cfg.targets.leads_per_staff_per_day}
    if cfg.privacy.retain_days is not None:
        tree["privacy"] = {"retain_days": cfg.privacy.retain_days}
    return tree


def _put(tree: dict[str, object], key: str, value: object) -> None:
    if value is not None and value != "" and value != [] and value != {}:
        tree[key] = value


def _question(q: Question) -> dict[str, object]:
    item: dict[str, object] = {"id": q.id, "label": q.label}
    _put(item, "translations", dict(q.translations))
    item["kind"] = q.kind.value
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        item["options"] = [_option(o) for o in q.options]
    if q.required:
        item["required"] = True
    if q.kiosk:
        item["kiosk"] = True
    _put(item, "bant", q.bant.value if q.bant else None)
    return item


def _option(o: Option) -> dict[str, object]:
    item: dict[str, object] = {"id": o.id, "label": o.label}
    _put(item, "translations", dict(o.translations))
    return item


def _score_rule(rule: ScoreRule) -> dict[str, object]:
    item: dict[str, object] = {"id": rule.id}
    _put(item, "description", rule.description)
    trigger = rule.trigger
    if isinstance(trigger, AnswerTrigger):
        item["question"] = trigger.question
        _put(item, "options", list(trigger.options))
        _put(item, "min", trigger.minimum)
        _put(item, "max", trigger.maximum)
    elif isinstance(trigger, BehaviourTrigger):
        item["behaviour"] = trigger.behaviour
        if not trigger.each:
            item["each"] = False
    else:
        item["attribute"] = trigger.attribute.value
        item["values"] = list(trigger.values)
    item["points"] = rule.points
    _put(item, "cap", rule.cap)
    return item


def _rep(rep: Rep) -> dict[str, object]:
    item: dict[str, object] = {"id": rep.id, "name": rep.name, "timezone": rep.timezone}
    item["hours"] = f"{rep.work_start:%H:%M}-{rep.work_end:%H:%M}"
    _put(
        item,
        "out_of_office",
        [
            {"from": span.start.isoformat(), "to": span.end.isoformat()}
            for span in rep.out_of_office
        ],
    )
    _put(item, "max_open_leads", rep.max_open_leads)
    return item


def _route_rule(rule: RouteRule) -> dict[str, object]:
    item: dict[str, object] = {"id": rule.id}
    _put(item, "description", rule.description)
    match = rule.match
    _put(item, "countries", list(match.countries))
    _put(item, "regions", list(match.regions))
    _put(item, "company_sizes", list(match.company_sizes))
    _put(item, "min_score", match.min_score)
    _put(item, "interests", list(match.interests))
    _put(item, "min_overlap_hours", rule.min_overlap_hours)
    item["reps"] = list(rule.reps)
    return item
