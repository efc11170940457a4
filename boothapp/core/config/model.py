"""The event configuration: one versioned document every device of a booth runs.

Frozen dataclasses only; parsing and validation live in ``loader``, the shipped defaults in
``defaults``. Rules are data so an event manager can change them without a release.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time

from boothapp.core.config.costs_section import EventCosts
from boothapp.core.i18n import Language
from boothapp.core.models import CONTACT_FIELDS

SCHEMA_VERSION = 1


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    TEXT = "text"
    YES_NO = "yes_no"


class BantRole(enum.StrEnum):
    BUDGET = "budget"
    AUTHORITY = "authority"
    NEED = "need"
    TIMEFRAME = "timeframe"


# Yes/no questions have these two option ids implicitly; rules refer to them like any option.
YES_NO_OPTIONS = ("yes", "no")

# The event manager's own wording per kiosk language: (language code, text) pairs in the order
# written. Pairs rather than a dict so questions stay immutable and hashable like the rest.
Translations = tuple[tuple[str, str], ...]


def _translation(translations: Translations, lang: str) -> str | None:
    return next((text for code, text in translations if code == lang), None)


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    translations: Translations = ()

    def label_in(self, lang: str) -> str | None:
        """The manager's wording for ``lang``; None when they wrote none."""
        return _translation(self.translations, lang)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    required: bool = False
    kiosk: bool = False
    bant: BantRole | None = None
    # Only the kiosk speaks the visitor's language; staff screens show ``label``.
    translations: Translations = ()

    def label_in(self, lang: str) -> str | None:
        """The manager's wording for ``lang``; None when they wrote none."""
        return _translation(self.translations, lang)

    def option_ids(self) -> tuple[str, ...]:
        if self.kind is QuestionKind.YES_NO:
            return YES_NO_OPTIONS
        return tuple(o.id for o in self.options)


# --- scoring -------------------------------------------------------------------------------


class Attribute(enum.StrEnum):
    COMPANY_SIZE = "company_size"  # values: option ids of the company size bands
    COUNTRY = "country"  # values: ISO alpha-2 codes
    TITLE = "title"  # values: case-insensitive keywords found in the job title


@dataclass(frozen=True, slots=True)
class AnswerTrigger:
    """Fires when the answer to ``question`` is one of ``options`` (any of them for multi
    choice), or lies in ``[minimum, maximum]`` for numbers, or is given at all when neither
    is set."""

    question: str
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class BehaviourTrigger:
    """Fires for a captured behaviour; ``each`` counts every occurrence, else only once."""

    behaviour: str
    each: bool = True


@dataclass(frozen=True, slots=True)
class AttributeTrigger:
    attribute: Attribute
    values: tuple[str, ...]


Trigger = AnswerTrigger | BehaviourTrigger | AttributeTrigger


@dataclass(frozen=True, slots=True)
class ScoreRule:
    id: str
    points: int
    trigger: Trigger
    description: str = ""
    # Bounds the rule's total contribution in magnitude (e.g. downloads count up to 30).
    cap: int | None = None


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    rules: tuple[ScoreRule, ...] = ()
    max_total: int | None = None
    min_total: int | None = None


@dataclass(frozen=True, slots=True)
class RatingThresholds:
    """score < warm -> cold; warm <= score < hot -> warm; score >= hot -> hot."""

    warm: int
    hot: int


# --- qualification -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualificationCriterion:
    """Met when the answer to ``question`` is one of ``options`` (any answer if empty)."""

    id: str
    question: str
    options: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class QualificationConfig:
    criteria: tuple[QualificationCriterion, ...] = ()
    # How many criteria must be met for a sales-qualified lead; None means all of them.
    min_met: int | None = None


# --- routing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Rep:
    id: str
    name: str
    timezone: str = "UTC"
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    out_of_office: tuple[DateRange, ...] = ()
    max_open_leads: int | None = None


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """Conditions a lead must meet for a rule; empty fields match everything."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    company_sizes: tuple[str, ...] = ()
    min_score: int | None = None
    interests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteRule:
    id: str
    reps: tuple[str, ...]
    match: RouteMatch = RouteMatch()
    description: str = ""
    # Reps whose working day overlaps the lead's business day (09-17 local) by fewer hours
    # are skipped: an Asian lead should not land with a rep who is asleep.
    min_overlap_hours: float | None = None


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    reps: tuple[Rep, ...]
    fallback: str
    rules: tuple[RouteRule, ...] = ()

    def rep(self, rep_id: str) -> Rep | None:
        return next((r for r in self.reps if r.id == rep_id), None)


# --- badges and the whole document ---------------------------------------------------------

BADGE_FIELDS = ("badge_id", *CONTACT_FIELDS, "state", "zip", "skip")


@dataclass(frozen=True, slots=True)
class BadgeFieldMap:
    delimiter: str
    fields: tuple[str, ...]


DEFAULT_LEADS_PER_STAFF_PER_DAY = 25  # a common per-rep daily goal at a busy show
MAX_LEADS_PER_STAFF_PER_DAY = 10_000


@dataclass(frozen=True, slots=True)
class Targets:
    """What the booth aims for; the dashboard measures each person against it (issue 15)."""

    leads_per_staff_per_day: int = DEFAULT_LEADS_PER_STAFF_PER_DAY


MAX_RETAIN_DAYS = 3650  # ten years: beyond that a figure is a typo


@dataclass(frozen=True, slots=True)
class PrivacyConfig:
    """How long leads are kept (issue 18): a lead neither synced to the CRM nor converted
    (won) is erased ``retain_days`` after it was captured; None keeps leads until erased."""

    retain_days: int | None = None


@dataclass(frozen=True, slots=True)
class EventConfig:
    version: int
    revision: int
    questions: tuple[Question, ...]
    scoring: ScoringConfig
    rating: RatingThresholds
    qualification: QualificationConfig
    routing: RoutingConfig
    badge_field_map: BadgeFieldMap
    consent_text: str
    kiosk_languages: tuple[str, ...] = ("en",)
    # Owned by the follow-up and CRM engineers; kept verbatim and validated by them.
    followups: Mapping[str, object] = field(default_factory=dict)
    crm: Mapping[str, object] = field(default_factory=dict)
    costs: EventCosts | None = None  # what the show cost (issue 22); None: not given
    targets: Targets = Targets()
    privacy: PrivacyConfig = PrivacyConfig()
    # The event's language (issue 21): the PDF report, the lead sheet and the letters speak it,
    # whatever language the manager's own screen or CLI uses.
    language: Language = Language.EN

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def kiosk_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kiosk)

    def edited(self, **changes: object) -> EventConfig:
        """A copy with ``changes`` applied and the revision bumped: every edit counts."""
        return replace(self, revision=self.revision + 1, **changes)  # type: ignore[arg-type]
