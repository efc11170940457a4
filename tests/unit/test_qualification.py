"""Qualification: BANT decides who goes to sales (SQL) and who is nurtured (MQL)."""

from __future__ import annotations

from boothapp.core.config import default_config, load_config
from boothapp.core.qualification import FunnelCounts, count_funnel, qualify

READY = {
    "budget": "50k_250k",
    "authority": "decision_maker",
    "interests": ["analytics"],
    "timeframe": "under_3m",
}


def test_lead_meeting_all_bant_criteria_goes_to_sales() -> None:
    result = qualify(READY, default_config())
    assert result.qualified
    assert result.met == ("budget", "authority", "need", "timeframe")
    assert result.missing == ()
    assert result.reasons[0] == "budget: Has a budget of 10k or more (50k-250k)"


def test_three_of_four_is_enough_by_default_and_says_what_is_missing() -> None:
    result = qualify({**READY, "budget": "unknown"}, default_config())
    assert result.qualified
    assert result.missing == ("budget",)
    assert result.reasons[0] == (
        "budget: not met - Has a budget of 10k or more (answered: Unknown)"
    )


def test_two_of_four_is_nurtured() -> None:
    answers = {**READY, "budget": "under_10k", "timeframe": "over_12m"}
    result = qualify(answers, default_config())
    assert not result.qualified
    assert result.missing == ("budget", "timeframe")


def test_unanswered_questions_count_as_not_met() -> None:
    result = qualify({}, default_config())
    assert not result.qualified
    assert result.missing == ("budget", "authority", "need", "timeframe")
    assert result.reasons[2] == "need: not met - Named at least one interest (answered: nothing)"
    assert not qualify({"interests": []}, default_config()).qualified


def test_min_met_defaults_to_all_criteria() -> None:
    cfg = load_config(
        """
version: 1
questions:
  - {id: buyer, label: Buyer, kind: yes_no}
  - {id: when, label: When, kind: single,
     options: [{id: now, label: Now}, {id: later, label: Later}]}
qualification:
  criteria:
    - {id: a, question: buyer, options: ["yes"]}
    - {id: t, question: when, options: [now]}
routing: {reps: [{id: desk, name: Desk}], fallback: desk}
""",
        "q.yaml",
    )
    assert qualify({"buyer": True, "when": "now"}, cfg).qualified
    assert not qualify({"buyer": True, "when": "later"}, cfg).qualified


def test_funnel_counts_mql_and_sql() -> None:
    cfg = default_config()
    results = [qualify(READY, cfg), qualify({}, cfg), qualify({**READY, "budget": "unknown"}, cfg)]
    counts = count_funnel(results)
    assert counts == FunnelCounts(total=3, mql=1, sql=2)
    assert round(counts.sql_share, 3) == 0.667
    assert count_funnel([]) == FunnelCounts(0, 0, 0)
