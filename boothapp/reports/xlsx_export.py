"""XLSX export of leads with typed cells (openpyxl write-only mode, streamed to disk).

Times are real Excel datetimes in the event's wall-clock time (the zone is in the header),
numbers are numbers, booleans are booleans; every other value is a string cell, and text that
looks like a formula carries Excel's quote-prefix flag so it is never evaluated (see
:mod:`boothapp.reports.safety`). Header row frozen, autofilter over the data, widths sized
from the header and the first rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from boothapp.core.models import Event, Lead
from boothapp.reports.columns import (
    CellValue,
    Column,
    ColumnChoice,
    ColumnType,
    ExportContext,
    QuestionColumn,
    event_zone,
    resolve_columns,
)
from boothapp.reports.export_io import (
    PROGRESS_EVERY,
    ExportSummary,
    Progress,
    atomic_path,
    total_of,
)
from boothapp.reports.safety import looks_like_formula, xlsx_text

XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 60.0
SHEET_TITLE_MAX = 31  # Excel's limit


def _sheet_title(event: Event) -> str:
    bad = set("[]:*?/\\")
    title = "".join("_" if ch in bad else ch for ch in event.name).strip() or "Leads"
    return title[:SHEET_TITLE_MAX]


class _CellMaker:
    """Turns a typed value into what the write-only sheet appends, keeping styled cells few."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws

    def make(self, value: CellValue) -> object:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._ws, value=value)
            cell.number_format = XLSX_TIME_FORMAT
            return cell
        text = xlsx_text(value)
        if looks_like_formula(text) or text.startswith("'"):
            # A plain str starting with "=" becomes a formula in openpyxl; force a string cell
            # and set quotePrefix so Excel keeps it text even after the user edits it.
            cell = WriteOnlyCell(self._ws, value=None)
            cell._value = text
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return text


def _widths(cols: Sequence[Column], sample: Sequence[list[CellValue]]) -> list[float]:
    widths = []
    for i, col in enumerate(cols):
        width = max(col.width if col.type is not ColumnType.TEXT else 8.0, len(col.label) + 3.0)
        for row in sample:
            value = row[i]
            if isinstance(value, str):
                width = max(width, min(MAX_WIDTH, len(value.split("\n", 1)[0]) + 2.0))
        widths.append(min(width, MAX_WIDTH))
    return widths


def export_xlsx(
    leads: Iterable[Lead],
    event: Event,
    questions: Sequence[QuestionColumn],
    path: Path,
    *,
    columns: ColumnChoice | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write ``leads`` to ``path`` as one XLSX sheet; the file appears only once complete."""
    cols = resolve_columns(event, questions, columns)
    ctx = ExportContext(event, event_zone(event))
    getters = [c.getter for c in cols]
    total = total_of(leads)
    path = Path(path)

    lead_iter = iter(leads)
    # Widths must be set before the first row is streamed, so size them from a sample.
    sample = [
        [g(lead, ctx) for g in getters] for lead in itertools.islice(lead_iter, WIDTH_SAMPLE_ROWS)
    ]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(event))
    for i, width in enumerate(_widths(cols, sample), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    maker = _CellMaker(ws)

    bold = Font(bold=True)
    header = []
    for col in cols:
        cell = maker.make(col.label)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, value=cell)
        cell.font = bold
        header.append(cell)
    ws.append(header)

    rows = 0
    make = maker.make
    for values in itertools.chain(sample, ([g(lead, ctx) for g in getters] for lead in lead_iter)):
        ws.append([make(v) for v in values])
        rows += 1
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows, total)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{rows + 1}"

    with atomic_path(path) as tmp:
        wb.save(tmp)
    if progress is not None:
        progress(rows, total or rows)
    return ExportSummary(rows, path, tuple(c.id for c in cols))
