"""Reading the first sheet of an XLSX roster as rows of strings.

openpyxl's read-only mode spends ~20 µs per cell in Python (4 s for a 20k-row, 9-column
roster on our laptops); a roster needs only the cell text, so the sheet XML is streamed here
with ``ElementTree.iterparse`` (~5x faster). Anything this fast path does not understand
falls back to openpyxl, which stays the reference reader.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, iterparse

from boothapp.capture.roster.errors import RosterError

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_REL_NS = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"

Rows = Iterator[tuple[int, list[str]]]


class _Unsupported(Exception):
    """The fast reader met a layout it does not handle; use openpyxl instead."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_NAMESPACES = (
    "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
    "{http://purl.oclc.org/ooxml/spreadsheetml/main}",
    "",
)


def _tags(name: str) -> frozenset[str]:
    # Set membership on full tags: the sheet loop sees ~7 elements per cell.
    return frozenset(ns + name for ns in _NAMESPACES)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROW, _CELL, _VALUE, _INLINE, _TEXT = (_tags(n) for n in ("row", "c", "v", "is", "t"))


def _number_text(text: str) -> str:
    # Excel stores badge numbers as numbers: "12" or "12.0" or "1.2E+1" all mean 12.
    if text.isdigit():
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    names = set(book.namelist())
    if "xl/workbook.xml" not in names:
        raise _Unsupported("no xl/workbook.xml")
    rel_id = ""
    with book.open("xl/workbook.xml") as fh:
        for _, elem in iterparse(fh):
            if _local(elem.tag) == "sheet":
                rel_id = elem.get(_REL_NS) or elem.get(_STRICT_REL_NS) or ""
                break
    if not rel_id:
        raise RosterError("the workbook has no sheet")
    with book.open("xl/_rels/workbook.xml.rels") as fh:
        for _, elem in iterparse(fh):
            if _local(elem.tag) == "Relationship" and elem.get("Id") == rel_id:
                target = elem.get("Target", "")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )
                path = posixpath.normpath(path)
                if path in names:
                    return path
    raise _Unsupported("first sheet not found through the relationships")


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    try:
        fh = book.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    with fh:
        for _, elem in iterparse(fh):
            if _local(elem.tag) == "si":
                strings.append(_string_item(elem))
                elem.clear()
    return strings


def _string_item(si: Element) -> str:
    """Plain ``<t>`` or rich-text runs ``<r><t>``; phonetic hints (``rPh``) are not content."""
    parts: list[str] = []
    for child in si:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _column(ref: str) -> int:
    col = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            col = col * 26 + (ord(ch) - 64)
        else:
            break
    return col - 1


def _cell_text(cell: Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    value = ""
    for child in cell:
        tag = child.tag
        if tag in _VALUE:
            value = child.text or ""
        elif tag in _INLINE:
            value = "".join(t.text or "" for t in child.iter() if t.tag in _TEXT)
    if kind == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            raise _Unsupported("shared string index out of range") from None
    if kind == "n":
        return _number_text(value) if value else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE" if value else ""
    if kind == "e":
        return ""  # #N/A and friends are no attendee data
    return value  # str, inlineStr


def _fast_rows(path: Path) -> Rows:
    with zipfile.ZipFile(path) as book:
        sheet = _first_sheet_path(book)
        shared = _shared_strings(book)
        with book.open(sheet) as fh:
            line = 0
            for _, elem in iterparse(fh):
                if elem.tag not in _ROW:
                    continue
                line = int(elem.get("r") or line + 1)
                cells: list[str] = []
                for cell in elem:
                    if cell.tag not in _CELL:
                        continue
                    ref = cell.get("r")
                    n = len(cells)
                    # Cheap check for the common case: the next of columns A..Z, no gap.
                    expected = _LETTERS[n] if n < 26 else ""
                    if ref and not (expected and ref[0] == expected and ref[1:2].isdigit()):
                        col = _column(ref)
                        if col < len(cells):
                            raise _Unsupported("cells out of order")
                        cells.extend([""] * (col - len(cells)))
                    cells.append(_cell_text(cell, shared))
                elem.clear()
                yield line, cells


def _openpyxl_rows(path: Path) -> Rows:
    import openpyxl  # the reference reader, only when the fast path gives up

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterError(f"not a readable XLSX workbook ({exc})") from None
    try:
        if not book.worksheets:
            raise RosterError("the workbook has no sheet")
        for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            yield line, [_openpyxl_cell(v) for v in values]
    finally:
        book.close()


def _openpyxl_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(path: Path, *, fast: bool = True) -> Rows:
    """(1-based sheet row, cell texts) for the first sheet; skipped rows keep their number."""
    if not zipfile.is_zipfile(path):
        raise RosterError("not a readable XLSX workbook (not a zip archive)")
    last = 0
    if fast:
        try:
            for line, cells in _fast_rows(path):
                last = line
                yield line, cells
            return
        except _Unsupported:
            pass  # openpyxl continues after the rows already delivered
        except (zipfile.BadZipFile, KeyError, ParseError, OSError, ValueError) as exc:
            raise RosterError(f"not a readable XLSX workbook ({exc})") from None
    for line, cells in _openpyxl_rows(path):
        if line > last:
            yield line, cells
