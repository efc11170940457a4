"""Spreadsheet formula-injection neutralisation.

A visitor types their own name at the kiosk and a badge carries whatever the organiser printed,
so any text cell may start with a character a spreadsheet treats as the start of a formula
(OWASP "CSV injection"): ``=``, ``+``, ``-``, ``@``, tab or carriage return.

The rule (CSV):
    a text value whose first character is one of ``= + - @ \\t \\r`` gets one leading
    apostrophe. A value that already starts with an apostrophe followed by one of those
    characters (or by another apostrophe) also gets one, so the rule stays reversible:
    :func:`restore_csv_text` strips exactly one leading apostrophe when it is followed by such
    a character, and ``restore_csv_text(neutralise_csv_text(v)) == v`` for every string.

Phone numbers get no exception: ``+1-555-0100`` is arithmetic to Excel (it shows ``-654``), so
``+44 20 7946 0958`` is written ``'+44 20 7946 0958``. The digits are untouched and the
original comes back with :func:`restore_csv_text` (or by deleting the apostrophe).

XLSX cells need no apostrophe: :mod:`boothapp.reports.xlsx_export` stores such values as
string cells with Excel's quote-prefix flag, so the cell shows the exact text and is never
evaluated, not even when a user edits it.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_ESCAPE_FOLLOWERS = FORMULA_TRIGGERS | {"'"}


def looks_like_formula(value: str) -> bool:
    """True when a spreadsheet could evaluate ``value`` typed into a cell as-is."""
    return bool(value) and value[0] in FORMULA_TRIGGERS


def neutralise_csv_text(value: str) -> str:
    """Prefix one apostrophe where a spreadsheet could read ``value`` as a formula."""
    if not value:
        return value
    first = value[0]
    if first in FORMULA_TRIGGERS or (
        first == "'" and len(value) > 1 and value[1] in _ESCAPE_FOLLOWERS
    ):
        return "'" + value
    return value


def restore_csv_text(value: str) -> str:
    """Undo :func:`neutralise_csv_text` (for re-imports and tests)."""
    if len(value) > 1 and value[0] == "'" and value[1] in _ESCAPE_FOLLOWERS:
        return value[1:]
    return value


# XLSX text: XML cannot carry most C0 control characters (badge payloads do: PDF417 licences
# use GS/RS separators) and XML parsers turn a bare CR into LF. OOXML's own escape for these is
# ``_xHHHH_``, which Excel decodes on load; a literal ``_xHHHH_`` in the data is protected by
# escaping its underscore as ``_x005F_`` (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
# Escaped: every C0 control but tab and LF, and the underscore of a literal _xHHHH_.
_XLSX_UNESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_XLSX_UNDERSCORE_RE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_CONTROL_TABLE = {c: f"_x{c:04X}_" for c in (*range(0x00, 0x09), *range(0x0B, 0x20))}
_XLSX_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _control_escape(match: re.Match[str]) -> str:
    return _XLSX_CONTROL_TABLE[ord(match.group())]


def xlsx_text(value: str) -> str:
    """Escape ``value`` so it survives an XLSX string cell byte for byte.

    One left-to-right pass of the rule above, in C-level steps (a badge's vCard has a CR a
    line, 450,000 replacement calls at 50k leads; issue 23): a literal ``_xHHHH_``'s
    underscore first (control characters are not hex digits, so the matches are the same),
    then the CRs (nearly all of the control characters a badge holds) in one replace, then
    any other control character. ``str.translate`` with the table did the same but took
    20 us a non-ASCII vCard (1.6 s of a 50k XLSX export), the replace 4 us."""
    if "_x" in value:
        value = _XLSX_UNDERSCORE_RE.sub("_x005F_", value)
    if "\r" in value:
        value = value.replace("\r", "_x000D_")
    if _XLSX_CONTROL_RE.search(value) is None:
        return value
    return _XLSX_CONTROL_RE.sub(_control_escape, value)


def restore_xlsx_text(value: str) -> str:
    """Decode ``_xHHHH_`` escapes as Excel does (openpyxl's reader leaves them as-is)."""
    return _XLSX_UNESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)
