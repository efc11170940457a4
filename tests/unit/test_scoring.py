"""Scoring: DOMAIN.md's worked example, rule kinds, caps and the explanation."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from boothapp.core.config import default_config, load_config
from boothapp.core.config.model import EventConfig
from boothapp.core.models import Contact, Lead, Rating
from boothapp.core.scoring import LeadAttributes, attributes_of, effective_rating, rate, score_lead

# The scoring example of DOMAIN.md, one behaviour rule per marketing event.
DOMAIN_EXAMPLE = """\
version: 1
questions: []
scoring:
  rules:
    - {id: contact_form, description: Filled the contact form, behaviour: contact_form, points: 15}
    - {id: email_open, description: Opened a welcome email, behaviour: email_open, points: 2}
    - {id: email_click, description: Clicked an email, behaviour: email_click, points: 5}
    - {id: pricing_visit, description: Visited pricing, behaviour: pricing_visit, points: 15}
    - {id: blog_read, description: Read a blog post, behaviour: blog_read, points: 2}
    - {id: download, description: Downloaded content, behaviour: download, points: 10}
    - {id: trial, description: Started a trial, behaviour: trial, points: 25}
    - {id: unsubscribe, description: Unsubscribed, behaviour: unsubscribe, points: -5}
routing:
  reps: [{id: desk, name: Desk}]
  fallback: desk
"""
NOBODY = LeadAttributes()

LEAD_A = ["download"] * 3 + ["email_open", "email_click"] * 3 + ["trial"]
LEAD_B = ["pricing_visit", "email_open", "email_open"]


def example() -> EventConfig:
    return load_config(DOMAIN_EXAMPLE, "domain-example.yaml")


def test_domain_example_lead_a_scores_76() -> None:
    # 3 downloads (30) + 3 opens (6) + 3 clicks (15) + trial (25) = 76. DOMAIN.md counts no
    # contact form for either lead: with one (+15) lead A would score 91 and lead B 34.
    result = score_lead({}, LEAD_A, NOBODY, example())
    assert result.total == 76
    assert [(f.rule_id, f.points, f.occurrences) for f in result.fired] == [
        ("email_open", 6, 3),
        ("email_click", 15, 3),
        ("download", 30, 3),
        ("trial", 25, 1),
    ]
    assert result.explain() == (
        "76 = Opened a welcome email ×3 +6, Clicked an email ×3 +15, "
        "Downloaded content ×3 +30, Started a trial +25"
    )
    assert not result.capped


def test_domain_example_lead_b_scores_19() -> None:
    result = score_lead({}, LEAD_B, NOBODY, example())
    assert result.total == 19
    assert result.explain() == "19 = Opened a welcome email ×2 +4, Visited pricing +15"


def test_contact_form_and_unsubscribe_count_as_the_example_says() -> None:
    assert score_lead({}, [*LEAD_A, "contact_form"], NOBODY, example()).total == 91
    result = score_lead({}, [*LEAD_B, "unsubscribe"], NOBODY, example())
    assert result.total == 14
    assert result.fired[-1].points == -5


def test_behaviour_counts_may_come_as_a_mapping() -> None:
    counts = Counter(LEAD_A)
    assert score_lead({}, counts, NOBODY, example()).total == 76
    assert score_lead({}, {"download": 2}, NOBODY, example()).total == 20


def test_default_config_reproduces_the_example_too() -> None:
    cfg = default_config()
    assert score_lead({}, LEAD_A, NOBODY, cfg).total == 76
    assert score_lead({}, LEAD_B, NOBODY, cfg).total == 19


RULES = """\
version: 1
questions:
  - {id: budget, label: Budget, kind: single,
     options: [{id: small, label: Small}, {id: big, label: Big}]}
  - {id: interests, label: Interests, kind: multi,
     options: [{id: cam, label: Cameras}, {id: ai, label: AI}]}
  - {id: demo, label: Demo, kind: yes_no}
  - {id: seats, label: Seats, kind: number}
  - {id: company_size, label: Employees, kind: single,
     options: [{id: small, label: "1-10"}, {id: large, label: "> 250"}]}
scoring:
  rules:
    - {id: big_budget, question: budget, options: [big], points: 20}
    - {id: ai, description: Wants AI, question: interests, options: [ai], points: 7}
    - {id: demo, question: demo, options: ["yes"], points: 10}
    - {id: many_seats, question: seats, min: 50, points: 12}
    - {id: downloads, behaviour: download, points: 10, cap: 30}
    - {id: once, behaviour: pricing_visit, each: false, points: 15}
    - {id: unsub, behaviour: unsubscribe, points: -20, cap: 25}
    - {id: large, attribute: company_size, values: [large], points: 8}
    - {id: dach, attribute: country, values: [DE, AT, CH], points: 4}
    - {id: execs, attribute: title, values: [ceo, cto, vp], points: 6}
  max_total: 60
  min_total: -10
rating: {warm: 20, hot: 45}
routing:
  reps: [{id: desk, name: Desk}]
  fallback: desk
"""


def rules() -> EventConfig:
    return load_config(RULES, "rules.yaml")


def fired_ids(
    answers: dict[str, object], behaviours: list[str], attrs: LeadAttributes
) -> list[str]:
    return [f.rule_id for f in score_lead(answers, behaviours, attrs, rules()).fired]


def test_answer_rules_match_single_multi_yes_no_and_numbers() -> None:
    answers: dict[str, object] = {"budget": "big", "interests": ["cam", "ai"], "demo": True}
    assert fired_ids(answers, [], NOBODY) == ["big_budget", "ai", "demo"]
    assert fired_ids({"budget": "small", "demo": False, "seats": 49}, [], NOBODY) == []
    assert fired_ids({"seats": 50}, [], NOBODY) == ["many_seats"]
    assert fired_ids({"demo": "yes"}, [], NOBODY) == ["demo"]


def test_attribute_rules_use_size_country_and_whole_title_words() -> None:
    attrs = LeadAttributes(company_size="large", country="de", title="VP Sales")
    assert fired_ids({}, [], attrs) == ["large", "dach", "execs"]
    # "Director" contains "cto" but not as a word
    assert fired_ids({}, [], LeadAttributes(title="Director of Ops", country="FR")) == []


def test_attributes_of_a_lead() -> None:
    lead = Lead(
        id="l1",
        event_id="e1",
        contact=Contact(country="AT", title="CTO"),
        answers={"company_size": "large"},
    )
    assert attributes_of(lead) == LeadAttributes("large", "AT", "CTO")
    assert fired_ids({}, [], attributes_of(lead)) == ["large", "dach", "execs"]


def test_rule_cap_and_once_only_behaviours() -> None:
    result = score_lead({}, ["download"] * 5 + ["pricing_visit"] * 3, NOBODY, rules())
    assert [(f.rule_id, f.points, f.occurrences) for f in result.fired] == [
        ("downloads", 30, 5),
        ("once", 15, 1),
    ]
    assert result.total == 45 and result.capped


def test_negative_points_and_total_floor_and_cap() -> None:
    floor = score_lead({}, ["unsubscribe"] * 3, NOBODY, rules())
    assert floor.fired[0].points == -25  # capped in magnitude
    assert floor.total == -10 and floor.capped
    answers: dict[str, object] = {"budget": "big", "demo": True, "seats": 80, "interests": ["ai"]}
    top = score_lead(answers, ["download"] * 3, NOBODY, rules())
    assert sum(f.points for f in top.fired) == 79
    assert top.total == 60 and top.capped


def test_rating_from_thresholds_and_staff_override() -> None:
    cfg = rules()
    assert [rate(s, cfg) for s in (-5, 19, 20, 44, 45, 60)] == [
        Rating.COLD, Rating.COLD, Rating.WARM, Rating.WARM, Rating.HOT, Rating.HOT
    ]  # fmt: skip
    assert effective_rating(Rating.COLD, None) is Rating.COLD
    assert effective_rating(Rating.COLD, Rating.HOT) is Rating.HOT


def test_scoring_never_changes_the_answers_it_reads() -> None:
    answers: dict[str, object] = {"budget": "big", "interests": ["ai"]}
    before = {"budget": "big", "interests": ["ai"]}
    behaviours = ["download", "download"]
    cfg = rules()
    score_lead(answers, behaviours, NOBODY, cfg)
    edited = cfg.edited(rating=cfg.rating)
    score_lead(answers, behaviours, NOBODY, edited)
    assert answers == before and behaviours == ["download", "download"]


BEHAVIOURS = ["download", "pricing_visit", "unsubscribe", "email_open", "trial"]


@given(
    behaviours=st.lists(st.sampled_from(BEHAVIOURS), max_size=40),
    budget=st.sampled_from(["small", "big", None]),
    seats=st.one_of(st.none(), st.integers(0, 500)),
    title=st.sampled_from(["", "CEO", "Engineer", "VP Marketing"]),
)
def test_scores_respect_every_cap(
    behaviours: list[str], budget: str | None, seats: int | None, title: str
) -> None:
    cfg = rules()
    answers: dict[str, object] = {"budget": budget, "seats": seats}
    result = score_lead(answers, behaviours, LeadAttributes(title=title), cfg)
    assert -10 <= result.total <= 60
    caps = {r.id: r.cap for r in cfg.scoring.rules}
    for fired in result.fired:
        cap = caps[fired.rule_id]
        assert cap is None or abs(fired.points) <= cap
    raw = sum(f.points for f in result.fired)
    assert result.total == raw or result.capped
    # the order behaviours were captured in does not matter
    assert score_lead(answers, sorted(behaviours), LeadAttributes(title=title), cfg) == result
