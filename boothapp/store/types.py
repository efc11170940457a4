"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Text, literal
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes.

    SQLite keeps no zone, so naive values read back are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc_from_stored(value)


def utc_from_stored(value: Any) -> datetime | None:
    """A stored moment (SQLite's ISO text, a driver's datetime) as an aware UTC datetime; the
    exports call it straight on the stored text (issue 23)."""
    if value is None:
        return None
    moment: datetime
    if isinstance(value, str):
        try:
            # SQLite's text is naive UTC: read as UTC in one C call (parse then replace took
            # five times as long, 100,000 times at a 50k export; issue 23). Text that names
            # its own offset fails here and is read as it is.
            moment = datetime.fromisoformat(value + "+00:00")
            if moment.tzinfo is UTC:  # the zero offset is UTC itself: no astimezone call
                return moment
        except ValueError:
            moment = datetime.fromisoformat(value)
    else:
        moment = value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class SharedJSON(TypeDecorator[Any]):
    """A JSON column read for a bulk read-only pass (exports, issue 23): each distinct stored
    text is decoded once and its value shared by every row holding it (answers repeat a few
    combinations of option ids), so the values must never be changed. Up to ``memo`` texts
    are remembered. Drivers that decode JSON themselves (psycopg) pass values through."""

    impl = Text
    cache_ok = False  # the memo belongs to this one statement

    def __init__(self, memo: int = 4096) -> None:
        super().__init__()
        self._memo: dict[str, Any] = {}
        self._size = memo

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._memo[value]
        except KeyError:
            decoded = json.loads(value)
            if len(self._memo) < self._size:
                self._memo[value] = decoded
            return decoded


# Random bits for this many ids per ``os.urandom`` call: a system call each was ~1.5 s of a
# 50,000-lead build's 500,000 ids on a virtual machine (issue 23), as for uuid4.
_RANDOM_BATCH = 1024
# An id's text after its time: "7" (version 7) and 12 random bits, the variant (binary 10)
# with 2 random bits, then 60 more: 74 random bits, made as text from the random bytes'
# hexadecimal (an integer put together and formatted per id was 1.2 us, #23).
_spare: list[str] = []
# The variant nibble 10xx from a random hex digit's two low bits.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
# A forked child must not hand out the parent's spare bits again (the same ids twice).
os.register_at_fork(after_in_child=_spare.clear)


def _tails(n: int) -> list[str]:
    """``n`` new random tails, 74 bits each from ``os.urandom`` (10 bytes an id, 76 bits of
    them used)."""
    r = os.urandom(10 * n).hex()
    v = _VARIANT
    return [
        f"7{r[i : i + 3]}-{v[r[i + 3]]}{r[i + 4 : i + 7]}-{r[i + 7 : i + 19]}"
        for i in range(0, 20 * n, 20)
    ]


_head: tuple[int, str] = (-1, "")  # the last millisecond's text, replaced whole


def _time_head() -> str:
    """The id's first 14 characters: the Unix millisecond (48 bits) as UUID text, formatted
    once per millisecond (a burst makes hundreds in one)."""
    global _head
    ms = time.time_ns() // 1_000_000
    last = _head
    if last[0] == ms:
        return last[1]
    h = f"{ms:012x}"
    text = f"{h[:8]}-{h[8:]}-"
    _head = (ms, text)
    return text


def new_id() -> str:
    """A new row id: a UUID in version 7's layout, the creation time's 48-bit Unix
    millisecond first, then 74 random bits (from ``os.urandom``).

    Time first so a later id sorts after an earlier one (ids of one millisecond among
    themselves at random): a build's new rows land at the end of every index on an id (the
    primary keys, ``lead_id``) instead of on a random page each. With uuid4 a 50,000-lead
    build rewrote pages dirtied by earlier chunks in every later one (issue 23).

    Still unguessable: an id is written into unsubscribe links (``{lead_id}``) and CRM
    keys, and 74 random bits per millisecond cannot be guessed from another id. What an id
    tells about its row is when it was made."""
    while True:
        try:
            tail = _spare.pop()  # atomic: two threads never take the same bits
            break
        except IndexError:
            _spare.extend(_tails(_RANDOM_BATCH))
    return _time_head() + tail


def utcnow() -> datetime:
    return datetime.now(UTC)


class AnswerText(ColumnElement[str]):
    """One question's answer in a JSON answers column, as its stored JSON text: ``"budget_10k"``
    with its quotes, ``["a","b"]``, ``12``; None or ``null`` when unanswered. The text as
    stored (SQLite's ``->`` keeps numbers as written: a decoded and re-encoded value could
    lose a float's digits), so ``json.loads`` of it gives what decoding the whole column
    gives for that question (issue 23)."""

    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("question_id", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], question_id: str) -> None:
        self.column, self.question_id = column, question_id
        self.type = Text()


@compiles(AnswerText, "sqlite")
def _answer_text_sqlite(element: AnswerText, compiler: SQLCompiler, **kw: Any) -> str:
    # A quoted path names the key whatever it holds ('$.a.b' would be a nested one); written
    # out, as the question id is part of the statement's cache key.
    path = compiler.process(literal(f'$."{element.question_id}"'), **{**kw, "literal_binds": True})
    return f"({compiler.process(element.column, **kw)} -> {path})"


@compiles(AnswerText)
def _answer_text(element: AnswerText, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL's json -> text; the key written out, as it is part of the statement's cache key.
    key = compiler.process(literal(element.question_id), **{**kw, "literal_binds": True})
    return f"CAST(({compiler.process(element.column, **kw)} -> CAST({key} AS TEXT)) AS TEXT)"
