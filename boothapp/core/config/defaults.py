"""The configuration a new event starts with: BANT questions and DOMAIN.md's rules.

``boothapp/assets/event-config.example.yaml`` is the same document with comments for event managers;
a test keeps the two equal.
"""

from __future__ import annotations

from boothapp.core.config.consent import DEFAULT_CONSENT
from boothapp.core.config.loader import DEFAULT_BADGE_MAP, DEFAULT_RATING
from boothapp.core.config.model import (
    SCHEMA_VERSION,
    AnswerTrigger,
    BantRole,
    BehaviourTrigger,
    EventConfig,
    Option,
    QualificationConfig,
    QualificationCriterion,
    Question,
    QuestionKind,
    Rep,
    RoutingConfig,
    ScoreRule,
    ScoringConfig,
)
from boothapp.core.config.rep_names import DEFAULT_REP_ID, DEFAULT_REP_NAME
from boothapp.core.i18n import N_


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(i, label) for i, label in pairs)


# Labels are msgids of the core catalogue: a default label the manager kept reads in the
# reader's language (core.answers), their own wording and translations stay as they wrote.
# Few fields and none required (DOMAIN.md: every mandatory field slows the booth); consent is
# asked by the form itself, not by a question.
DEFAULT_QUESTIONS = (
    Question(
        "budget", N_("Budget"), QuestionKind.SINGLE,
        _options(("under_10k", N_("< 10k")), ("10k_50k", N_("10k-50k")),
                 ("50k_250k", N_("50k-250k")), ("over_250k", N_("> 250k")),
                 ("unknown", N_("Unknown"))),
        bant=BantRole.BUDGET,
    ),
    Question(
        "authority", N_("Role in the purchase"), QuestionKind.SINGLE,
        _options(("decision_maker", N_("Decision maker")), ("influencer", N_("Influencer")),
                 ("user", N_("User")), ("other", N_("Other"))),
        bant=BantRole.AUTHORITY,
    ),
    Question(
        "interests", N_("Interested in"), QuestionKind.MULTI,
        _options(("platform", N_("Platform")), ("analytics", N_("Analytics")),
                 ("integrations", N_("Integrations")), ("services", N_("Services")),
                 ("training", N_("Training"))),
        kiosk=True, bant=BantRole.NEED,
    ),
    Question(
        "timeframe", N_("When do you plan to buy?"), QuestionKind.SINGLE,
        _options(("now", N_("Now")), ("under_3m", N_("< 3 months")),
                 ("3_6m", N_("3-6 months")), ("6_12m", N_("6-12 months")),
                 ("over_12m", N_("> 12 months")), ("none", N_("No plans"))),
        kiosk=True, bant=BantRole.TIMEFRAME,
    ),
    Question(
        "company_size", N_("Company size (employees)"), QuestionKind.SINGLE,
        _options(("upto_10", N_("1-10")), ("11_to_50", N_("11-50")),
                 ("51_to_250", N_("51-250")), ("over_250", N_("> 250"))),
        kiosk=True,
    ),
    Question("literature", N_("Send me literature"), QuestionKind.YES_NO, kiosk=True),
    Question("demo", N_("I would like a demo"), QuestionKind.YES_NO, kiosk=True),
)  # fmt: skip


def _answer(rule_id: str, description: str, question: str, option: str, points: int) -> ScoreRule:
    return ScoreRule(rule_id, points, AnswerTrigger(question, (option,)), description)


def _behaviour(rule_id: str, description: str, behaviour: str, points: int) -> ScoreRule:
    return ScoreRule(rule_id, points, BehaviourTrigger(behaviour), description)


DEFAULT_SCORING = ScoringConfig(
    rules=(
        _answer("budget_over_250k", N_("Budget over 250k"), "budget", "over_250k", 20),
        _answer("budget_50k_250k", N_("Budget 50k-250k"), "budget", "50k_250k", 15),
        _answer("budget_10k_50k", N_("Budget 10k-50k"), "budget", "10k_50k", 5),
        _answer("decision_maker", N_("Decision maker"), "authority", "decision_maker", 15),
        _answer("influencer", N_("Influences the decision"), "authority", "influencer", 5),
        _answer("buying_now", N_("Buying now"), "timeframe", "now", 20),
        _answer("buying_soon", N_("Buying within 3 months"), "timeframe", "under_3m", 15),
        _answer("buying_this_half", N_("Buying in 3-6 months"), "timeframe", "3_6m", 5),
        _answer("large_company", N_("More than 250 employees"), "company_size", "over_250", 10),
        _answer("mid_company", N_("51-250 employees"), "company_size", "51_to_250", 5),
        _answer("wants_demo", N_("Asked for a demo"), "demo", "yes", 10),
        _answer("wants_literature", N_("Asked for literature"), "literature", "yes", 3),
        _behaviour("referred", N_("Referred by someone"), "referred", 10),
        # DOMAIN.md's scoring example, one rule per behaviour, counted per occurrence.
        _behaviour("contact_form", N_("Filled the contact form"), "contact_form", 15),
        _behaviour("email_open", N_("Opened an email"), "email_open", 2),
        _behaviour("email_click", N_("Clicked in an email"), "email_click", 5),
        _behaviour("pricing_visit", N_("Visited the pricing page"), "pricing_visit", 15),
        _behaviour("blog_read", N_("Read a blog post"), "blog_read", 2),
        _behaviour("download", N_("Downloaded content"), "download", 10),
        _behaviour("trial", N_("Started a trial"), "trial", 25),
        _behaviour("unsubscribe", N_("Unsubscribed"), "unsubscribe", -5),
    ),
    max_total=100,
    min_total=0,
)

# BANT: a lead goes to sales when it meets 3 of the 4 criteria; an "unknown" budget at the
# booth should not by itself keep a ready buyer in nurture.
DEFAULT_QUALIFICATION = QualificationConfig(
    criteria=(
        QualificationCriterion("budget", "budget", ("10k_50k", "50k_250k", "over_250k"),
                               "Has a budget of 10k or more"),
        QualificationCriterion("authority", "authority", ("decision_maker", "influencer"),
                               "Decides or influences the purchase"),
        QualificationCriterion("need", "interests", (), "Named at least one interest"),
        QualificationCriterion("timeframe", "timeframe", ("now", "under_3m", "3_6m"),
                               "Buys within 6 months"),
    ),
    min_met=3,
)  # fmt: skip

DEFAULT_ROUTING = RoutingConfig(
    # Named by a core msgid: each reader sees it in their language (core.config.rep_names).
    reps=(Rep(DEFAULT_REP_ID, DEFAULT_REP_NAME),),
    fallback=DEFAULT_REP_ID,
)


def default_config() -> EventConfig:
    return EventConfig(
        version=SCHEMA_VERSION,
        revision=0,
        questions=DEFAULT_QUESTIONS,
        scoring=DEFAULT_SCORING,
        rating=DEFAULT_RATING,
        qualification=DEFAULT_QUALIFICATION,
        routing=DEFAULT_ROUTING,
        badge_field_map=DEFAULT_BADGE_MAP,
        consent_text=DEFAULT_CONSENT,
        kiosk_languages=("en",),
    )
