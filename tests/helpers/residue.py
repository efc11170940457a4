"""Find a person's traces anywhere in a SQLite database (issue 18: "person erase leaves
nothing"): every text value of every column of every table, the search index's shadow tables
and JSON documents included, and byte values too. Read through a plain DB-API connection
(decrypted by ``store.keys.connect_file``) so no ORM mapping can hide a table."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from boothapp.store.keys import connect_file


@dataclass(frozen=True)
class Trace:
    table: str
    column: str
    needle: str
    value: str  # the start of the value it was found in

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds {self.needle!r}: {self.value!r}"


def find_traces(db_file: Path | str, needles: list[str]) -> list[Trace]:
    """Every (table, column) value that contains one of ``needles`` (case-insensitive)."""
    wanted = [n.casefold() for n in needles if n]
    con = connect_file(db_file, read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found: list[Trace] = []
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cur.description]
            for row in cur:
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes):
                        text = value.decode("utf-8", "ignore")
                    elif isinstance(value, str):
                        text = value
                    else:
                        continue
                    if text[:1] in ("{", "[", '"'):
                        # JSON columns escape non-ASCII ("Y\\u0131lmaz"): read them decoded.
                        with contextlib.suppress(ValueError):
                            text = json.dumps(json.loads(text), ensure_ascii=False)
                    folded = text.casefold()
                    for needle in wanted:
                        if needle in folded:
                            found.append(Trace(table, column, needle, text[:120]))
        return found
    finally:
        con.close()


def text_columns(db_file: Path | str) -> int:
    """How many text columns the scan covered (so a test can say it looked at something)."""
    con = connect_file(db_file, read_only=True)
    try:
        n = 0
        for (table,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            for col in con.execute(f'PRAGMA table_info("{table}")'):
                n += (
                    1
                    if (col[2] or "").upper() in ("TEXT", "JSON", "")
                    or "CHAR" in (col[2] or "").upper()
                    else 0
                )
        return n
    finally:
        con.close()
