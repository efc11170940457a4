"""Lead scoring from configurable rules; the score explains itself rule by rule.

Pure functions: rescoring after a rule change returns new results and never touches the
answers or behaviours it was given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from boothapp.core.config.model import (
    AnswerTrigger,
    Attribute,
    AttributeTrigger,
    BehaviourTrigger,
    EventConfig,
    ScoreRule,
)
from boothapp.core.config.refs import COMPANY_SIZE_QUESTION
from boothapp.core.i18n import gettext
from boothapp.core.models import Lead, Rating


@dataclass(frozen=True, slots=True)
class LeadAttributes:
    """Facts about the lead itself rather than its answers."""

    company_size: str = ""  # option id of the company size band
    country: str = ""  # ISO alpha-2
    title: str = ""


def attributes_of(lead: Lead) -> LeadAttributes:
    """The lead's own facts: size band from the company size answer, cleaned country, title."""
    size = lead.answers.get(COMPANY_SIZE_QUESTION)
    return LeadAttributes(
        company_size=size if isinstance(size, str) else "",
        country=lead.contact.country,
        title=lead.contact.title,
    )


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule_id: str
    description: str
    points: int  # what the rule contributed, after its own cap
    occurrences: int = 1


@dataclass(frozen=True, slots=True)
class ScoreResult:
    total: int
    fired: tuple[FiredRule, ...]
    capped: bool  # a rule cap or the total cap/floor changed the sum

    def explain(self) -> str:
        # The lead form's score tip: in the reader's words (issue 21).
        parts = [f"{f.description} {f.points:+d}" for f in self.fired]
        suffix = gettext(" (capped)") if self.capped else ""
        return f"{self.total} = " + (gettext(", ").join(parts) or gettext("no rule fired")) + suffix


def score_lead(
    answers: Mapping[str, object],
    behaviours: Collection[str] | Mapping[str, int],
    attributes: LeadAttributes,
    cfg: EventConfig,
) -> ScoreResult:
    """Score a lead. ``behaviours`` lists each captured event once per occurrence (or maps
    an event name to its count)."""
    counts = _counts(behaviours)
    fired: list[FiredRule] = []
    capped = False
    for rule in cfg.scoring.rules:
        times = _occurrences(rule, answers, counts, attributes)
        if times == 0:
            continue
        points = rule.points * times
        if rule.cap is not None and abs(points) > rule.cap:
            points = rule.cap if points > 0 else -rule.cap
            capped = True
        fired.append(FiredRule(rule.id, _describe(rule, times), points, times))
    total = sum(f.points for f in fired)
    if cfg.scoring.max_total is not None and total > cfg.scoring.max_total:
        total, capped = cfg.scoring.max_total, True
    if cfg.scoring.min_total is not None and total < cfg.scoring.min_total:
        total, capped = cfg.scoring.min_total, True
    return ScoreResult(total, tuple(fired), capped)


def rate(score: int, cfg: EventConfig) -> Rating:
    if score >= cfg.rating.hot:
        return Rating.HOT
    if score >= cfg.rating.warm:
        return Rating.WARM
    return Rating.COLD


def effective_rating(suggested: Rating, override: Rating | None) -> Rating:
    """Staff know the visitor better than the rules: their rating wins when they set one."""
    return override if override is not None else suggested


def _counts(behaviours: Collection[str] | Mapping[str, int]) -> Mapping[str, int]:
    if isinstance(behaviours, Mapping):
        return {name: max(0, int(n)) for name, n in behaviours.items()}
    return Counter(behaviours)


def _describe(rule: ScoreRule, times: int) -> str:
    # A default rule's wording the manager kept reads in the reader's language (the lead
    # sheet's "why this score", issue 21); their own wording stays as they wrote it.
    text = gettext(rule.description) if rule.description else rule.id
    return f"{text} ×{times}" if times > 1 else text


def _occurrences(
    rule: ScoreRule,
    answers: Mapping[str, object],
    counts: Mapping[str, int],
    attributes: LeadAttributes,
) -> int:
    trigger = rule.trigger
    if isinstance(trigger, BehaviourTrigger):
        n = counts.get(trigger.behaviour, 0)
        return n if trigger.each else min(n, 1)
    if isinstance(trigger, AnswerTrigger):
        return int(answer_matches(answers.get(trigger.question), trigger))
    return int(_attribute_matches(trigger, attributes))


def answer_matches(answer: object, trigger: AnswerTrigger) -> bool:
    """Whether an answer as captured satisfies an answer trigger."""
    if answer is None or answer == "" or answer == [] or answer == ():
        return False
    if trigger.minimum is not None or trigger.maximum is not None:
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            return False
        low_ok = trigger.minimum is None or answer >= trigger.minimum
        return low_ok and (trigger.maximum is None or answer <= trigger.maximum)
    if not trigger.options:
        return True
    return bool(set(selected_options(answer)) & set(trigger.options))


def selected_options(answer: object) -> tuple[str, ...]:
    """Option ids of a captured answer: one for single choice, several for multi, yes/no
    for booleans."""
    if isinstance(answer, bool):
        return ("yes",) if answer else ("no",)
    if isinstance(answer, str):
        return (answer,)
    if isinstance(answer, Collection):
        return tuple(str(a) for a in answer)
    return ()


def _attribute_matches(trigger: AttributeTrigger, attributes: LeadAttributes) -> bool:
    if trigger.attribute is Attribute.COMPANY_SIZE:
        return attributes.company_size in trigger.values
    if trigger.attribute is Attribute.COUNTRY:
        return attributes.country.upper() in (v.upper() for v in trigger.values)
    title = attributes.title.casefold()
    return any(
        re.search(rf"\b{re.escape(word.casefold())}\b", title) for word in trigger.values if word
    )
