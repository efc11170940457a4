"""Routing: ordered rules, round robin, availability, time zones and the fallback owner."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from boothapp.core import i18n
from boothapp.core.config import default_config, load_config
from boothapp.core.config.model import (
    DateRange,
    EventConfig,
    Rep,
    RouteMatch,
    RouteRule,
    RoutingConfig,
)
from boothapp.core.models import Contact, Lead
from boothapp.core.routing import RoutingFacts, RoutingState, facts_of, reroute_all, route
from boothapp.core.scoring import LeadAttributes, score_lead

CONFIG = """\
version: 1
questions:
  - id: company_size
    label: Employees
    kind: single
    options:
      - {id: upto_10, label: "1-10"}
      - {id: 11_to_50, label: "11-50"}
      - {id: over_250, label: "> 250"}
  - id: interests
    label: Interests
    kind: multi
    bant: need
    options: [{id: analytics, label: Analytics}, {id: cameras, label: Cameras}]
routing:
  reps:
    - {id: dana, name: Dana, timezone: America/New_York}
    - {id: ayse, name: Ayşe, timezone: Europe/Istanbul}
    - id: bob
      name: Bob
      timezone: Europe/Berlin
      out_of_office: [{from: 2026-12-01, to: 2026-12-05}]
    - {id: carol, name: Carol, timezone: America/New_York}
    - {id: dave, name: Dave, timezone: America/Los_Angeles, max_open_leads: 2}
    - id: kenji
      name: Kenji
      timezone: Asia/Tokyo
      out_of_office: [{from: 2026-12-24, to: 2026-12-26}]
    - {id: desk, name: Desk}
  rules:
    - {id: enterprise, description: Enterprise team, company_sizes: [over_250], min_score: 50,
       reps: [dana]}
    - {id: japan, countries: [JP], reps: [kenji]}
    - {id: emea_smb, regions: [EMEA], company_sizes: [11_to_50], reps: [ayse, bob]}
    - {id: americas, regions: [AMER], min_overlap_hours: 4, reps: [carol, dave]}
    - {id: analytics, interests: [analytics], reps: [ayse]}
  fallback: desk
"""
DAY = date(2026, 11, 24)
START = RoutingState()


def cfg() -> EventConfig:
    return load_config(CONFIG, "routing.yaml")


def emea_smb(lead_id: str = "") -> RoutingFacts:
    return RoutingFacts(lead_id=lead_id, country="TR", company_size="11_to_50")


def test_explanation_names_the_rep_the_rule_and_why() -> None:
    decision = route(emea_smb(), cfg(), START, DAY)
    assert decision.owner == "ayse"
    assert decision.rule_index == 2
    assert decision.explanation == "routed to Ayşe by rule 3: EMEA, 11-50 employees"


def test_rules_apply_in_order_and_descriptions_explain() -> None:
    big = RoutingFacts(country="TR", company_size="over_250", score=70)
    decision = route(big, cfg(), START, DAY)
    assert (decision.owner, decision.explanation) == (
        "dana",
        "routed to Dana by rule 1: Enterprise team",
    )
    # a lower score misses the enterprise rule and no EMEA rule takes > 250 employees
    assert route(replace(big, score=49), cfg(), START, DAY).owner == "desk"
    assert route(RoutingFacts(country="JP", score=99), cfg(), START, DAY).owner == "kenji"
    interested = RoutingFacts(country="XX", interests=("analytics",))
    assert route(interested, cfg(), START, DAY).explanation == (
        "routed to Ayşe by rule 5: interested in analytics"
    )


def test_round_robin_state_is_carried_by_the_caller() -> None:
    owners = []
    state = START
    for _ in range(5):
        decision = route(emea_smb(), cfg(), state, DAY)
        owners.append(decision.owner)
        state = decision.state
    assert owners == ["ayse", "bob", "ayse", "bob", "ayse"]
    assert state.last_assigned == {"emea_smb": "ayse"}
    assert state.open_leads == {"ayse": 3, "bob": 2}
    # the same state gives the same answer: routing is deterministic
    assert route(emea_smb(), cfg(), state, DAY) == route(emea_smb(), cfg(), state, DAY)


def test_out_of_office_rep_gets_nothing_and_is_named() -> None:
    state = route(emea_smb(), cfg(), START, date(2026, 12, 2)).state
    decision = route(emea_smb(), cfg(), state, date(2026, 12, 2))
    assert decision.owner == "ayse"
    assert decision.explanation == (
        "routed to Ayşe by rule 3: EMEA, 11-50 employees "
        "(skipped Bob: out of office until 2026-12-05)"
    )


def test_the_reason_in_the_readers_words_the_stored_one_in_english() -> None:
    """Issue 21: ``leads reroute`` says why in the reader's language and digits; what is stored
    on the lead (``explanation``) stays the English above."""
    state = route(emea_smb(), cfg(), START, date(2026, 12, 2)).state
    decision = route(emea_smb(), cfg(), state, date(2026, 12, 2))
    with i18n.using("fa"):
        assert decision.reason.words(translated=True) == (
            "با قاعدهٔ ۳ به Ayşe سپرده شد: EMEA، 11-50 کارمند "
            "(کنار گذاشته: Bob: تا ۲۰۲۶-۱۲-۰۵ در مرخصی)"
        )
    with i18n.using("tr"):
        fallback = route(RoutingFacts(country="JP"), cfg(), START, date(2026, 12, 25))
        assert fallback.reason.words(translated=True) == (
            "sorumlu Desk, yedek sorumlu olarak: 2. kural uydu ama Kenji: 2026-12-26 tarihine "
            "kadar izinde"
        )
    assert decision.explanation.startswith("routed to Ayşe by rule 3")


def test_rep_at_capacity_gets_nothing() -> None:
    state = RoutingState(last_assigned={"americas": "carol"}, open_leads={"dave": 2})
    decision = route(RoutingFacts(country="US", timezone="America/Chicago"), cfg(), state, DAY)
    assert decision.owner == "carol"
    assert "Dave: at capacity (2/2 open leads)" in decision.explanation


def test_rep_asleep_in_the_leads_hours_is_skipped() -> None:
    # Honolulu 09-17 overlaps New York 09-17 by 3 h and Los Angeles by 6 h (in winter)
    hawaii = RoutingFacts(country="US", timezone="Pacific/Honolulu")
    decision = route(hawaii, cfg(), START, DAY)
    assert decision.owner == "dave"
    assert "Carol: works 3 h of the lead's business day" in decision.explanation


def test_matching_rule_with_nobody_available_falls_through_to_fallback() -> None:
    decision = route(RoutingFacts(country="JP"), cfg(), START, date(2026, 12, 25))
    assert decision.owner == "desk" and decision.rule_index is None
    assert decision.explanation == (
        "routed to Desk as fallback: rule 2 matched but Kenji: out of office until 2026-12-26"
    )
    unknown = route(RoutingFacts(), cfg(), START, DAY)
    assert unknown.explanation == "routed to Desk as fallback: no rule matched"


def test_reroute_after_rule_change_leaves_inputs_alone() -> None:
    leads = [emea_smb(f"lead-{i}") for i in range(4)]
    leads_before = copy.deepcopy(leads)
    state = RoutingState(last_assigned={"emea_smb": "bob"}, open_leads={"ayse": 1})
    state_before = copy.deepcopy(state)
    original = cfg()
    decisions, final = reroute_all(leads, original, state, DAY)
    assert [d.owner for d in decisions] == ["ayse", "bob", "ayse", "bob"]
    assert final.open_leads == {"ayse": 3, "bob": 2}

    rules = list(original.routing.rules)
    rules[2] = replace(rules[2], reps=("bob",))
    changed = original.edited(routing=replace(original.routing, rules=tuple(rules)))
    redone, _ = reroute_all(leads, changed, state, DAY)
    assert {d.owner for d in redone} == {"bob"}
    assert leads == leads_before and state == state_before
    assert original.routing.rules[2].reps == ("ayse", "bob")


def test_rule_changes_never_rewrite_captured_answers() -> None:
    lead = Lead(
        id="l1",
        event_id="e1",
        contact=Contact(first_name="Ayşe", country="TR"),
        answers={"company_size": "11_to_50", "interests": ["analytics"]},
    )
    answers_before = copy.deepcopy(lead.answers)
    before = cfg()
    after = before.edited(routing=replace(before.routing, rules=before.routing.rules[::-1]))
    for config in (before, after, default_config()):
        score_lead(lead.answers, [], LeadAttributes(country="TR"), config)
        route(facts_of(lead, config), config, START, DAY)
    assert lead.answers == answers_before


def test_facts_of_a_lead_come_from_contact_answers_and_score() -> None:
    lead = Lead(
        id="l2",
        event_id="e1",
        contact=Contact(country="TR", timezone="Europe/Istanbul"),
        answers={"company_size": "11_to_50", "interests": ["analytics", "cameras"]},
        score=42,
    )
    assert facts_of(lead, cfg()) == RoutingFacts(
        "l2", "TR", "Europe/Istanbul", "11_to_50", 42, ("analytics", "cameras")
    )
    assert route(facts_of(lead, cfg()), cfg(), START, DAY).owner == "ayse"


# --- properties ----------------------------------------------------------------------------

REP_IDS = ["r0", "r1", "r2", "r3", "r4"]


def single_rule_config(reps: list[Rep]) -> EventConfig:
    base = default_config()
    rule = RouteRule("everyone", tuple(r.id for r in reps))
    desk = Rep("desk", "Desk")
    return replace(base, routing=RoutingConfig((*reps, desk), "desk", (rule,)))


rep_strategy = st.builds(
    lambda i, away, cap: Rep(
        REP_IDS[i],
        f"Rep {i}",
        out_of_office=(DateRange(date(2026, 11, 20), date(2026, 11, 30)),) if away else (),
        max_open_leads=cap,
    ),
    st.integers(0, 4),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 4)),
)


@given(
    reps=st.lists(rep_strategy, min_size=1, max_size=5, unique_by=lambda r: r.id),
    n_leads=st.integers(0, 30),
)
def test_every_lead_gets_one_available_owner_or_the_fallback(reps: list[Rep], n_leads: int) -> None:
    config = single_rule_config(reps)
    leads = [RoutingFacts(lead_id=str(i)) for i in range(n_leads)]
    decisions, final = reroute_all(leads, config, RoutingState(), DAY)
    assert len(decisions) == n_leads
    counts = Counter(d.owner for d in decisions)
    for rep in reps:
        if rep.out_of_office:
            assert counts[rep.id] == 0  # on leave: none
        if rep.max_open_leads is not None:
            assert counts[rep.id] <= rep.max_open_leads  # overloaded: none beyond the limit
    for i, decision in enumerate(decisions):
        assert decision.owner in {r.id for r in reps} | {"desk"}
        if decision.owner == "desk":
            # the fallback only takes a lead when nobody in the rule could
            state = decisions[i - 1].state if i else RoutingState()
            assert all(
                rep.out_of_office
                or (rep.max_open_leads is not None
                    and state.open_leads.get(rep.id, 0) >= rep.max_open_leads)
                for rep in reps
            )  # fmt: skip
    assert sum(final.open_leads.values()) == n_leads


@given(n_reps=st.integers(1, 5), n_leads=st.integers(0, 60))
def test_round_robin_is_even(n_reps: int, n_leads: int) -> None:
    reps = [Rep(REP_IDS[i], f"Rep {i}") for i in range(n_reps)]
    decisions, _ = reroute_all(
        [RoutingFacts(lead_id=str(i)) for i in range(n_leads)],
        single_rule_config(reps),
        RoutingState(),
        DAY,
    )
    counts = Counter(d.owner for d in decisions)
    per_rep = [counts[r.id] for r in reps]
    assert max(per_rep) - min(per_rep) <= 1
    assert counts["desk"] == 0


@given(
    countries=st.lists(
        st.sampled_from(["DE", "TR", "US", "BR", "JP", "AU", "", "ZZ"]), max_size=20
    ),
    sizes=st.lists(
        st.sampled_from(["upto_10", "11_to_50", "over_250", ""]), min_size=20, max_size=20
    ),
    day=st.dates(date(2026, 11, 1), date(2027, 1, 31)),
)
def test_any_lead_gets_exactly_one_known_owner(
    countries: list[str], sizes: list[str], day: date
) -> None:
    config = cfg()
    known = {r.id for r in config.routing.reps}
    leads = [
        RoutingFacts(lead_id=str(i), country=c, company_size=sizes[i], score=i * 5)
        for i, c in enumerate(countries)
    ]
    decisions, _ = reroute_all(leads, config, RoutingState(), day)
    assert len(decisions) == len(leads)
    for decision in decisions:
        assert decision.owner in known
        assert decision.explanation.startswith("routed to ")
        assert (decision.rule_index is None) == (decision.owner == "desk")


def test_match_defaults_match_everyone() -> None:
    assert RouteMatch() == RouteMatch((), (), (), None, ())
