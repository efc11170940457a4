"""Frozen dataclasses pickled as their class and field values (issue 23).

A bulk capture's worker process sends 20,000 planned touches and rendered messages back per
chunk of 5,000 leads. A slots dataclass pickles through ``__getstate__``, which lists its
fields again for every object and unpickles through ``__setstate__`` doing the same: a
fifth of the pickling both ways. ``cls(*values)`` builds the same object.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_as_values(cls: type[T]) -> type[T]:
    """Give the dataclass ``cls`` a ``__reduce__`` of ``(cls, field values)``. Every field
    must be a positional ``__init__`` argument (so ``cls(*values)`` rebuilds it)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) < 2 or any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: not rebuilt from its values alone")
    values = operator.attrgetter(*(f.name for f in fields))

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
