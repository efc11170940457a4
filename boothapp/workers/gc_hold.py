"""Cyclic garbage collection held off while a big background task runs (issue 23).

A task that reads a 50k-lead event (an export, the report, the dashboard's or the Results
page's figures) allocates hundreds of thousands of objects on a pool thread. Each
allocation can set off a full collection, and a full collection holds the GIL from start to
end, whichever thread runs it: the GUI thread then waited 30-46 ms for it, in the middle of
a paint (bench/ui_tour.py). Such a task frees what it made by reference counting as it goes,
so nothing piles up while collections wait; they start again when the last big task ends.

Held across threads by a count: two big tasks at once keep collections off until both end.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = True


@contextmanager
def collections_held() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
