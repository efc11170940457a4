"""The budget pacer: a push starts only when all of its calls fit in the vendor's window, and
its calls count from when it is sent until a window after its answer (issue 17: no 429 from
a batch that overran the window)."""

from __future__ import annotations

from boothapp.sync.crm.base import Budget
from boothapp.sync.pacing import GUARD_S, BudgetPacer


def pacer(limit: int = 10, window_s: float = 10.0) -> BudgetPacer:
    p = BudgetPacer()
    p.observe(Budget(limit, limit, window_s), 0.0)
    return p


def test_a_push_waits_until_all_of_its_calls_fit_in_the_window():
    p = pacer()
    for t in range(8):  # 8 one-call pushes at 0..7 s, answered at once
        p.settle(t + 0.01, count=1, ticket=p.reserve(float(t), 1))
    assert p.delay(8.0, 2) == 0.0  # 8 + 2 = 10: fits
    # A 3-call push (upsert, list join, ...) must wait until the first of ours leaves: a
    # window after its answer.
    assert abs(p.delay(8.0, 3) - (10.01 + GUARD_S - 8.0)) < 1e-9


def test_calls_count_when_sent_so_pushes_in_flight_add_up():
    p = pacer()
    p.reserve(0.0, 5)
    p.reserve(0.1, 5)  # both still out: the window is full already
    assert p.delay(0.2, 1) > 9.0
    assert p.reserved == 10


def test_a_push_that_made_fewer_calls_gives_them_back_and_its_calls_free_at_the_answer():
    p = pacer()
    t1 = p.reserve(0.0, 4)
    p.settle(1.0, count=2, ticket=t1)  # counted from the send, freed a window after the answer
    assert p.reserved == 0
    assert p.delay(1.0, 8) == 0.0
    assert p.delay(1.0, 9) > 0  # 2 + 9 > 10
    assert abs(p.delay(1.0, 9) - (10.0 + GUARD_S)) < 1e-9


def test_a_daily_allowance_stops_rather_than_waits():
    p = BudgetPacer()
    p.observe(Budget(5, 5, 86400.0), 0.0)
    for t in range(5):
        p.settle(float(t), 1, p.reserve(float(t), 1))
    assert p.delay(5.0, 1) == 0.0
    assert p.exhausted()


def test_a_push_dearer_than_the_allowance_left_is_not_started():
    p = BudgetPacer()
    p.observe(Budget(10, 10, 86400.0), 0.0)
    p.settle(0.0, 7, p.reserve(0.0, 7))
    assert not p.exhausted(3)  # 7 + 3 = 10: the last push still fits
    assert p.exhausted(4)  # it would pass the allowance: the run stops before a 403
