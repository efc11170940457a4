"""The XlsxWriter peer of the app's XLSX writer (bench/exports.py, issue #18).

One XLSX sheet written row by row with XlsxWriter in constant_memory mode: same interface and
same cells as :class:`boothapp.reports.xlsx_writer.XlsxSheetWriter`: typed
cells, a bold header, wall-clock datetimes, Excel's quote-prefix flag on text that looks like
a formula, a frozen header and an autofilter. XlsxWriter is told never to turn a string into
a formula, number or link: every string is written as text. It lost on speed (see the
docstring of boothapp/reports/xlsx_writer.py), so it lives here as the bench's peer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

import xlsxwriter

from boothapp.reports.columns import CellValue
from boothapp.reports.safety import FORMULA_TRIGGERS, looks_like_formula, xlsx_text

XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


class XlsxWriterSheet:
    """Write one sheet row by row; use as a context manager, then the file is complete."""

    def __init__(
        self, path: Path, sheet_title: str, widths: Sequence[float], *, freeze_header: bool = True
    ) -> None:
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._sheet = self._book.add_worksheet(sheet_title)
        self._header = self._book.add_format({"bold": True})
        self._header_quoted = self._book.add_format({"bold": True, "quote_prefix": True})
        self._quoted = self._book.add_format({"quote_prefix": True})
        self._when = self._book.add_format({"num_format": XLSX_TIME_FORMAT})
        self._columns = len(widths)
        for i, width in enumerate(widths):
            self._sheet.set_column(i, i, width)
        if freeze_header:
            self._sheet.freeze_panes(1, 0)
        self._rows = 0

    @property
    def rows(self) -> int:
        return self._rows

    def header(self, labels: Sequence[str]) -> None:
        for col, label in enumerate(labels):
            fmt = self._header_quoted if looks_like_formula(label) else self._header
            self._sheet.write_string(0, col, xlsx_text(label), fmt)
        self._rows = 1

    def row(self, values: Sequence[CellValue]) -> None:
        r = self._rows
        sheet = self._sheet
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if value[0] in FORMULA_TRIGGERS:
                    sheet.write_string(r, col, value, self._quoted)
                else:
                    sheet.write_string(r, col, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value)
            elif isinstance(value, datetime):
                if value.tzinfo is not None:
                    raise ValueError("XLSX datetimes must be naive wall-clock times.")
                sheet.write_datetime(r, col, value, self._when)
        self._rows += 1

    def close(self) -> None:
        last_row = max(self._rows - 1, 0)
        if self._columns:
            self._sheet.autofilter(0, 0, last_row, self._columns - 1)
        self._book.close()

    def __enter__(self) -> XlsxWriterSheet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._book.fileclosed = True  # leave the half-written temp file to atomic_path
