"""Hybrid logical clocks: monotonic, past every stamp received, text sorts like stamps."""

from __future__ import annotations

import pytest

from boothapp.core import hlc
from boothapp.core.hlc import Hlc


def test_a_local_change_follows_the_wall_clock_when_it_moves_on() -> None:
    assert hlc.tick(Hlc(1000, 5, "a"), 2000, "a") == Hlc(2000, 0, "a")


def test_a_clock_set_back_never_goes_backwards() -> None:
    last = Hlc(5000, 2, "a")
    stamps = [last]
    for now in (4000, 4000, 3000, 5000):
        stamps.append(hlc.tick(stamps[-1], now, "a"))
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert stamps[-1] == Hlc(5000, 6, "a")


def test_receiving_a_stamp_from_a_clock_ten_minutes_ahead_moves_past_it() -> None:
    ahead = Hlc(1_000_000 + 600_000, 0, "fast")
    mine = hlc.receive(Hlc(1_000_000, 3, "slow"), ahead, 1_000_100, "slow")
    assert mine > ahead
    # The next edit on the slow laptop, made after it saw the other one, sorts after it.
    assert hlc.tick(mine, 1_000_200, "slow") > ahead


def test_receive_keeps_the_larger_counter_on_equal_walls() -> None:
    assert hlc.receive(Hlc(7, 4, "a"), Hlc(7, 9, "b"), 3, "a") == Hlc(7, 10, "a")
    assert hlc.receive(Hlc(7, 4, "a"), Hlc(6, 9, "b"), 3, "a") == Hlc(7, 5, "a")
    assert hlc.receive(Hlc(7, 4, "a"), Hlc(6, 9, "b"), 8, "a") == Hlc(8, 0, "a")


def test_the_text_form_sorts_like_the_stamps_and_reads_back() -> None:
    stamps = [Hlc(10, 2, "b"), Hlc(9, 999, "z"), Hlc(10, 2, "a"), Hlc(10_000_000, 0, "a")]
    assert sorted(s.encode() for s in stamps) == [s.encode() for s in sorted(stamps)]
    assert [hlc.decode(s.encode()) for s in stamps] == stamps


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    assert hlc.tick(Hlc(5, hlc.MAX_COUNTER, "a"), 5, "a") == Hlc(6, 0, "a")


@pytest.mark.parametrize("text", ["", "12-3-a", "abc", "000000000000001-x-a"])
def test_a_broken_stamp_is_refused(text: str) -> None:
    with pytest.raises(hlc.ClockError):
        hlc.decode(text)


def test_a_stamp_a_day_ahead_is_refused() -> None:
    with pytest.raises(hlc.ClockError, match="minutes ahead"):
        hlc.receive(Hlc(0, 0, "a"), Hlc(hlc.MAX_DRIFT_MS + 10, 0, "b"), 0, "a")
