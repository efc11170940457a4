"""XLSX export of leads with typed cells, streamed to disk.

Times are real Excel datetimes in the event's wall-clock time (the zone is in the header),
numbers are numbers, booleans are booleans; every other value is a string cell, and text that
looks like a formula carries Excel's quote-prefix flag so it is never evaluated (see
:mod:`boothapp.reports.safety`). Header row frozen, autofilter over the data, widths sized
from the header and the first rows. Written by :mod:`boothapp.reports.xlsx_writer`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from boothapp.core.models import Event, Lead
from boothapp.reports.columns import (
    CellValue,
    Column,
    ColumnChoice,
    ColumnType,
    ExportContext,
    HeaderStyle,
    QuestionColumn,
    event_zone,
    fused_answer_rows,
    header_of,
    read_rows,
    resolve_columns,
)
from boothapp.reports.export_io import (
    PROGRESS_EVERY,
    ExportSummary,
    Progress,
    atomic_path,
    total_of,
)
from boothapp.reports.xlsx_writer import XlsxSheetWriter

WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 60.0
SHEET_TITLE_MAX = 31  # Excel's limit


def sheet_title(event: Event) -> str:
    bad = set("[]:*?/\\")
    title = "".join("_" if ch in bad else ch for ch in event.name).strip(" '") or "Leads"
    return title[:SHEET_TITLE_MAX]


def _same(value: CellValue) -> CellValue:
    return value


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
    headers: HeaderStyle = HeaderStyle.PEOPLE,
) -> ExportSummary:
    """Write ``leads`` to ``path`` as one XLSX sheet; the file appears only once complete."""
    cols = resolve_columns(event, questions, columns)
    ctx = ExportContext(event, event_zone(event))
    total = total_of(leads)
    path = Path(path)

    # Each question's two cells from one look-up per row (issue 23), where leads are records.
    fused = fused_answer_rows(leads, cols, ctx, _same)
    row_iter = fused[0] if fused is not None else read_rows(leads, cols, ctx)
    # Widths go before the rows in the sheet XML, so size them from a sample.
    sample = list(itertools.islice(row_iter, WIDTH_SAMPLE_ROWS))
    rows = 0
    with (
        atomic_path(path) as tmp,
        XlsxSheetWriter(tmp, sheet_title(event), _widths(cols, sample)) as sheet,
    ):
        sheet.header([header_of(c, headers) for c in cols])
        for values in itertools.chain(sample, row_iter):
            sheet.row(values)
            rows += 1
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(rows, total)
    if progress is not None:
        progress(rows, total or rows)
    return ExportSummary(rows, path, tuple(c.id for c in cols))
