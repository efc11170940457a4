"""``MadeInOrder`` (issue 23): a big demo's visitors made as the build asks for them, the same
visitors whatever is asked first."""

from __future__ import annotations

import random

import pytest

from boothapp.demo.made_in_order import MadeInOrder


def _draws(count: int) -> tuple[MadeInOrder[float], list[int]]:
    rng = random.Random(7)
    asked: list[int] = []

    def make(i: int) -> float:
        asked.append(i)
        return rng.random()

    return MadeInOrder(count, make), asked


def test_items_are_made_once_in_index_order_whatever_is_asked_first() -> None:
    lazy, asked = _draws(10)
    stream = random.Random(7)
    expected = [stream.random() for _ in range(10)]
    assert len(lazy) == 10 and asked == []  # nothing made before it is asked for
    assert lazy[3:5] == expected[3:5]
    assert asked == [0, 1, 2, 3, 4]
    assert lazy[-1] == expected[9] and lazy[0] == expected[0]
    assert list(lazy) == expected == list(lazy[:])
    assert asked == list(range(10))  # each made once
    with pytest.raises(IndexError):
        lazy[10]
    assert lazy[8:20] == expected[8:]
