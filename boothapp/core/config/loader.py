"""Read and validate an event configuration; every problem names its field and line."""

from __future__ import annotations

from boothapp.core.config.consent import DEFAULT_CONSENT
from boothapp.core.config.costs_section import read_costs
from boothapp.core.config.errors import ConfigError, ConfigProblem, say
from boothapp.core.config.followup_content import check_followup_content
from boothapp.core.config.imap_section import check_imap
from boothapp.core.config.model import (
    BADGE_FIELDS,
    DEFAULT_LEADS_PER_STAFF_PER_DAY,
    MAX_LEADS_PER_STAFF_PER_DAY,
    MAX_RETAIN_DAYS,
    SCHEMA_VERSION,
    AnswerTrigger,
    Attribute,
    AttributeTrigger,
    BadgeFieldMap,
    BantRole,
    BehaviourTrigger,
    EventConfig,
    Option,
    PrivacyConfig,
    QualificationConfig,
    QualificationCriterion,
    Question,
    QuestionKind,
    RatingThresholds,
    Rep,
    RoutingConfig,
    ScoreRule,
    ScoringConfig,
    Targets,
    Trigger,
)
from boothapp.core.config.refs import (
    COMPANY_SIZE_QUESTION,
    check_countries,
    check_options,
    question_ref,
)
from boothapp.core.config.routing_section import read_routing
from boothapp.core.config.source import Reader, join, parse
from boothapp.core.config.translations import (
    LANGUAGE_CODE,
    offered_languages,
    read_translations,
)
from boothapp.core.i18n import N_, Language

# Behaviours the capture and follow-up code records; a typo in a rule is caught on load.
KNOWN_BEHAVIOURS = (
    "contact_form",
    "demo_requested",
    "literature_requested",
    "referred",
    "download",
    "email_open",
    "email_click",
    "pricing_visit",
    "blog_read",
    "trial",
    "unsubscribe",
)
DEFAULT_RATING = RatingThresholds(warm=25, hot=60)
DEFAULT_BADGE_MAP = BadgeFieldMap(
    "^",
    ("badge_id", "first_name", "last_name", "email", "title", "company", "city", "state",
     "zip", "phone"),
)  # fmt: skip
_TOP = (
    "version", "revision", "questions", "scoring", "rating", "qualification", "routing",
    "followups", "crm", "badge_field_map", "consent_text", "kiosk_languages", "costs",
    "targets", "privacy", "language",
)  # fmt: skip
_NO_ROUTING = RoutingConfig((), "")  # placeholder while a missing section is reported


def load_config(text: str, source_name: str = "<config>") -> EventConfig:
    """Parse YAML or JSON text; raise ``ConfigError`` listing every problem found."""
    value, lines = parse(text, source_name)
    reader = Reader(lines)
    config = _read(reader, value)
    if reader.problems or config is None:
        problems = reader.problems or [ConfigProblem("", None, say(N_("empty configuration")))]
        raise ConfigError(source_name, problems)
    return config


def _read(r: Reader, value: object) -> EventConfig | None:
    top = r.mapping(value, "", _TOP, required=("version", "questions", "routing"))
    if top is None:
        return None
    version = r.integer(top.get("version"), "version", SCHEMA_VERSION)
    if isinstance(top.get("version"), int) and version != SCHEMA_VERSION:
        r.problem(
            "version",
            N_("schema version {version} is not supported; this BoothApp reads version {ours}"),
            version=version,
            ours=SCHEMA_VERSION,
        )
    revision = r.integer(top.get("revision", 0), "revision")
    if revision < 0:
        r.problem("revision", N_("must be 0 or more, got {got}"), got=revision)
    offered = offered_languages(top.get("kiosk_languages"))
    questions = _questions(r, top.get("questions"), offered)
    by_id: dict[str, Question] = {}
    for question in questions:  # with duplicate ids, references resolve to the first one
        by_id.setdefault(question.id, question)
    followups = top.get("followups", {})
    crm = top.get("crm", {})
    for key, section in (("followups", followups), ("crm", crm)):
        r.mapping(section, key, _keys_of(section))
    check_imap(r, followups)
    rep_ids = tuple(rep.id for rep in top_reps(top.get("routing")))
    check_followup_content(r, followups, by_id, rep_ids)
    return EventConfig(
        version=version,
        revision=revision,
        questions=questions,
        scoring=_scoring(r, top.get("scoring"), by_id),
        rating=_rating(r, top.get("rating")),
        qualification=_qualification(r, top.get("qualification"), by_id),
        routing=read_routing(r, top["routing"], by_id) if "routing" in top else _NO_ROUTING,
        badge_field_map=_badge_map(r, top.get("badge_field_map")),
        consent_text=r.text(top.get("consent_text"), "consent_text", DEFAULT_CONSENT),
        kiosk_languages=_languages(r, top.get("kiosk_languages", ["en"])),
        followups=dict(followups) if isinstance(followups, dict) else {},
        crm=dict(crm) if isinstance(crm, dict) else {},
        costs=read_costs(r, top.get("costs")),
        targets=_targets(r, top.get("targets")),
        privacy=_privacy(r, top.get("privacy")),
        language=_language(r, top.get("language")),
    )


def top_reps(routing: object) -> list[Rep]:
    """The routing section's reps as written (ids only matter), without re-reporting its
    problems: ``read_routing`` reports them."""
    if not isinstance(routing, dict) or not isinstance(routing.get("reps"), list):
        return []
    return [
        Rep(str(rep["id"]), str(rep.get("name", "")))
        for rep in routing["reps"]
        if isinstance(rep, dict) and isinstance(rep.get("id"), str)
    ]


def _keys_of(value: object) -> list[str]:
    return [str(k) for k in value] if isinstance(value, dict) else []


# --- questions -----------------------------------------------------------------------------


def _questions(r: Reader, value: object, offered: tuple[str, ...]) -> tuple[Question, ...]:
    result: list[Question] = []
    keys = ("id", "label", "translations", "kind", "options", "required", "kiosk", "bant")
    for i, item in enumerate(r.sequence(value, "questions")):
        path = f"questions[{i}]"
        q = r.mapping(item, path, keys, required=("id", "label", "kind"))
        if q is None:
            continue
        kind = r.choice(q.get("kind"), join(path, "kind"), QuestionKind) or QuestionKind.TEXT
        translations = read_translations(
            r, q.get("translations"), join(path, "translations"), offered
        )
        options = _options(r, q.get("options"), join(path, "options"), offered)
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTI) and not options and "kind" in q:
            r.problem(join(path, "options"), N_("a {kind} question needs at least one option"),
                      kind=kind)  # fmt: skip
        if kind not in (QuestionKind.SINGLE, QuestionKind.MULTI) and options:
            r.problem(join(path, "options"), N_("a {kind} question takes no options"), kind=kind)
        bant = q.get("bant")
        result.append(
            Question(
                id=r.ident(q.get("id"), join(path, "id")),
                label=r.text(q.get("label"), join(path, "label")),
                kind=kind,
                options=options,
                required=r.boolean(q.get("required"), join(path, "required")),
                kiosk=r.boolean(q.get("kiosk"), join(path, "kiosk")),
                bant=None if bant is None else r.choice(bant, join(path, "bant"), BantRole),
                translations=translations,
            )
        )
    r.unique(((f"questions[{i}].id", q.id) for i, q in enumerate(result)), N_("question"))
    return tuple(result)


def _options(r: Reader, value: object, path: str, offered: tuple[str, ...]) -> tuple[Option, ...]:
    result: list[Option] = []
    for i, item in enumerate(r.sequence(value, path)):
        sub = f"{path}[{i}]"
        o = r.mapping(item, sub, ("id", "label", "translations"), required=("id", "label"))
        if o is not None:
            label = r.text(o.get("label"), join(sub, "label"))
            translations = read_translations(
                r, o.get("translations"), join(sub, "translations"), offered
            )
            result.append(Option(r.ident(o.get("id"), join(sub, "id")), label, translations))
    r.unique(((f"{path}[{i}].id", o.id) for i, o in enumerate(result)), N_("option"))
    return tuple(result)


# --- scoring and rating --------------------------------------------------------------------


def _scoring(r: Reader, value: object, by_id: dict[str, Question]) -> ScoringConfig:
    if value is None:
        return ScoringConfig()
    s = r.mapping(value, "scoring", ("rules", "max_total", "min_total"))
    if s is None:
        return ScoringConfig()
    rules = tuple(
        rule
        for i, item in enumerate(r.sequence(s.get("rules"), "scoring.rules"))
        if (rule := _score_rule(r, item, f"scoring.rules[{i}]", by_id)) is not None
    )
    r.unique(((f"scoring.rules[{i}].id", x.id) for i, x in enumerate(rules)), N_("rule"))
    cap = None if s.get("max_total") is None else r.integer(s["max_total"], "scoring.max_total")
    floor = None if s.get("min_total") is None else r.integer(s["min_total"], "scoring.min_total")
    if cap is not None and floor is not None and floor > cap:
        r.problem("scoring.min_total", N_("must not be above max_total ({low} > {high})"),
                  low=floor, high=cap)  # fmt: skip
    return ScoringConfig(rules, cap, floor)


def _score_rule(
    r: Reader, value: object, path: str, by_id: dict[str, Question]
) -> ScoreRule | None:
    keys = ("id", "description", "points", "cap", "question", "options", "min", "max",
            "behaviour", "each", "attribute", "values")  # fmt: skip
    m = r.mapping(value, path, keys, required=("id", "points"))
    if m is None:
        return None
    triggers = [k for k in ("question", "behaviour", "attribute") if k in m]
    if len(triggers) != 1:
        r.problem(path, N_("needs exactly one of 'question', 'behaviour' or 'attribute'"))
        return None
    kind = triggers[0]
    allowed = {"question": {"options", "min", "max"}, "behaviour": {"each"},
               "attribute": {"values"}}  # fmt: skip
    for key in ("options", "min", "max", "each", "values"):
        if key in m and key not in allowed[kind]:
            r.problem(join(path, key), N_("'{key}' does not apply to a {kind} rule"), key=key,
                      kind=kind)  # fmt: skip
    trigger: Trigger
    if kind == "question":
        question_id = question_ref(r, m["question"], join(path, "question"), by_id)
        options = r.idents(m.get("options"), join(path, "options"))
        check_options(r, options, join(path, "options"), by_id.get(question_id))
        low = None if m.get("min") is None else r.number(m["min"], join(path, "min"))
        high = None if m.get("max") is None else r.number(m["max"], join(path, "max"))
        question = by_id.get(question_id)
        bounded = low is not None or high is not None
        if bounded and question is not None and question.kind is not QuestionKind.NUMBER:
            r.problem(
                join(path, "min" if low is not None else "max"),
                N_("min/max apply to number questions; '{question}' is {kind}"),
                question=question_id,
                kind=question.kind,
            )
        if low is not None and high is not None and low > high:
            r.problem(join(path, "max"), N_("must not be below min ({high} < {low})"), high=high,
                      low=low)  # fmt: skip
        trigger = AnswerTrigger(question_id, options, low, high)
    elif kind == "behaviour":
        behaviour = r.ident(m["behaviour"], join(path, "behaviour"))
        r.known(behaviour, join(path, "behaviour"), KNOWN_BEHAVIOURS, N_("behaviour"))
        trigger = BehaviourTrigger(behaviour, r.boolean(m.get("each"), join(path, "each"), True))
    else:
        attribute = r.choice(m["attribute"], join(path, "attribute"), Attribute)
        values = r.texts(m.get("values"), join(path, "values"))
        if not values:
            r.problem(join(path, "values"), N_("an attribute rule needs at least one value"))
        if attribute is Attribute.COUNTRY:
            check_countries(r, values, join(path, "values"))
        elif attribute is Attribute.COMPANY_SIZE:
            check_options(r, values, join(path, "values"), by_id.get(COMPANY_SIZE_QUESTION))
        trigger = AttributeTrigger(attribute or Attribute.TITLE, values)
    cap = None if m.get("cap") is None else r.integer(m["cap"], join(path, "cap"))
    if cap is not None and cap <= 0:
        r.problem(join(path, "cap"), N_("must be a positive number of points, got {got}"), got=cap)
    return ScoreRule(
        id=r.ident(m.get("id"), join(path, "id")),
        points=r.integer(m.get("points"), join(path, "points")),
        trigger=trigger,
        description=r.text(m.get("description"), join(path, "description")),
        cap=cap,
    )


def _rating(r: Reader, value: object) -> RatingThresholds:
    if value is None:
        return DEFAULT_RATING
    m = r.mapping(value, "rating", ("warm", "hot"), required=("warm", "hot"))
    if m is None:
        return DEFAULT_RATING
    warm = r.integer(m.get("warm"), "rating.warm", DEFAULT_RATING.warm)
    hot = r.integer(m.get("hot"), "rating.hot", DEFAULT_RATING.hot)
    valid = all(isinstance(m.get(k), int) and not isinstance(m.get(k), bool) for k in m)
    if "warm" in m and "hot" in m and valid and warm >= hot:
        r.problem("rating.hot", N_("must be above the warm threshold ({hot} <= {warm})"), hot=hot,
                  warm=warm)  # fmt: skip
    return RatingThresholds(warm, hot)


def _targets(r: Reader, value: object) -> Targets:
    if value is None:
        return Targets()
    m = r.mapping(value, "targets", ("leads_per_staff_per_day",))
    if m is None:
        return Targets()
    per_day = r.integer(
        m.get("leads_per_staff_per_day", DEFAULT_LEADS_PER_STAFF_PER_DAY),
        "targets.leads_per_staff_per_day",
        DEFAULT_LEADS_PER_STAFF_PER_DAY,
    )
    if not 1 <= per_day <= MAX_LEADS_PER_STAFF_PER_DAY:
        r.problem(
            "targets.leads_per_staff_per_day",
            N_("must be between 1 and {most}, got {got}"),
            most=MAX_LEADS_PER_STAFF_PER_DAY,
            got=per_day,
        )
        return Targets()
    return Targets(per_day)


def _privacy(r: Reader, value: object) -> PrivacyConfig:
    if value is None:
        return PrivacyConfig()
    m = r.mapping(value, "privacy", ("retain_days",))
    if m is None or m.get("retain_days") is None:
        return PrivacyConfig()
    days = r.integer(m.get("retain_days"), "privacy.retain_days", -1)
    if days == -1 and m.get("retain_days") != -1:
        return PrivacyConfig()  # not an integer: reported already
    if not 1 <= days <= MAX_RETAIN_DAYS:
        r.problem("privacy.retain_days", N_("must be between 1 and {most}, got {got}"),
                  most=MAX_RETAIN_DAYS, got=days)  # fmt: skip
        return PrivacyConfig()
    return PrivacyConfig(days)


# --- qualification -------------------------------------------------------------------------


def _qualification(r: Reader, value: object, by_id: dict[str, Question]) -> QualificationConfig:
    if value is None:
        return QualificationConfig()
    m = r.mapping(value, "qualification", ("criteria", "min_met"))
    if m is None:
        return QualificationConfig()
    criteria: list[QualificationCriterion] = []
    for i, item in enumerate(r.sequence(m.get("criteria"), "qualification.criteria")):
        path = f"qualification.criteria[{i}]"
        c = r.mapping(item, path, ("id", "question", "options", "description"),
                      required=("id", "question"))  # fmt: skip
        if c is None:
            continue
        question_id = question_ref(r, c.get("question"), join(path, "question"), by_id)
        options = r.idents(c.get("options"), join(path, "options"))
        check_options(r, options, join(path, "options"), by_id.get(question_id))
        criteria.append(
            QualificationCriterion(
                id=r.ident(c.get("id"), join(path, "id")),
                question=question_id,
                options=options,
                description=r.text(c.get("description"), join(path, "description")),
            )
        )
    r.unique(
        ((f"qualification.criteria[{i}].id", c.id) for i, c in enumerate(criteria)),
        N_("criterion"),
    )
    min_met = None
    if m.get("min_met") is not None:
        min_met = r.integer(m["min_met"], "qualification.min_met")
        if not 1 <= min_met <= max(len(criteria), 1):
            r.problem(
                "qualification.min_met",
                N_("must be between 1 and the number of criteria ({count}), got {got}"),
                count=len(criteria),
                got=min_met,
            )
    return QualificationConfig(tuple(criteria), min_met)


# --- badges and languages ------------------------------------------------------------------


def _badge_map(r: Reader, value: object) -> BadgeFieldMap:
    if value is None:
        return DEFAULT_BADGE_MAP
    m = r.mapping(value, "badge_field_map", ("delimiter", "fields"),
                  required=("delimiter", "fields"))  # fmt: skip
    if m is None:
        return DEFAULT_BADGE_MAP
    delimiter = r.text(m.get("delimiter"), "badge_field_map.delimiter")
    if not delimiter or delimiter.isalnum():
        r.problem("badge_field_map.delimiter", N_("must be a separator such as '^' or '|', "
                  "got {got!r}"), got=delimiter)  # fmt: skip
    fields = r.idents(m.get("fields"), "badge_field_map.fields")
    for i, name in enumerate(fields):
        r.known(name, f"badge_field_map.fields[{i}]", BADGE_FIELDS, N_("badge field"))
    if fields.count("badge_id") > 1:
        r.problem("badge_field_map.fields", N_("'badge_id' may appear only once"))
    return BadgeFieldMap(delimiter, fields)


def _language(r: Reader, value: object) -> Language:
    """The event's language for reports and letters; ``en`` when not given."""
    if value is None:
        return Language.EN
    return r.choice(value, "language", Language) or Language.EN


def _languages(r: Reader, value: object) -> tuple[str, ...]:
    languages = r.texts(value, "kiosk_languages")
    for i, language in enumerate(languages):
        if not LANGUAGE_CODE.match(language):
            r.problem(f"kiosk_languages[{i}]", N_("must be a language code like 'en' or "
                      "'pt-BR', got {got!r}"), got=language)  # fmt: skip
    if not languages:
        r.problem("kiosk_languages", N_("needs at least one language"))
    return languages
