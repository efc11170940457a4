"""Lead exports, the post-show report and lead sheets, each recorded in the audit log."""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Dialect,
    Select,
    Text,
    case,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)

from boothapp.core.answers import answers_change_text, option_labels, question_label
from boothapp.core.config.model import EventConfig
from boothapp.core.config.rep_names import rep_name, rep_names
from boothapp.core.i18n import N_, Language, current, gettext, label, using
from boothapp.core.models import CONTACT_LABELS, Event, Lead, Rating, Stage
from boothapp.core.results.report import ShowResults
from boothapp.reports.columns import ColumnChoice, HeaderStyle, QuestionColumn, column_catalogue
from boothapp.reports.csv_export import export_csv
from boothapp.reports.export_io import ExportSummary
from boothapp.reports.stats import TOP_LEADS, ReportRow, build_report_data
from boothapp.reports.xlsx_export import export_xlsx
from boothapp.services.audit import AuditAction, record
from boothapp.services.card_images import card_picture, image_paths_of
from boothapp.services.event_config import EventConfigService
from boothapp.services.events import EventService
from boothapp.services.followup_rows import done_touches
from boothapp.services.staff import StaffService
from boothapp.store.db import Database
from boothapp.store.mappers import lead_from_row, lead_value_columns
from boothapp.store.tables import LeadChangeRow, LeadRow, StaffRow
from boothapp.store.types import SharedJSON, UTCDateTime, utc_from_stored

# The PDF writers (ReportLab's page layout) load when a PDF is written: every command and
# the window's start import this module, ~0.12 s each for a PDF most never write (issue 23).
if TYPE_CHECKING:
    from boothapp.reports.lead_sheet import HistoryEntry

Progress = Callable[[int, int], None]
# Rows fetched from the database at a time while exporting.
READ_CHUNK = 2000
# Rows a capture-order read on SQLite may hold back to give table-order rows in capture
# order (see ``_in_capture_order``); farther out of order, SQLite sorts them.
REORDER_ROWS = 5000


class _StreamedLeads:
    """Leads read while they are written, with the count known up front; as Lead objects,
    or as tuples of the stored values a writer asks for (``reports.columns.LeadRecords``)."""

    def __init__(
        self,
        read: Callable[[], Iterator[Lead]],
        records: Callable[[Sequence[str]], Iterator[Sequence[Any]]],
        total: int,
    ) -> None:
        self._read, self._records = read, records
        self._total = total

    def records(self, fields: Sequence[str]) -> Iterator[Sequence[Any]]:
        return self._records(fields)

    def __len__(self) -> int:
        return self._total

    def __iter__(self) -> Iterator[Lead]:
        return self._read()


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Which leads go into an export; empty means all of the event's leads."""

    ratings: tuple[Rating, ...] = ()
    stages: tuple[Stage, ...] = ()
    staff_names: tuple[str, ...] = ()
    qualified_only: bool = False
    include_flagged: bool = True  # leads marked "please delete"
    since: date | None = None  # capture day in the event's zone, inclusive
    until: date | None = None
    search: str = ""

    def describe(self) -> dict[str, object]:
        return {
            k: v
            for k, v in {
                "ratings": [r.value for r in self.ratings],
                "stages": [s.value for s in self.stages],
                "staff": list(self.staff_names),
                "qualified_only": self.qualified_only,
                "include_flagged": self.include_flagged,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "search": self.search,
            }.items()
            if v
        }


@dataclass(frozen=True, slots=True)
class ExportRequest:
    event_id: str
    path: Path
    format: ExportFormat = ExportFormat.CSV
    filter: LeadFilter = field(default_factory=LeadFilter)
    columns: ColumnChoice | None = None
    bom: bool = False
    delimiter: str = ","
    staff_id: str = ""
    # Issue 21: headers in the manager's language (None: the current one), or the column ids
    # for a CRM import (HeaderStyle.MACHINE).
    language: Language | None = None
    headers: HeaderStyle = HeaderStyle.PEOPLE


def question_columns(cfg: EventConfig, lang: str = "") -> list[QuestionColumn]:
    # Labels from the one code->label mapping (core.answers), so exports read like the screens;
    # in ``lang`` where the manager wrote a translation (issue 21), else their own wording.
    return [
        QuestionColumn(q.id, question_label(q, lang), option_labels(q, lang)) for q in cfg.questions
    ]


class ExportService:
    def __init__(
        self,
        db: Database,
        events: EventService,
        configs: EventConfigService,
        staff: StaffService,
        device_id: str = "",
    ) -> None:
        self._db, self._events, self._configs, self._staff = db, events, configs, staff
        self._device_id = device_id
        # The post-show report's ROI pages (issue 22); the composition root sets it.
        self.results_of: Callable[[str], ShowResults] | None = None

    # -- reading ----------------------------------------------------------------------------
    def iter_leads(self, event: Event, flt: LeadFilter) -> Iterator[Lead]:
        """The event's leads in capture order, streamed from one query (fast at 50,000):
        read ``READ_CHUNK`` rows at a time, so an export holds one chunk, not the event."""
        names, where = self._lead_filter(event, flt)
        zone = ZoneInfo(event.timezone)
        with self._db.read() as s:
            for row in _in_capture_order(s.connection(), select(LeadRow.__table__), where):
                if flt.since or flt.until:
                    day = row.created_at.astimezone(zone).date()
                    if (flt.since and day < flt.since) or (flt.until and day > flt.until):
                        continue
                yield lead_from_row(row, names.get(row.staff_id, ""))

    def iter_records(
        self, event: Event, flt: LeadFilter, fields: Sequence[str]
    ) -> Iterator[Sequence[Any]]:
        """As ``iter_leads``, but each lead as the tuple of its stored ``fields`` values
        (see ``store.mappers.lead_value_columns``): no Lead object per row."""
        _names, where = self._lead_filter(event, flt)
        values = lead_value_columns(fields, event.id)
        by_day = bool(flt.since or flt.until)
        zone = ZoneInfo(event.timezone)
        with self._db.read() as s:
            conn = s.connection()
            texts = _stored_texts(values) if conn.dialect.name == "sqlite" else None
            if texts is not None:
                values = texts.columns
            q = select(*values, *([LeadRow.created_at] if by_day else [])).select_from(
                LeadRow.__table__
            )
            rows: Iterable[Sequence[Any]] = _in_capture_order(conn, q, where)
            if texts is not None:
                rows = texts.decode(rows, conn.dialect)
            if not by_day:
                yield from rows
                return
            at = len(values)  # the capture time read for the day filter
            for row in rows:
                day = row[at].astimezone(zone).date()
                if (flt.since and day < flt.since) or (flt.until and day > flt.until):
                    continue
                yield row

    def _lead_filter(
        self, event: Event, flt: LeadFilter
    ) -> tuple[dict[str, str], list[ColumnElement[bool]]]:
        """The staff names by id, and the conditions picking ``flt``'s leads of ``event``."""
        names = {s.id: s.name for s in self._staff.list_staff(event.id)}
        where: list[ColumnElement[bool]] = [LeadRow.event_id == event.id]
        if flt.ratings:
            where.append(LeadRow.rating.in_([r.value for r in flt.ratings]))
        if flt.stages:
            where.append(LeadRow.stage.in_([s.value for s in flt.stages]))
        if flt.qualified_only:
            where.append(LeadRow.qualified.is_(True))
        if not flt.include_flagged:
            where.append(LeadRow.please_delete.is_(False))
        if flt.staff_names:
            wanted = {n.lower() for n in flt.staff_names}
            ids = [i for i, n in names.items() if n.lower() in wanted]
            where.append(LeadRow.staff_id.in_(ids))
        if flt.search.strip():
            like = f"%{flt.search.strip().lower()}%"
            cols = ("first_name", "last_name", "company", "email", "notes")
            where.append(or_(*(func.lower(getattr(LeadRow, c)).like(like) for c in cols)))
        return names, where

    def _lead_query(self, event: Event, flt: LeadFilter) -> tuple[dict[str, str], Select[Any]]:
        names, where = self._lead_filter(event, flt)
        return names, select(LeadRow.__table__).where(*where)

    def streamed_leads(self, event: Event, flt: LeadFilter) -> _StreamedLeads:
        """The leads to write, read as the writer goes; ``len`` is counted in SQL (for the
        progress bar; the capture-day filter may make the stream a little shorter)."""
        _names, q = self._lead_query(event, flt)
        with self._db.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        return _StreamedLeads(
            lambda: self.iter_leads(event, flt),
            lambda fields: self.iter_records(event, flt, fields),
            total,
        )

    def count(self, event_id: str, flt: LeadFilter) -> int:
        event = self._events.find_event(event_id)
        return sum(1 for _ in self.iter_leads(event, flt))

    def available_columns(self, event_id: str) -> list[tuple[str, str]]:
        """(column id, header) of every exportable column, in the default order."""
        event = self._events.find_event(event_id)
        questions = question_columns(self._configs.get(event.id))
        return [(cid, col.label) for cid, col in column_catalogue(event, questions).items()]

    # -- writing ----------------------------------------------------------------------------
    def export(self, req: ExportRequest, progress: Progress | None = None) -> ExportSummary:
        event = self._events.find_event(req.event_id)
        questions = question_columns(self._configs.get(event.id), (req.language or current()).value)
        # Written as they are read: never the whole event in memory (issue 23).
        leads = self.streamed_leads(event, req.filter)
        with using(req.language):
            if req.format is ExportFormat.CSV:
                summary = export_csv(
                    leads, event, questions, req.path, columns=req.columns, bom=req.bom,
                    delimiter=req.delimiter, progress=progress, headers=req.headers,
                )  # fmt: skip
            else:
                summary = export_xlsx(
                    leads, event, questions, req.path, columns=req.columns, progress=progress,
                    headers=req.headers,
                )  # fmt: skip
        self._audit(
            AuditAction.EXPORT,
            event.id,
            req.staff_id,
            {"format": req.format.value, "file": str(req.path), "rows": summary.rows,
             "filter": req.filter.describe()},
        )  # fmt: skip
        return summary

    def report(
        self,
        event_id: str,
        path: Path,
        logo: Path | None = None,
        staff_id: str = "",
        progress: Progress | None = None,
    ) -> int:
        """Write the post-show PDF report; returns the number of leads it covers."""
        event = self._events.find_event(event_id)
        cfg = self._configs.get(event.id)
        questions = question_columns(cfg, cfg.language.value)
        # The figures from ten narrow columns as slots rows, the 25 best leads in full: not
        # every lead of a 50k event as a Lead (issue 23).
        leads = self._report_rows(event.id)
        covered = len(leads)
        data = build_report_data(
            event, leads, self._staff.list_staff(event.id), self._first_touches(event.id),
            questions=questions, top_leads=self._top_leads(event, TOP_LEADS),
            owner_names=rep_names(cfg.routing.reps, cfg.language),
        )  # fmt: skip
        # The figures are made: the rows go before the ROI pages read the leads again, so
        # the two reads do not add up in memory (332 -> ... MB peak at 50k; issue 23).
        del leads
        with using(cfg.language):  # the results' own sentences in the event's language too
            roi = self.results_of(event.id) if self.results_of is not None else None
        from boothapp.reports.pdf_report import write_report_pdf

        write_report_pdf(data, path, logo=logo, progress=progress, roi=roi, language=cfg.language)
        self._audit(AuditAction.REPORT, event.id, staff_id, {"file": str(path), "leads": covered})
        return covered

    def lead_sheet(self, lead: Lead, path: Path, score_lines: tuple[str, ...] = ()) -> None:
        event = self._events.find_event(lead.event_id)
        cfg = self._configs.get(event.id)
        from boothapp.reports.lead_sheet import write_lead_sheet

        photos = image_paths_of(self._db, lead.id)  # the card photographed at the booth
        write_lead_sheet(
            lead, event, path, questions=question_columns(cfg, cfg.language.value),
            score_lines=score_lines, history=self._history(lead.id, cfg),
            card_image=card_picture(photos[-1]) if photos else None, language=cfg.language,
            owner_name=rep_name(rep, cfg.language) if (rep := cfg.routing.rep(lead.owner)) else "",
        )  # fmt: skip

    def _report_rows(self, event_id: str) -> list[ReportRow]:
        values: list[Any] = [
            LeadRow.id, LeadRow.created_at, LeadRow.staff_id, LeadRow.owner, LeadRow.rating,
            LeadRow.qualified, LeadRow.score, LeadRow.stage, LeadRow.please_delete,
            type_coerce(LeadRow.answers, SharedJSON()),  # read-only: each text decoded once
        ]  # fmt: skip
        ratings, stages = {r.value: r for r in Rating}, {st.value: st for st in Stage}
        rows: list[ReportRow] = []
        with self._db.read() as s:
            conn = s.connection()
            # On SQLite the time and JSON texts decoded in one pass, as the exports read them.
            texts = _stored_texts(values) if conn.dialect.name == "sqlite" else None
            q = select(*(texts.columns if texts else values)).select_from(LeadRow.__table__)
            mine = LeadRow.event_id == event_id
            # In table order on SQLite (see _capture_order): the figures need no order.
            q = _in_table_order(q, [mine]) if conn.dialect.name == "sqlite" else q.where(mine)
            result: Iterable[Sequence[Any]] = conn.execute(
                q.execution_options(yield_per=READ_CHUNK)
            )
            if texts is not None:
                result = texts.decode(result, conn.dialect)
            for i, at, staff, owner, rating, ok, score, stage, flagged, answers in result:
                rows.append(
                    ReportRow(
                        i,
                        at,
                        staff,
                        owner,
                        ratings[rating],
                        ok,
                        score,
                        stages[stage],
                        flagged,
                        answers or {},
                    )
                )
        return rows

    def _top_leads(self, event: Event, top: int) -> list[Lead]:
        """The report's best leads (score, then hot before warm before cold, then earliest),
        ordered in SQL, as ``reports.stats`` ranks them."""
        names, q = self._lead_query(event, LeadFilter())
        rank = case((LeadRow.rating == Rating.HOT.value, 0),
                    (LeadRow.rating == Rating.WARM.value, 1), else_=2)  # fmt: skip
        q = q.order_by(LeadRow.score.desc(), rank, LeadRow.created_at).limit(top)
        with self._db.read() as s:
            return [
                lead_from_row(row, names.get(row.staff_id, ""))  # type: ignore[arg-type]
                for row in s.connection().execute(q)
            ]

    def _first_touches(self, event_id: str) -> dict[str, datetime]:
        """Each lead's first done follow-up."""
        first: dict[str, datetime] = {}
        with self._db.read() as s:
            for lead_id, at, _outcome in done_touches(s.connection(), event_id):
                if lead_id not in first or at < first[lead_id]:
                    first[lead_id] = at
        return first

    def _history(self, lead_id: str, cfg: EventConfig | None = None) -> list[HistoryEntry]:
        from boothapp.reports.lead_sheet import HistoryEntry

        with self._db.read() as s:
            rows = s.execute(
                select(LeadChangeRow, StaffRow.name)
                .outerjoin(StaffRow, StaffRow.id == LeadChangeRow.staff_id)
                .where(LeadChangeRow.lead_id == lead_id)
                .order_by(LeadChangeRow.created_at)
            ).all()
            return [
                HistoryEntry(
                    r.created_at,
                    answers_change_text(cfg, r.old_value, r.new_value)  # words, not codes
                    if r.field == "answers" and cfg is not None
                    else change_text(r.field, r.old_value, r.new_value),
                    name or "",
                )
                for r, name in rows
            ]

    def _audit(
        self, action: AuditAction, event_id: str, staff_id: str, detail: dict[str, object]
    ) -> None:
        with self._db.session() as s:
            record(s, action, event_id=event_id, staff_id=staff_id, device_id=self._device_id,
                   detail=detail)  # fmt: skip


def _in_table_order(q: Select[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """``q`` (from the leads table, with no conditions) reading the leads ``where`` picks in
    table (rowid) order, on SQLite.

    An index on the event names its leads in capture order, but their rows lie wherever
    they were stored (a synced or generated event: all over the table), so a read through
    the index jumps from page to page: with a cold page cache the 50k export read 160 MB in
    random 4 KiB reads, 6.2 s against 2.0 s for the same rows in table order (issue 23).
    The rowids come from an index (a covering read), the rows then in rowid order; the
    subquery is not correlated, and the outer query has no condition an index could serve
    (SQLite would walk that index instead)."""
    rowid: ColumnElement[int] = literal_column("leads.rowid")
    picked = select(rowid).select_from(LeadRow.__table__).where(*where)
    return q.where(rowid.in_(picked.scalar_subquery().correlate(None)))


def _capture_order(q: Select[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """``q`` (from the leads table, with no conditions) reading the leads ``where`` picks, in
    capture order, sorted by SQLite from table order (``_in_table_order``; the ``+`` keeps it
    from walking the capture index instead); equal times in rowid order, as that index gives
    them."""
    return _in_table_order(q, where).order_by(
        literal_column("+leads.created_at"), literal_column("leads.rowid")
    )


def _in_capture_order(
    conn: Connection, q: Select[Any], where: Sequence[ColumnElement[bool]]
) -> Iterable[Any]:
    """The rows of ``q`` (from the leads table, with no conditions) for the leads ``where``
    picks, in capture order (equal times in rowid order), streamed.

    On SQLite they are read in table order (``_in_table_order``) and put in capture order
    here, from the capture index's rowids: SQLite's own sort of the whole rows took
    0.3-0.5 s of a 50k export, the rows' 60 MB in its sorter, and read the whole table
    before the first row came (issue 23). A read that would hold back more than
    ``REORDER_ROWS`` rows (an event stored far from capture order) is sorted by SQLite."""
    if conn.dialect.name != "sqlite":
        q = q.where(*where).order_by(LeadRow.created_at)
        return conn.execute(q.execution_options(yield_per=READ_CHUNK))
    rowid: ColumnElement[int] = literal_column("leads.rowid")
    picked = select(rowid).select_from(LeadRow.__table__).where(*where)
    order = list(conn.execute(picked.order_by(LeadRow.created_at, rowid)).scalars())
    in_table_order = all(map(operator.lt, order, itertools.islice(order, 1, None)))
    if not in_table_order and held_back(order) > REORDER_ROWS:
        return conn.execute(_capture_order(q, where).execution_options(yield_per=READ_CHUNK))
    rows = conn.execute(
        _in_table_order(q.add_columns(rowid), where).execution_options(yield_per=READ_CHUNK)
    )
    # A device's own scans lie in capture order: its rows come as read (one read, one
    # snapshot), with nothing to hold back or look up per row.
    return rows if in_table_order else _reordered(rows, order)


def held_back(order: Sequence[int]) -> int:
    """The most rows a read in ascending ``order`` (rowids) holds before it can give them in
    ``order``: capture row i goes once every rowid up to the largest among rows 0..i is read."""
    rank = {r: n for n, r in enumerate(sorted(order))}
    most = top = 0
    for n, r in enumerate(order):
        at = rank[r]
        if at > top:
            top = at
            if top - n > most:
                most = top - n
    return most + 1 if order else 0


def _reordered(rows: Iterable[Sequence[Any]], order: Sequence[int]) -> Iterator[Sequence[Any]]:
    """``rows`` (read in rowid order, the rowid last) in ``order``. A row stored after
    ``order`` was read comes last; one deleted since is passed over."""
    held: dict[int, Sequence[Any]] = {}
    wanted = iter(order)
    want = next(wanted, None)
    for row in rows:
        rid = row[-1]
        if rid == want:
            yield row
            want = next(wanted, None)
        else:
            held[rid] = row
        # Every row up to ``rid`` is read: the wanted ones are held, or gone since.
        while want is not None and (want in held or want < rid):
            if want in held:
                yield held.pop(want)
            want = next(wanted, None)
    while want is not None:
        if want in held:
            yield held.pop(want)
        want = next(wanted, None)
    for rid in sorted(held):  # stored during the read
        yield held[rid]


class _StoredTexts:
    """SQLite's stored texts of the time and JSON columns, decoded here in one pass per row
    (issue 23): the columns' own result types cost three Python calls a value (the
    dialect's parser, the decorator's wrapper, its method), 100,000 times each at 50k leads.
    Decoded by the column types' own rules (``utc_from_stored``, a ``SharedJSON`` memo), so
    the values are those the types give (tests/unit/test_exports_records.py compares the
    files)."""

    def __init__(self, columns: list[Any], times: list[int], jsons: list[int]) -> None:
        self.columns, self._times, self._jsons = columns, times, jsons

    def decode(self, rows: Iterable[Sequence[Any]], dialect: Dialect) -> Iterator[list[Any]]:
        times, jsons = self._times, self._jsons
        shared = SharedJSON().process_result_value  # one memo for this read
        for row in rows:
            rec = list(row)
            for i in times:
                rec[i] = utc_from_stored(rec[i])
            for i in jsons:
                rec[i] = shared(rec[i], dialect)
            yield rec


def _stored_texts(values: list[Any]) -> _StoredTexts | None:
    """The read columns with their time and JSON columns read as stored text; None when
    there are none."""
    columns: list[Any] = []
    times: list[int] = []
    jsons: list[int] = []
    for i, col in enumerate(values):
        kind = col.type
        if isinstance(kind, UTCDateTime):
            times.append(i)
        elif isinstance(kind, SharedJSON | JSON):
            jsons.append(i)
        else:
            columns.append(col)
            continue
        columns.append(type_coerce(col, Text()).label(getattr(col, "key", None) or f"c{i}"))
    return _StoredTexts(columns, times, jsons) if times or jsons else None


# A lead's field and its coded values as the lead sheet's reader says them (issue 21: the
# Persian sheet's history read "stage: to_contact → in_contact").
_FIELD_NAMES: dict[str, str] = {
    "stage": N_("Stage"),
    "rating": N_("Rating"),
    "owner": N_("Owner"),
    "notes": N_("Notes"),
    "score": N_("Score"),
    "qualified": N_("Qualified"),
    **CONTACT_LABELS,
}


def change_text(field_name: str, old: object, new: object) -> str:
    """'Stage: To contact → In contact' in the current language; an unknown field as stored."""
    name = gettext(_FIELD_NAMES[field_name]) if field_name in _FIELD_NAMES else field_name
    return f"{name}: {_change_value(old)} → {_change_value(new)}"


def _change_value(value: object) -> str:
    text = "" if value is None else str(value)
    for kind in (Stage, Rating):
        if text in kind._value2member_map_:
            return label(kind(text))
    return text
