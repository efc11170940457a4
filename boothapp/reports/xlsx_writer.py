"""A minimal streaming SpreadsheetML (XLSX) writer: one sheet, typed cells, a few styles.

Why not openpyxl: its write-only mode costs ~0.5-1 ms per 32-column row here (50,000 leads
took 40-50 s on the shared 2-core box, see bench/exports.py), against a 10 s target. Lead
exports need only one sheet, four cell types and four styles, which this writes straight into
the zip as it goes. openpyxl stays the reader in the tests, so every file is checked by an
independent parser.

Why not XlsxWriter (issue #18 asked to move to it unless measurably slower): in constant_memory
mode, with the same cells and styles (bench/xlsxwriter_peer.py), 50,000 demo leads took
25.5 s and 36.6 s against 6.9 s and 7.8 s for this writer, two interleaved rounds in one
process on the shared 2-core machine under load (``python bench/exports.py`` prints both
as ``xlsx_s`` and ``xlsx_xlsxwriter_peer_s``); it is over the 10 s target, so this stays.
"""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from boothapp.reports.columns import CellValue
from boothapp.reports.safety import FORMULA_TRIGGERS, looks_like_formula, xlsx_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 incl. Excel's 1900 leap-day bug
FLUSH_ROWS = 500

# cellXfs indexes in _STYLES
STYLE_DEFAULT, STYLE_HEADER, STYLE_DATETIME, STYLE_TEXT_QUOTED, STYLE_HEADER_QUOTED = range(5)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_XF = 'fontId="{font}" fillId="0" borderId="0" xfId="0"'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{XLSX_TIME_FORMAT}"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    f'<xf numFmtId="0" {_XF.format(font=0)}/>'
    f'<xf numFmtId="0" {_XF.format(font=1)} applyFont="1"/>'
    f'<xf numFmtId="164" {_XF.format(font=0)} applyNumberFormat="1"/>'
    f'<xf numFmtId="0" {_XF.format(font=0)} quotePrefix="1"/>'
    f'<xf numFmtId="0" {_XF.format(font=1)} applyFont="1" quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def excel_serial(moment: datetime) -> float:
    if moment.tzinfo is not None:
        raise ValueError("XLSX datetimes must be naive wall-clock times (Excel has no zones).")
    delta = moment - EXCEL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400.0


# Most cells need neither XML escaping nor _xHHHH_ escaping; one search decides. Only an
# underscore that starts an ``_xHHHH_`` needs escaping (safety.xlsx_text): answer codes and
# stages ("10k_50k", "to_contact") are written as they are, not run through both escapes
# (360,000 cells at 50k leads, issue 23).
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_")


# Joins a row's texts to escape them at once: not a control character, ``&<>`` or part of an
# ``_xHHHH_``, so escaping leaves it as it is and no escape matches across it.
_ROW_SEP = "\ufdd0"  # a Unicode noncharacter: no visitor's text holds it


def _escaped(value: str) -> str:
    return escape(xlsx_text(value)) if _NEEDS_ESCAPE.search(value) else value


def _text_cell(ref: str, value: str, style: int) -> str:
    text = _escaped(value)
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _SheetStream:
    """The sheet's XML, encoded and deflated into the zip by a thread of its own.

    zlib and the file write let go of the GIL, so the compressing runs beside the rows' own
    Python work: at 50,000 leads the sheet is ~150 MB of XML, ~0.6 s to deflate and ~0.5 s to
    encode (issue 23). Text is handed over in the writer's flushes (500 rows), a few at a
    time, so memory stays bounded; a failure in the thread (a full disk) is raised on the
    next write or at the end, never lost."""

    _END = None

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="boothapp-xlsx-sheet", daemon=True)
        self._thread.start()

    def write(self, text: str) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(text)

    def _run(self) -> None:
        try:
            while (text := self._queue.get()) is not self._END:
                self._raw.write(text.encode("utf-8"))
        except BaseException as exc:  # raised in the writer's thread by write or close
            self._error = exc
            while self._queue.get() is not self._END:  # the writer must never block
                pass

    def close(self) -> None:
        """Wait for the thread to write everything, then end the zip entry."""
        self._queue.put(self._END)
        self._thread.join()
        if self._error is not None:
            self._raw.close()
            raise self._error
        self._raw.close()


class XlsxSheetWriter:
    """Write one sheet row by row; use as a context manager, then the zip is complete."""

    def __init__(
        self, path: Path, sheet_title: str, widths: Sequence[float], *, freeze_header: bool = True
    ) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3)
        self._title = sheet_title
        self._letters = [column_letter(i) for i in range(len(widths))]
        self._rows = 0
        self._buffer: list[str] = []
        self._sheet = _SheetStream(
            self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        )
        pane = (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            if freeze_header
            else ""
        )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        self._sheet.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )

    @property
    def rows(self) -> int:
        return self._rows

    def header(self, labels: Sequence[str]) -> None:
        self._rows += 1
        cells = [
            _text_cell(
                f"{letter}1",
                label,
                STYLE_HEADER_QUOTED if looks_like_formula(label) else STYLE_HEADER,
            )
            for letter, label in zip(self._letters, labels, strict=True)
        ]
        self._buffer.append(f'<row r="1">{"".join(cells)}</row>')

    def row(self, values: Sequence[CellValue]) -> None:
        self._rows += 1
        r = str(self._rows)  # formatted once, not once a cell
        # A row's text cells escaped in one pass over them all (issue 23: a regex search a
        # cell was 1.7 million calls at 50k leads): joined by a character the escapes leave
        # alone and no text holds, escaped, split back. A row whose text holds it (never in
        # practice) takes the cell by cell path.
        texts = [v for v in values if v.__class__ is str and v]
        joined = _ROW_SEP.join(texts)
        escaped: Iterator[str] = iter(texts)
        if _NEEDS_ESCAPE.search(joined) is not None:
            parts = escape(xlsx_text(joined)).split(_ROW_SEP)
            escaped = iter(parts) if len(parts) == len(texts) else iter(map(_escaped, texts))
        cells = [f'<row r="{r}">']
        append = cells.append
        for letter, value in zip(self._letters, values, strict=True):
            kind = value.__class__
            if value.__class__ is str:  # most cells: one class test, not the chain below
                if not value:
                    continue
                if value[0] in FORMULA_TRIGGERS:  # tested before escaping turns CR into _x000D_
                    append(
                        f'<c r="{letter}{r}" s="{STYLE_TEXT_QUOTED}" t="inlineStr"><is>'
                        f'<t xml:space="preserve">{next(escaped)}</t></is></c>'
                    )
                else:
                    append(
                        f'<c r="{letter}{r}" t="inlineStr"><is>'
                        f'<t xml:space="preserve">{next(escaped)}</t></is></c>'
                    )
            elif value is None:
                continue
            elif kind is int or kind is float:  # exact types first, as the texts (issue 23)
                append(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
            elif kind is datetime:
                serial = excel_serial(value)  # type: ignore[arg-type]
                append(f'<c r="{letter}{r}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>')
            elif value == "":
                continue
            elif isinstance(value, str):  # a str subclass: its own escape, as a text cell
                style = f' s="{STYLE_TEXT_QUOTED}"' if value[0] in FORMULA_TRIGGERS else ""
                append(
                    f'<c r="{letter}{r}"{style} t="inlineStr"><is>'
                    f'<t xml:space="preserve">{_escaped(value)}</t></is></c>'
                )
            elif isinstance(value, bool):
                append(f'<c r="{letter}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                append(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
            else:
                serial = excel_serial(value)
                append(f'<c r="{letter}{r}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>')
        append("</row>")
        self._buffer.append("".join(cells))
        if len(self._buffer) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._sheet.write("".join(self._buffer))
        self._buffer.clear()

    def close(self) -> None:
        self._flush()
        last = f"{self._letters[-1]}{max(self._rows, 1)}" if self._letters else "A1"
        ref = f"A1:{last}"
        self._sheet.write(f'</sheetData><autoFilter ref="{ref}"/></worksheet>')
        self._sheet.close()
        last_abs = f"${self._letters[-1]}${max(self._rows, 1)}" if self._letters else "$A$1"
        quoted_title = "'" + self._title.replace("'", "''") + "'"
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            "<bookViews><workbookView/></bookViews>"
            f'<sheets><sheet name={quoteattr(self._title)} sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(quoted_title)}!$A$1:{last_abs}</definedName></definedNames>"
            "</workbook>",
        )
        self._zip.close()

    def abort(self) -> None:
        """After a failure or a cancel: the thread ends and the zip closes; what failed
        first is what the caller sees (the file is thrown away)."""
        try:
            self._sheet.close()
        except Exception:  # a second failure would hide the first
            pass
        finally:
            self._zip.close()

    def __enter__(self) -> XlsxSheetWriter:
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
            self.abort()
