"""The catalogue of export columns: id, label, value getter and type.

Exports (CSV, XLSX) and the saved per-event column choice all speak in column ids. Question
columns are ``q:<question id>``, one per question, so a manager can filter a spreadsheet on a
single answer.

Headers (issue 21): a person reads the column labels in the manager's language (the labels are
catalogue msgids, translated when the catalogue is built, so build it inside
``core.i18n.using(lang)``); a CRM import keys on ``HeaderStyle.MACHINE`` headers, which are the
column ids themselves: stable, English, never translated.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_zone
from boothapp.core.models import ANSWER_TEXT_PATH, CONTACT_FIELDS, CONTACT_LABELS, Event, Lead

CellValue = str | int | float | bool | datetime | None
QUESTION_PREFIX = "q:"
# The option ids as stored, one column per question at the end, for machines (issue 15): people
# read the labelled ``q:`` column, an import or a script keys on the code.
CODE_PREFIX = "code:"
MULTI_ANSWER_SEPARATOR = "; "


class HeaderStyle(enum.StrEnum):
    """What the header row of an export says."""

    PEOPLE = "people"  # the column labels, in the current language
    MACHINE = "machine"  # the column ids (``first_name``, ``q:budget``): for CRM imports


def header_of(column: Column, style: HeaderStyle = HeaderStyle.PEOPLE) -> str:
    return column.id if style is HeaderStyle.MACHINE else column.label


class ColumnType(enum.StrEnum):
    TEXT = "text"
    DATETIME = "datetime"  # naive local time in the event's zone
    NUMBER = "number"
    BOOL = "bool"
    ANSWER = "answer"  # question answer: text, or a number when the answer is numeric


@dataclass(frozen=True, slots=True)
class QuestionColumn:
    """One event question as the exports need it (the event-config engine maps onto this)."""

    id: str
    label: str
    options: Mapping[str, str] = field(default_factory=dict)  # option id -> label


@dataclass(frozen=True, slots=True)
class ExportContext:
    event: Event
    zone: ZoneInfo


Getter = Callable[[Lead, ExportContext], CellValue]
# From one stored value of a lead (its ``created_at``, its ``answers``) to the cell.
Convert = Callable[[Any, ExportContext], CellValue]


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    label: str
    getter: Getter
    type: ColumnType = ColumnType.TEXT
    width: float = 16.0  # spreadsheet character units
    # A plain attribute of the lead ("notes", "contact.email"), same value as ``getter``:
    # writers read all of a row's plain attributes in one attrgetter call (issue 23).
    attr: str = ""
    # Or the one lead attribute the value is computed from, and how (``getter`` is exactly
    # ``convert(getattr(lead, source), ctx)``): lets an export read stored values as tuples
    # instead of building a Lead per row (see ``LeadRecords``).
    source: str = ""
    convert: Convert | None = None


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """The ordered column ids a manager picked for an event; saved per event."""

    column_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.column_ids:
            raise ValueError("Column choice is empty: pick at least one column.")
        seen: set[str] = set()
        for cid in self.column_ids:
            if cid in seen:
                raise ValueError(f"Column {cid!r} is chosen twice.")
            seen.add(cid)

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "columns": list(self.column_ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnChoice:
        columns = data.get("columns")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ValueError("Saved column choice has no 'columns' list of column ids.")
        return cls(tuple(columns))


def event_zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"Event {event.name!r} has an unknown time zone {event.timezone!r}."
        ) from exc


_combine = datetime.combine


def to_event_time(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """UTC-aware -> naive wall-clock time in ``zone`` (spreadsheets have no zones)."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # stored values are UTC; tolerate a naive one as UTC
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    # The same naive time as local.replace(tzinfo=None) (fold kept), in half the time: a
    # keyword replace is slow and a 50k export makes 100,000 of these (issue 23).
    return _combine(local.date(), local.time())


def format_answer(question: QuestionColumn, answer: Any) -> CellValue:
    """Option ids become their labels; lists are joined; numbers stay numbers."""
    if answer is None or answer == "" or answer == []:
        return None
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float):
        return answer
    if isinstance(answer, list | tuple | set | frozenset):
        items = sorted(answer) if isinstance(answer, set | frozenset) else answer
        return MULTI_ANSWER_SEPARATOR.join(str(question.options.get(str(a), a)) for a in items)
    text = str(answer)
    return question.options.get(text, text)


def _contact(attr: str) -> Getter:
    return lambda lead, _ctx: getattr(lead.contact, attr)


def _lead(attr: str) -> Getter:
    return lambda lead, _ctx: getattr(lead, attr)


def _enum(attr: str) -> Getter:
    return lambda lead, _ctx: str(getattr(lead, attr).value)


def event_time(moment: datetime | None, ctx: ExportContext) -> CellValue:
    """The converter of every time column: the stored moment as wall-clock time in the
    event's zone (the CSV writer recognises it and writes the moment's text directly)."""
    return to_event_time(moment, ctx.zone)


def _crm_ids(ids: Mapping[str, Any] | None, _ctx: ExportContext) -> CellValue:
    if not ids:  # most leads: no generator, sort and join for nothing (50k a big export)
        return ""
    # f-strings give str(k)=str(v), as Lead.crm_ids holds them; keys of stored JSON are str.
    return MULTI_ANSWER_SEPARATOR.join(f"{k}={v}" for k, v in sorted((ids or {}).items()))


def _derived(
    cid: str, label: str, source: str, convert: Convert, type_: ColumnType, width: float
) -> Column:
    def getter(lead: Lead, ctx: ExportContext) -> CellValue:
        return convert(getattr(lead, source), ctx)

    return Column(cid, label, getter, type_, width, source=source, convert=convert)


def answer_code(answer: Any) -> CellValue:
    """The stored answer as it is: option ids (joined for multi choice), numbers, text."""
    if answer is None or answer == "" or answer == []:
        return None
    if isinstance(answer, bool | int | float):
        return answer
    if isinstance(answer, list | tuple | set | frozenset):
        items = sorted(answer) if isinstance(answer, set | frozenset) else answer
        return MULTI_ANSWER_SEPARATOR.join(str(a) for a in items)
    return str(answer)


# Distinct text answers remembered per question column: most are option ids, so 50k rows
# look up a handful of labels instead of formatting each (issue 23); free text stops adding.
_ANSWER_MEMO = 512


def _memo_answer(qid: str, cell: Callable[[Any], CellValue]) -> Convert:
    memo: dict[str, CellValue] = {}

    def convert(answers: Mapping[str, Any] | None, _ctx: ExportContext) -> CellValue:
        answer = (answers or {}).get(qid)
        if answer.__class__ is not str:  # lists, numbers, None: as they come
            return cell(answer)
        try:
            return memo[answer]
        except KeyError:
            value = cell(answer)
            if len(memo) < _ANSWER_MEMO:
                memo[answer] = value
            return value

    return convert


def _code_of(question: QuestionColumn) -> Convert:
    return _memo_answer(question.id, answer_code)


def _answer_of(question: QuestionColumn) -> Convert:
    return _memo_answer(question.id, lambda answer: format_answer(question, answer))


# Every contact field is a column (derived from core.models.Contact, so a new field is never
# dropped from the export); the zone keeps its historical column id.
_CONTACT_IDS = {"timezone": "lead_timezone"}
_CONTACT_WIDTHS = {"first_name": 16, "email": 28, "company": 24, "title": 22, "country": 9,
                   "city": 14, "website": 26}  # fmt: skip


def _base_columns(event: Event) -> list[Column]:
    zone_name = format_zone(event.timezone or "UTC")  # its city in the header's language
    t, d = ColumnType.TEXT, ColumnType.DATETIME
    return [
        Column("lead_id", _("Lead ID"), _lead("id"), t, 38, "id"),
        _derived(
            "captured_at",
            _("Captured ({zone})").format(zone=zone_name),
            "created_at",
            event_time,
            d,
            20,
        ),
        *(
            Column(
                _CONTACT_IDS.get(name, name),
                _(CONTACT_LABELS[name]),
                _contact(name),
                t,
                _CONTACT_WIDTHS.get(name, 18),
                f"contact.{name}",
            )
            for name in CONTACT_FIELDS
        ),
        Column("source", _("Source"), _enum("source"), t, 12, "source.value"),
        Column("badge_id", _("Badge ID"), _lead("badge_id"), t, 16, "badge_id"),
        Column("raw_payload", _("Raw badge payload"), _lead("raw_payload"), t, 30, "raw_payload"),
        Column("staff", _("Captured by"), _lead("staff_name"), t, 18, "staff_name"),
        Column("device", _("Device"), _lead("device_id"), t, 14, "device_id"),
    ]


def _tail_columns(event: Event) -> list[Column]:
    zone_name = format_zone(event.timezone or "UTC")  # its city in the header's language
    t, n, b, d = ColumnType.TEXT, ColumnType.NUMBER, ColumnType.BOOL, ColumnType.DATETIME
    return [
        Column("rating", _("Rating"), _enum("rating"), t, 8, "rating.value"),
        Column("score", _("Score"), _lead("score"), n, 8, "score"),
        Column("qualified", _("Qualified"), _lead("qualified"), b, 10, "qualified"),
        Column("owner", _("Owner"), _lead("owner"), t, 18, "owner"),
        Column("consent_text", _("Consent text"), _lead("consent_text"), t, 30, "consent_text"),
        _derived(
            "consent_at",
            _("Consent given ({zone})").format(zone=zone_name),
            "consent_given_at",
            event_time,
            d,
            20,
        ),
        Column("notes", _("Notes"), _lead("notes"), t, 40, "notes"),
        Column("stage", _("Stage"), _enum("stage"), t, 14, "stage.value"),
        Column("referred_by", _("Referred by"), _lead("referred_by"), t, 18, "referred_by"),
        Column("sync_state", _("Sync state"), _enum("sync_state"), t, 11, "sync_state.value"),
        _derived("crm_ids", _("CRM IDs"), "crm_ids", _crm_ids, t, 20),
        Column("please_delete", _("Please delete"), _lead("please_delete"), b, 12, "please_delete"),
    ]


def column_catalogue(event: Event, questions: Sequence[QuestionColumn]) -> dict[str, Column]:
    """Every available column, in the default order."""
    cols = _base_columns(event)
    seen_q: set[str] = set()
    for q in questions:
        if q.id in seen_q:
            raise ValueError(f"Question {q.id!r} is listed twice.")
        seen_q.add(q.id)
        width = min(40.0, max(12.0, len(q.label) + 2.0))
        cols.append(
            _derived(QUESTION_PREFIX + q.id, q.label, "answers", _answer_of(q), ColumnType.ANSWER,
                     width)
        )  # fmt: skip
    cols.extend(_tail_columns(event))
    for q in questions:
        cols.append(
            _derived(
                CODE_PREFIX + q.id,
                _("{question} (code)").format(question=q.label),
                "answers",
                _code_of(q),
                ColumnType.ANSWER,
                14,
            )
        )
    return {c.id: c for c in cols}


def default_choice(event: Event, questions: Sequence[QuestionColumn]) -> ColumnChoice:
    return ColumnChoice(tuple(column_catalogue(event, questions)))


def row_reader(cols: Sequence[Column], ctx: ExportContext) -> Callable[[Lead], list[CellValue]]:
    """One function from a lead to its row of values, in column order: the plain attributes
    in one C-level attrgetter call, the computed ones through their getters."""
    plain = [i for i, c in enumerate(cols) if c.attr]
    computed = [i for i, c in enumerate(cols) if not c.attr]
    if len(plain) < 2:
        getters = [c.getter for c in cols]
        return lambda lead: [g(lead, ctx) for g in getters]
    fetch = attrgetter(*(cols[i].attr for i in plain))
    getters = [cols[i].getter for i in computed]
    # Where each column's value sits in (plain values..., computed values...).
    at = {col: n for n, col in enumerate(plain + computed)}
    order = [at[i] for i in range(len(cols))]

    def read(lead: Lead) -> list[CellValue]:
        values = (*fetch(lead), *[g(lead, ctx) for g in getters])
        return [values[j] for j in order]

    return read


@runtime_checkable
class LeadRecords(Protocol):
    """Leads as tuples of stored values, for a reader that can skip building Lead objects
    (the export service's database stream). ``fields`` are lead attribute paths as in
    ``Column.attr`` / ``Column.source`` ("contact.email", "rating.value", "answers"); each
    record holds their values in that order (enum paths: the member's value)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Lead]: ...

    def records(self, fields: Sequence[str]) -> Iterator[Sequence[Any]]: ...


def record_fields(cols: Sequence[Column]) -> list[str] | None:
    """The lead attributes ``cols`` read, each once, in first-use order; None when a column
    can only be computed from a whole Lead."""
    fields: dict[str, None] = {}
    for c in cols:
        name = c.attr or (c.source if c.convert is not None else "")
        if not name:
            return None
        fields.setdefault(name)
    return list(fields)


def record_reader(
    cols: Sequence[Column], ctx: ExportContext, fields: Sequence[str]
) -> Callable[[Sequence[Any]], list[CellValue]]:
    """From a record (values of ``fields``, in order) to its row of values, in column order:
    every column's stored value in one itemgetter call, then the computed ones converted."""
    at = {name: i for i, name in enumerate(fields)}
    picks = [at[c.attr or c.source] for c in cols]
    converts = [(i, c.convert) for i, c in enumerate(cols) if not c.attr and c.convert]
    pick: Callable[[Sequence[Any]], Any]
    if len(picks) == 1:  # itemgetter of one index gives the value, not a tuple
        only = picks[0]

        def pick(rec: Sequence[Any]) -> tuple[Any, ...]:
            return (rec[only],)
    else:
        pick = itemgetter(*picks)

    def read(rec: Sequence[Any]) -> list[CellValue]:
        row = list(pick(rec))
        for i, convert in converts:
            row[i] = convert(row[i], ctx)
        return row

    return read


def read_rows(
    leads: Iterable[Lead], cols: Sequence[Column], ctx: ExportContext
) -> Iterator[list[CellValue]]:
    """Each lead's row of values, in column order: from stored-value records where ``leads``
    offers them (no Lead built per row), else from the Lead objects."""
    fields = record_fields(cols)
    if fields is not None and isinstance(leads, LeadRecords):
        return map(record_reader(cols, ctx, fields), leads.records(fields))
    return map(row_reader(cols, ctx), leads)


def resolve_columns(
    event: Event, questions: Sequence[QuestionColumn], choice: ColumnChoice | None
) -> list[Column]:
    """The columns to write, in order; an unknown id is a clear error."""
    catalogue = column_catalogue(event, questions)
    if choice is None:
        return list(catalogue.values())
    unknown = [cid for cid in choice.column_ids if cid not in catalogue]
    if unknown:
        raise ValueError(
            "Unknown export column(s): " + ", ".join(unknown) + ". Known: " + ", ".join(catalogue)
        )
    return [catalogue[cid] for cid in choice.column_ids]


def fused_answer_rows(
    leads: Iterable[Lead],
    cols: Sequence[Column],
    ctx: ExportContext,
    finish: Callable[[CellValue], Any],
) -> tuple[Iterator[list[Any]], set[int]] | None:
    """Rows read from stored-value records with every question's cells already made, and
    which columns those are; None when ``leads`` offer no records (then ``read_rows``).

    A question has two columns (its labels and its codes), both from one stored answer,
    read as its stored JSON text (``ANSWER_TEXT_PATH``): each distinct text (an option id,
    a list of them) is decoded and turned into both cells once and looked up after, one
    look-up per question a row. Decoding each lead's whole answers document instead took a
    JSON parse per lead (41,572 distinct documents in 50,000 demo leads; issue 23). A cell
    is exactly ``finish`` of what its column's converter makes of the answer (the CSV text
    for a CSV, the value itself for a spreadsheet); the other cells as ``read_rows``.
    """
    fields = record_fields(cols)
    if fields is None or not isinstance(leads, LeadRecords) or "answers" not in fields:
        return None
    by_question: dict[str, list[tuple[int, Column]]] = {}
    for i, c in enumerate(cols):
        if c.type is ColumnType.ANSWER and c.source == "answers" and c.convert is not None:
            qid = c.id.removeprefix(QUESTION_PREFIX).removeprefix(CODE_PREFIX)
            by_question.setdefault(qid, []).append((i, c))
    fused = {i for slots in by_question.values() for i, _c in slots}
    if not by_question or any(c.source == "answers" for i, c in enumerate(cols) if i not in fused):
        return None
    # The answers document is read no more: each question's answer text instead.
    fields = [f for f in fields if f != "answers"]
    fields += [ANSWER_TEXT_PATH + qid for qid in by_question]
    # (question id, where its text sits, its columns, their converters,
    #  memo: text -> the columns' cells)
    groups: list[
        tuple[str, int, tuple[int, ...], tuple[Convert, ...], dict[str | None, tuple[Any, ...]]]
    ] = []
    for qid, slots in by_question.items():
        converts = tuple(c.convert for _i, c in slots if c.convert is not None)
        groups.append((qid, fields.index(ANSWER_TEXT_PATH + qid), tuple(i for i, _c in slots),
                       converts, {}))  # fmt: skip
    loads = json.loads

    def rows() -> Iterator[list[Any]]:
        for rec in leads.records(fields):
            row = read_plain(rec)
            for qid, at, indexes, converts, memo in groups:
                text = rec[at]
                found = memo.get(text)
                if found is None:
                    # The converters read an answers mapping: this question's answer alone.
                    stored = {} if text is None else {qid: loads(text)}
                    found = tuple(finish(convert(stored, ctx)) for convert in converts)
                    if len(memo) < _ANSWER_MEMO:  # free text: stop remembering
                        memo[text] = found
                if len(indexes) == 2:  # labels and codes: no zip object per question and row
                    row[indexes[0]], row[indexes[1]] = found
                else:
                    for i, value in zip(indexes, found, strict=True):
                        row[i] = value
            yield row

    # The other columns as the shared reader gives them; the answers' cells are overwritten.
    plain = list(cols)
    for i in fused:
        plain[i] = Column(cols[i].id, cols[i].label, cols[i].getter, ColumnType.ANSWER,
                          attr=fields[-1])  # fmt: skip
    read_plain = record_reader(plain, ctx, fields)
    return rows(), fused
