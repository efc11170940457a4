"""A sequence whose items are made the first time they are asked for, in index order.

A big demo build's visitors are made this way (issue 23): the lead service slices the chunk
it saves next, so the first chunks are saved while the later visitors are still to be made,
and making them no longer holds up the build's start on one core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class MadeInOrder(Sequence[T]):
    """``count`` items, item ``i`` being ``make(i)``; ``make`` is called once per index, in
    index order (it may draw from one random stream: the items are the same whatever is
    asked first)."""

    def __init__(self, count: int, make: Callable[[int], T]) -> None:
        self._count = count
        self._make = make
        self._made: list[T] = []

    def __len__(self) -> int:
        return self._count

    def _upto(self, stop: int) -> None:
        made, make = self._made, self._make
        while len(made) < stop:
            made.append(make(len(made)))

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            self._upto(max(start, stop) if step > 0 else start + 1)
            return self._made[index]
        i = index + self._count if index < 0 else index
        if not 0 <= i < self._count:
            raise IndexError(index)
        self._upto(i + 1)
        return self._made[i]
