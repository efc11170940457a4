"""Reading an organiser's roster (CSV in any delimiter and encoding, XLSX/XLS/ODS) into attendees.

Rows that cannot become an attendee are reported, not dropped silently: a missing badge id,
a badge id seen on an earlier line (the first one is kept), an email that is not an email.
A file that cannot be read at all raises ``RosterError`` naming the problem.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from boothapp.capture.badges.names import split_full_name
from boothapp.capture.roster.encoding import detect_and_decode
from boothapp.capture.roster.errors import RosterError
from boothapp.capture.roster.keys import normalise_id
from boothapp.capture.roster.mapping import ColumnMapping, guess_mapping
from boothapp.capture.roster.spreadsheet import spreadsheet_rows
from boothapp.core.i18n import _
from boothapp.core.models import CONTACT_FIELDS, Attendee, Contact

# Key under which a mapped token column lands in ``Attendee.extra`` (RosterIndex reads it).
TOKEN_KEY = "token"
DELIMITERS = (",", ";", "\t", "|")
PROGRESS_EVERY = 5_000
# A quoted field may hold line breaks (a postal address); past these it is an unclosed quote.
MAX_MULTILINE_FIELD = 1_000
MAX_FIELD_LINES = 10
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .xlsm, .ods
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_CONTACT_COLUMNS = CONTACT_FIELDS  # declared once, by core.models.Contact


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # 1-based line in the CSV (row number in the sheet); the header is line 1
    reason: str


@dataclass(slots=True)
class RosterReadResult:
    rows: list[Attendee]
    rejected: list[RejectedRow]
    mapping: ColumnMapping
    headers: list[str]
    encoding: str = ""  # the spreadsheet kind ("xlsx", "xls", "ods") for workbooks
    delimiter: str = ""
    warnings: list[str] = field(default_factory=list)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equally wide, columns."""
    lines = text.splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delim) if r]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_rows(
    path: Path, data: bytes, encoding: str | None, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]], str, str]:
    text, used = detect_and_decode(data, path.name, encoding)
    stream = io.StringIO(text, newline="")
    # Excel writes a "sep=;" line first when asked to keep the delimiter explicit.
    first = text[:16].split("\n", 1)[0].rstrip("\r")
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = delimiter or first[4]
        stream.readline()
    delim = delimiter or sniff_delimiter(text[:65536])
    reader = csv.reader(stream, delimiter=delim)
    try:
        header = next(reader, None)
        # Skip blank lines above the header (some exports start with one).
        while header is not None and not any(c.strip() for c in header):
            header = next(reader, None)
    except csv.Error as exc:
        raise RosterError(
            _("{file}: the header line is not valid CSV ({why})").format(file=path.name, why=exc)
        ) from None
    if header is None:
        raise RosterError(_("{file}: the file is empty (no header line)").format(file=path.name))

    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for record in reader:
                if reader.line_num - last > 1:  # the record spans lines: a quoted line break
                    _check_quoted_fields(path, record, last + 1, width)
                last = reader.line_num
                yield last, record
        except csv.Error as exc:
            raise RosterError(
                f"{path.name}: line {reader.line_num} is not valid CSV ({exc})"
            ) from None

    return header, rows(), used, delim


def _check_quoted_fields(path: Path, record: list[str], first_line: int, width: int) -> None:
    """Refuse a record whose quoted field swallowed the lines after it (issue #18, finding 1).

    Python's csv reads an unclosed quote as one field running to the next quote character,
    often the end of the file: the rows in between vanish into one attendee's name. A real
    multi-line field (an address) is short and leaves the row as wide as the header.
    """
    line = first_line
    for value in record:
        breaks = value.count("\n")
        if breaks and (
            len(value) > MAX_MULTILINE_FIELD or breaks >= MAX_FIELD_LINES or len(record) != width
        ):
            raise RosterError(
                f"{path.name}: line {line}: a quote opened here is not closed where the field "
                f"should end (the field runs over {breaks + 1} lines, {len(value)} characters, "
                f"and the row has {len(record)} of {width} columns); fix the quote and import again"
            )
        line += breaks


def _sheet_header(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    rows = spreadsheet_rows(path)
    try:
        for _line, cells in rows:
            if any(c.strip() for c in cells):
                return cells, rows
    except RosterError as exc:
        raise RosterError(f"{path.name}: {exc}") from None
    raise RosterError(_("{file}: the first sheet is empty (no header row)").format(file=path.name))


def _named(path: Path, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from rows
    except RosterError as exc:
        raise RosterError(f"{path.name}: {exc}") from None


def _column_index(headers: Sequence[str], mapping: ColumnMapping) -> dict[str, int]:
    positions = {h.strip(): i for i, h in reversed(list(enumerate(headers)))}
    index: dict[str, int] = {}
    for field_name, header in mapping.mapped().items():
        pos = positions.get(header.strip())
        if pos is None:
            raise RosterError(
                _("the mapped column {header!r} ({field}) is not in the file").format(
                    header=header, field=field_name
                )
            )
        index[field_name] = pos
    return index


def read_roster(
    path: str | Path,
    mapping: ColumnMapping | None = None,
    *,
    event_id: str = "",
    encoding: str | None = None,
    delimiter: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> RosterReadResult:
    """Read a CSV or spreadsheet (XLSX, XLS, ODS) roster; ``RosterError`` when it cannot be.

    ``encoding``/``delimiter`` override detection; ``on_progress(rows_read)`` is called every
    ``PROGRESS_EVERY`` rows so a CLI or a worker can show progress on big rosters.
    """
    path = Path(path)
    if not path.is_file():
        raise RosterError(_("{file}: file not found").format(file=path))
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise RosterError(
            _("{file}: cannot open the file ({why})").format(file=path.name, why=exc.strerror)
        ) from None
    suffix = path.suffix.lower()
    if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or suffix in SPREADSHEET_SUFFIXES:
        if not head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise RosterError(
                _(
                    "{file}: not a spreadsheet workbook (the file content is not Excel or ODS)"
                ).format(file=path.name)
            )
        header, records = _sheet_header(path)
        records = _named(path, records)
        kind = "xls" if head.startswith(_OLE_MAGIC) else "xlsx"
        used_encoding, delim = suffix.lstrip(".") if suffix in SPREADSHEET_SUFFIXES else kind, ""
    elif suffix in (".csv", ".txt", ".tsv", ""):
        data = path.read_bytes()
        if not data.strip():
            raise RosterError(_("{file}: the file is empty").format(file=path.name))
        header, records, used_encoding, delim = _csv_rows(path, data, encoding, delimiter)
    else:
        raise RosterError(
            _("{file}: not a CSV, XLSX, XLS or ODS file (extension {suffix})").format(
                file=path.name, suffix=suffix
            )
        )

    headers = [h.strip().lstrip("\ufeff") for h in header]
    if mapping is None:
        mapping = guess_mapping(headers)
    if not (mapping.badge_id or mapping.email):
        if any(_EMAIL.fullmatch(h) or h.isdigit() for h in headers):
            raise RosterError(
                _(
                    "{file}: no header line: the first line holds data ({values}...); add a "
                    "line of column names such as Badge ID, First name, Email"
                ).format(file=path.name, values=", ".join(headers[:4]))
            )
        raise RosterError(
            _("{file}: no badge id column (and no email column) among the headers: {names}").format(
                file=path.name, names=", ".join(repr(h) for h in headers if h)
            )
        )
    try:
        columns = _column_index(headers, mapping)
    except RosterError as exc:
        raise RosterError(f"{path.name}: {exc}") from None
    result = RosterReadResult(
        rows=[],
        rejected=[],
        mapping=mapping,
        headers=headers,
        encoding=used_encoding,
        delimiter=delim,
    )
    _convert(records, headers, columns, event_id, result, on_progress)
    if not result.rows and not result.rejected:
        raise RosterError(
            _("{file}: the file has a header but no attendee rows").format(file=path.name)
        )
    if not result.rows:
        raise RosterError(
            _(
                "{file}: none of the {count} rows could be imported "
                "(first problem, line {line}: {reason})"
            ).format(
                file=path.name,
                count=len(result.rejected),
                line=result.rejected[0].line,
                reason=result.rejected[0].reason,
            )
        )
    return result


def _uuid4_strings() -> Iterator[str]:
    """Random (version 4) UUID strings, ~5x faster than ``str(uuid.uuid4())`` per row."""
    while True:
        block = bytearray(os.urandom(16 * 1024))
        for off in range(0, len(block), 16):
            block[off + 6] = (block[off + 6] & 0x0F) | 0x40
            block[off + 8] = (block[off + 8] & 0x3F) | 0x80
            h = block[off : off + 16].hex()
            yield f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _convert(
    records: Iterator[tuple[int, list[str]]],
    headers: list[str],
    columns: dict[str, int],
    event_id: str,
    result: RosterReadResult,
    on_progress: Callable[[int], None] | None,
) -> None:
    id_col = columns.get("badge_id")
    email_col = columns.get("email")
    contact_cols = [(name, columns[name]) for name in _CONTACT_COLUMNS if name in columns]
    full_col = columns.get("full_name")
    token_col = columns.get("token")
    type_col = columns.get("registration_type")
    mapped_positions = set(columns.values())
    extra_cols = [(i, h) for i, h in enumerate(headers) if i not in mapped_positions and h]
    seen: dict[str, int] = {}
    rows, rejected = result.rows, result.rejected
    width = len(headers)
    ids = _uuid4_strings()
    for count, (line, record) in enumerate(records, 1):
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
        if not any(record):
            continue  # blank line
        if len(record) < width:
            record = record + [""] * (width - len(record))
        email = record[email_col].strip() if email_col is not None else ""
        if id_col is not None:
            badge_id = record[id_col].strip()
            if not badge_id:
                rejected.append(RejectedRow(line, _("missing badge id")))
                continue
        else:
            # No id column: the email is the key the badge (an email-only QR) carries.
            badge_id = email.lower()
            if not badge_id:
                rejected.append(RejectedRow(line, _("missing badge id (no email either)")))
                continue
        if email and not _EMAIL.fullmatch(email):
            rejected.append(RejectedRow(line, _("invalid email {email!r}").format(email=email)))
            continue
        key = normalise_id(badge_id)
        first_line = seen.get(key)
        if first_line is not None:
            rejected.append(
                RejectedRow(
                    line,
                    _("duplicate badge id {badge!r} (first on line {first})").format(
                        badge=badge_id, first=first_line
                    ),
                )
            )
            continue
        seen[key] = line
        values = {name: record[pos].strip() for name, pos in contact_cols}
        if full_col is not None and not (values.get("first_name") or values.get("last_name")):
            values["first_name"], values["last_name"] = split_full_name(record[full_col])
        extra = {h: record[i] for i, h in extra_cols if i < len(record) and record[i]}
        if token_col is not None and record[token_col].strip():
            extra[TOKEN_KEY] = record[token_col].strip()
        rows.append(
            Attendee(
                id=next(ids),
                event_id=event_id,
                badge_id=badge_id,
                contact=Contact(**values),
                registration_type=record[type_col].strip() if type_col is not None else "",
                extra=extra,
            )
        )
