"""Issue 22: the results of a fixed show, every figure worked out by hand (results_cases.py)."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import pytest

from boothapp.core.models import Stage
from boothapp.core.results.funnel import Step, by_rating, by_rep, funnel
from boothapp.core.results.money import money
from boothapp.core.results.report import show_results
from boothapp.core.results.speed import speed_to_lead, wilson
from boothapp.core.results.timing import stage_dwell, timing
from tests.unit.results_cases import COSTS, NOW, SCANS, show


def _counts(f):  # type: ignore[no-untyped-def]
    return [(s.step.value, s.count) for s in f.steps]


def test_funnel_counts_every_lead_up_to_its_deepest_step() -> None:
    f = funnel(show(), SCANS)
    assert _counts(f) == [
        ("scans", 12), ("leads", 10), ("qualified", 8), ("contacted", 7), ("reached", 5),
        ("meeting", 4), ("opportunity", 4), ("won", 2),
    ]  # fmt: skip
    rates = [s.rate for s in f.steps]
    assert rates[0] is None
    assert rates[1:] == pytest.approx([10 / 12, 8 / 10, 7 / 8, 5 / 7, 4 / 5, 4 / 4, 2 / 4])


def test_funnel_by_rating_hot_first_and_by_rep() -> None:
    ratings = by_rating(show())
    assert [f.key for f in ratings] == ["hot", "warm", "cold"]
    assert [[c for _, c in _counts(f)] for f in ratings] == [
        [3, 2, 2, 2, 2, 2, 1],
        [4, 3, 3, 2, 1, 1, 0],
        [3, 3, 2, 1, 1, 1, 1],
    ]
    reps = by_rep(show())
    assert [f.key for f in reps] == ["", "ana", "ben"]
    assert [[c for _, c in _counts(f)] for f in reps] == [
        [1, 1, 0, 0, 0, 0, 0],
        [5, 3, 3, 2, 2, 2, 1],
        [4, 4, 4, 3, 2, 2, 1],
    ]


def test_money_per_currency_costs_and_return() -> None:
    leads = show()
    m = money(leads, funnel(leads, SCANS), COSTS)
    eur, usd = m.totals
    assert (eur.currency, eur.pipeline, eur.won, eur.open, eur.lost) == (
        "EUR", Decimal(15000), Decimal(10000), Decimal(5000), Decimal(0),
    )  # fmt: skip
    assert (usd.currency, usd.pipeline, usd.won, usd.open, usd.lost) == (
        "USD", Decimal(5000), Decimal(3000), Decimal(0), Decimal(2000),
    )  # fmt: skip
    assert (eur.won_deals, eur.open_deals, usd.lost_deals) == (1, 1, 1)
    assert m.earlier_deals == 1  # L10's deal was won before the show: not the show's
    assert m.total_cost == Decimal(17000)  # 10000 + 2000 + 1500 + 10 x 300 + 500
    assert [(c.step.value, c.count, c.cost) for c in m.cost_per] == [
        ("leads", 10, Decimal("1700.00")),
        ("qualified", 8, Decimal("2125.00")),
        ("opportunity", 4, Decimal("4250.00")),
        ("won", 2, Decimal("8500.00")),
    ]
    assert m.revenue_in_cost_currency == Decimal("12700.00")  # 10000 + 3000 x 0.9
    assert m.return_on_cost == Decimal("-0.2529")  # (12700 - 17000) / 17000


def test_no_rate_no_return_and_no_invented_conversion() -> None:
    leads = show()
    m = money(leads, funnel(leads, SCANS), replace(COSTS, rates={}))
    assert m.return_on_cost is None
    assert m.revenue_in_cost_currency is None
    assert m.unconverted == ("USD",)
    assert m.totals_of("USD") is not None and m.totals_of("USD").won == Decimal(3000)  # type: ignore[union-attr]


def test_no_costs_means_no_cost_figures() -> None:
    leads = show()
    m = money(leads, funnel(leads, SCANS), None)
    assert (m.total_cost, m.cost_per, m.return_on_cost) == (None, (), None)
    assert len(m.totals) == 2


def test_wilson_against_hand_values() -> None:
    # z = 1.96: 1 of 2 -> (0.0945, 0.9055); 0 of 3 -> (0, 0.5615);
    # 2 of 2 -> (n / (n + z²) = 0.3424, 1)
    assert wilson(1, 2) == pytest.approx((0.094531, 0.905469), abs=1e-6)
    low, high = wilson(0, 3)  # type: ignore[misc]
    assert (low, high) == pytest.approx((0.0, 0.561497), abs=1e-6)
    assert wilson(2, 2) == pytest.approx((0.342380, 1.0), abs=1e-6)
    assert wilson(0, 0) is None
    # 8 of 20 by the textbook formula
    z = 1.959963984540054
    p, n = 0.4, 20
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson(8, 20) == pytest.approx((c - h, c + h))
    assert wilson(8, 20) == pytest.approx((0.2188, 0.6134), abs=1e-4)


def test_speed_to_lead_buckets_rates_and_intervals() -> None:
    s = speed_to_lead(show())
    rows = [(b.label, b.leads, b.meeting.hits, b.won.hits) for b in s.buckets]
    assert rows == [
        ("<= 5 min", 2, 2, 1),
        ("<= 1 h", 2, 1, 0),
        ("<= 24 h", 1, 0, 0),
        ("<= 48 h", 1, 0, 0),
        ("later", 1, 1, 1),
        ("never", 3, 0, 0),
    ]
    fast = s.buckets[0]
    assert (fast.meeting.low, fast.meeting.high) == pytest.approx((0.342380, 1.0), abs=1e-6)
    assert (fast.won.low, fast.won.high) == pytest.approx((0.094531, 0.905469), abs=1e-6)
    never = s.buckets[-1]
    assert never.meeting.value == 0
    assert never.meeting.high == pytest.approx(0.561497, abs=1e-6)
    assert s.summary == (
        "Leads first contacted within 5 min got a meeting 100% of the time (2 of 2), against "
        "100% (1 of 1) for those contacted later. Their 95 % intervals overlap, so this show "
        "alone cannot tell the difference from chance. 6 buckets (<= 5 min, <= 1 h, <= 24 h, "
        "<= 48 h, later, never) hold fewer than 30 leads: one or two leads more or less would "
        "move their rates a lot. These are associations, not causes: the leads answered first "
        "are often the hottest, so speed and interest are mixed up here."
    )


def test_speed_summary_without_any_contact() -> None:
    leads = [replace(x, first_contact_at=None, first_contact_local=None) for x in show()]
    s = speed_to_lead(leads)
    assert [b.leads for b in s.buckets] == [0, 0, 0, 0, 0, 10]
    assert s.summary.startswith("No lead has a recorded first contact yet")


def test_first_touch_weekday_and_hour() -> None:
    t = timing(show())
    assert [(d.label, d.touched, d.answered) for d in t.by_weekday] == [
        ("Mon", 0, 0), ("Tue", 5, 4), ("Wed", 1, 0), ("Thu", 0, 0), ("Fri", 1, 1),
        ("Sat", 0, 0), ("Sun", 0, 0),
    ]  # fmt: skip
    assert [(h.label, h.touched, h.answered) for h in t.by_hour] == [
        ("10:00", 5, 5), ("12:00", 1, 0), ("16:00", 1, 0),
    ]  # fmt: skip
    assert t.by_weekday[1].rate == pytest.approx(0.8)


def test_where_leads_sit_and_for_how_long() -> None:
    dwell = {d.stage: (d.leads, d.median_days, d.longest_days) for d in stage_dwell(show(), NOW)}
    assert dwell[Stage.TO_CONTACT] == (3, 31.0, 31.0)
    assert dwell[Stage.IN_CONTACT] == (3, 30.0, 30.0)
    assert dwell[Stage.QUOTE_SENT] == (2, 10.0, 10.0)
    assert dwell[Stage.WON] == (2, 15.0, 21.0)  # 9 and 21 days
    assert dwell[Stage.FOLLOW_UP] == (0, None, None)


def test_a_deal_won_before_the_capture_is_not_a_win_but_crm_won_stage_is() -> None:
    leads = show()
    assert not leads[9].won  # L10: only a deal won in January
    no_deal_won = replace(leads[8], stage=Stage.WON)
    assert no_deal_won.won  # the CRM marked it converted and holds no deal
    r = show_results("e", "Expo", leads, SCANS, COSTS, NOW)
    assert r.funnel.count(Step.WON) == 2
