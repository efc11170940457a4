"""Streaming CSV export of leads.

UTF-8 throughout; ``bom=True`` adds the byte-order mark Excel needs to detect UTF-8 (without
it Excel shows "AyÅŸe" for "Ayşe"). Text cells are neutralised against formula injection
(see :mod:`boothapp.reports.safety`). Booleans are ``yes``/``no``, times are
``YYYY-MM-DD HH:MM:SS`` wall-clock in the event's zone (named in the header), numbers as
Python writes them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from boothapp.core.models import Event, Lead
from boothapp.reports.columns import (
    CellValue,
    Column,
    ColumnChoice,
    ColumnType,
    ExportContext,
    HeaderStyle,
    QuestionColumn,
    event_time,
    event_zone,
    fused_answer_rows,
    header_of,
    read_rows,
    resolve_columns,
    to_event_time,
)
from boothapp.reports.export_io import (
    PROGRESS_EVERY,
    ExportSummary,
    Progress,
    atomic_path,
    total_of,
)
from boothapp.reports.safety import FORMULA_TRIGGERS, neutralise_csv_text

ALLOWED_DELIMITERS = (",", ";", "\t", "|")
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_CSV_MINUTE_FORMAT = "%Y-%m-%d %H:%M:"  # CSV_TIME_FORMAT up to the seconds
_SECONDS = tuple(f"{s:02d}" for s in range(62))  # 60 and 61: leap seconds, as strftime
_MINUTE_MEMO = 20_000


def _csv_time(value: datetime) -> str:
    return value.strftime(CSV_TIME_FORMAT)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# csv_cell by exact type, one dict look-up a cell (50k rows x a dozen cells, issue 23);
# subclasses take the isinstance path below, which gives the same text.
_CELL_OF_TYPE: dict[type, Callable[[Any], str]] = {
    type(None): lambda _v: "",
    bool: _yes_no,
    datetime: _csv_time,
    int: str,
    float: str,
    str: neutralise_csv_text,
}


def csv_cell(value: CellValue) -> str:
    cell = _CELL_OF_TYPE.get(value.__class__)
    if cell is not None:
        return cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME_FORMAT)
    if isinstance(value, int | float):
        return str(value)
    return neutralise_csv_text(value)


def _column_cell(kind: ColumnType) -> Callable[[Any], str]:
    """The CSV text of one column's values, chosen once per column (issue 23): times straight
    to strftime; answers repeat a few option labels, so their text is remembered per label
    (str keys only: never conflates True with 1); the rest through ``csv_cell``."""
    if kind is ColumnType.DATETIME:
        # Leads come minutes apart: the text up to the minute is formatted once per minute
        # and the seconds added (strftime was a fifth of the writer's time at 50k; issue 23).
        minutes: dict[int, str] = {}

        def time_cell(value: Any) -> str:
            if value.__class__ is not datetime:
                return "" if value is None else csv_cell(value)
            key = value.toordinal() * 1440 + value.hour * 60 + value.minute
            head = minutes.get(key)
            if head is None:
                if len(minutes) >= _MINUTE_MEMO:
                    minutes.clear()
                head = minutes[key] = value.strftime(_CSV_MINUTE_FORMAT)
            return head + _SECONDS[value.second]

        return time_cell
    if kind is ColumnType.ANSWER:
        memo: dict[str, str] = {}

        def answer_cell(value: Any) -> str:
            if value.__class__ is not str:
                return csv_cell(value)
            try:
                return memo[value]
            except KeyError:
                text = neutralise_csv_text(value)
                if len(memo) < 512:
                    memo[value] = text
                return text

        return answer_cell
    if kind is ColumnType.BOOL:

        def bool_cell(value: Any) -> str:  # one call a cell, not csv_cell's two
            return "yes" if value is True else "no" if value is False else csv_cell(value)

        return bool_cell
    if kind is ColumnType.NUMBER:

        def number_cell(value: Any) -> str:
            return str(value) if value.__class__ is int else csv_cell(value)

        return number_cell
    return csv_cell


def _moment_cell(zone: ZoneInfo) -> Callable[[Any], str]:
    """The CSV text of a stored moment (aware UTC) as wall-clock time in ``zone``: exactly
    the time column's text of ``to_event_time(value, zone)``. The local minute's text is
    looked up by the UTC minute and the seconds added, so a 50k export converts a few
    thousand minutes to the zone instead of 100,000 moments (issue 23). A minute the zone's
    offset does not keep whole (a change of offset inside it, an offset with seconds) is
    converted moment by moment."""
    plain = _column_cell(ColumnType.DATETIME)
    minutes: dict[int, str | None] = {}
    whole = timedelta(seconds=59)

    def local_minute(value: datetime) -> str | None:
        start = value.replace(second=0, microsecond=0)
        first, last = to_event_time(start, zone), to_event_time(start + whole, zone)
        if first is None or last is None or first.second or last - first != whole:
            return None
        return first.strftime(_CSV_MINUTE_FORMAT)

    def moment_cell(value: Any) -> str:
        if value.__class__ is not datetime or value.tzinfo is not UTC:
            return plain(to_event_time(value, zone))
        key = value.toordinal() * 1440 + value.hour * 60 + value.minute
        try:
            head = minutes[key]
        except KeyError:
            if len(minutes) >= _MINUTE_MEMO:
                minutes.clear()
            head = minutes[key] = local_minute(value)
        if head is None:
            return plain(to_event_time(value, zone))
        return head + _SECONDS[value.second]

    return moment_cell


def _read_moments(cols: Sequence[Column]) -> tuple[list[Column], set[int]]:
    """``cols`` with each time column reading its stored moment itself (``_moment_cell``
    makes its text), and which those are."""
    moments = {i for i, c in enumerate(cols) if c.convert is event_time and c.source}
    read = [
        Column(c.id, c.label, _stored(c.source), ColumnType.DATETIME, attr=c.source)
        if i in moments
        else c
        for i, c in enumerate(cols)
    ]
    return read, moments


def _stored(source: str) -> Callable[[Lead, ExportContext], Any]:
    return lambda lead, _ctx: getattr(lead, source)


# First characters that may need an apostrophe (the formula triggers, or one already there).
_NEEDS_CARE = FORMULA_TRIGGERS | {"'"}
# Put before each text of a row joined for one search: a cell starting with one of
# _NEEDS_CARE shows as this mark followed by it. A text holding the mark itself can only
# send its row down the cell-by-cell path, which decides alone.
_CELL_START = "\x00"
_CARE_AT_START = re.compile(
    re.escape(_CELL_START) + "[" + re.escape("".join(sorted(_NEEDS_CARE))) + "]"
)


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """The values at ``indexes`` of a row, as a sequence (itemgetter of one gives the value)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    if not indexes:
        return lambda _row: ()
    return itemgetter(*indexes)


def export_csv(
    leads: Iterable[Lead],
    event: Event,
    questions: Sequence[QuestionColumn],
    path: Path,
    *,
    columns: ColumnChoice | None = None,
    bom: bool = False,
    delimiter: str = ",",
    progress: Progress | None = None,
    headers: HeaderStyle = HeaderStyle.PEOPLE,
) -> ExportSummary:
    """Write ``leads`` to ``path`` as CSV; the file appears only once complete."""
    if delimiter not in ALLOWED_DELIMITERS:
        raise ValueError(
            f"CSV delimiter {delimiter!r} is not supported; use one of "
            + ", ".join(repr(d) for d in ALLOWED_DELIMITERS)
        )
    cols = resolve_columns(event, questions, columns)
    ctx = ExportContext(event, event_zone(event))
    # Text columns always hold str: only the few that start like a formula need a call.
    text = [i for i, c in enumerate(cols) if c.type is ColumnType.TEXT]
    read, moments = _read_moments(cols)
    # Each question's two cells (labels, codes) as CSV text from one look-up per row.
    fused = fused_answer_rows(leads, read, ctx, _column_cell(ColumnType.ANSWER))
    source, done = fused if fused is not None else (read_rows(leads, read, ctx), set())
    other = [
        (i, _moment_cell(ctx.zone) if i in moments else _column_cell(c.type))
        for i, c in enumerate(cols)
        if c.type is not ColumnType.TEXT and i not in done
    ]
    total = total_of(leads)
    rows = 0
    path = Path(path)
    encoding = "utf-8-sig" if bom else "utf-8"
    with atomic_path(path) as tmp, tmp.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([neutralise_csv_text(header_of(c, headers)) for c in cols])
        batch: list[list[str]] = []
        texts_of = _picker(text)
        for row in source:
            # One search over the row's texts for a cell that starts like a formula, not a
            # test per cell (25 text columns x 50k rows, issue 23); the few rows it finds
            # are looked at cell by cell.
            if text and _CARE_AT_START.search(_CELL_START + _CELL_START.join(texts_of(row))):
                for i in text:
                    value = row[i]
                    if value and value[0] in _NEEDS_CARE:  # type: ignore[index]
                        row[i] = neutralise_csv_text(value)  # type: ignore[arg-type]
            for i, cell in other:
                row[i] = cell(row[i])
            batch.append(row)  # type: ignore[arg-type]
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                writer.writerows(batch)
                batch.clear()
                if progress is not None:
                    progress(rows, total)
        writer.writerows(batch)
    if progress is not None:
        progress(rows, total or rows)
    return ExportSummary(rows, path, tuple(c.id for c in cols))
