"""The export service reads stored values as tuples (no Lead per row, issue 23): its files
must be byte for byte those written from the same leads read as Lead objects."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from boothapp.app import AppContext, build_context
from boothapp.core.i18n import current
from boothapp.core.models import Rating
from boothapp.demo.build import build_demo
from boothapp.reports.columns import ColumnChoice, LeadRecords
from boothapp.reports.csv_export import export_csv
from boothapp.reports.xlsx_export import export_xlsx
from boothapp.services import exports
from boothapp.services.exports import (
    ExportFormat,
    ExportRequest,
    LeadFilter,
    question_columns,
)
from boothapp.services.followup_rows import done_touches
from boothapp.store.tables import EventRow, FollowUpRow, LeadRow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, str]]:
    ctx = build_context(str(tmp_path_factory.mktemp("data")), encrypt_new=False)
    try:
        yield ctx, build_demo(ctx, leads=240).event.id
    finally:
        ctx.close()


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _filters(ctx: AppContext, event_id: str) -> list[LeadFilter]:
    event = ctx.events.find_event(event_id)
    leads = list(ctx.exports.iter_leads(event, LeadFilter()))
    first = leads[len(leads) // 2].created_at.date()
    staff = leads[0].staff_name
    return [
        LeadFilter(),
        LeadFilter(ratings=(Rating.HOT,), include_flagged=False),
        LeadFilter(staff_names=(staff.upper(),), search="a"),
        LeadFilter(since=first, until=first + timedelta(days=1)),
    ]


@pytest.mark.parametrize("fmt", list(ExportFormat))
@pytest.mark.parametrize("choice", [None, ("staff", "q:budget", "crm_ids", "captured_at")])
def test_service_export_matches_the_leads_written_as_objects(
    demo: tuple[AppContext, str], tmp_path: Path, fmt: ExportFormat, choice: tuple[str, ...] | None
) -> None:
    ctx, event_id = demo
    event = ctx.events.find_event(event_id)
    questions = question_columns(ctx.configs.get(event_id), current().value)
    columns = ColumnChoice(choice) if choice else None
    if choice and not any(q.id == "budget" for q in questions):
        columns = ColumnChoice(("staff", "q:" + questions[0].id, "crm_ids", "captured_at"))
    for n, flt in enumerate(_filters(ctx, event_id)):
        ours, theirs = tmp_path / f"svc{n}.{fmt.value}", tmp_path / f"obj{n}.{fmt.value}"
        summary = ctx.exports.export(ExportRequest(event_id, ours, fmt, flt, columns))
        leads = list(ctx.exports.iter_leads(event, flt))
        assert isinstance(ctx.exports.streamed_leads(event, flt), LeadRecords)  # the fast path
        assert summary.rows == len(leads) > 0
        if fmt is ExportFormat.CSV:
            export_csv(leads, event, questions, theirs, columns=columns)
            assert ours.read_bytes() == theirs.read_bytes()
        else:
            export_xlsx(leads, event, questions, theirs, columns=columns)
            assert _xlsx_parts(ours) == _xlsx_parts(theirs)


def test_first_touches_are_each_leads_earliest_done_follow_up(demo: tuple[AppContext, str]) -> None:
    ctx, event_id = demo
    with ctx.db.read() as s:
        expected = dict(
            s.execute(
                select(FollowUpRow.lead_id, func.min(FollowUpRow.done_at))
                .join(LeadRow, LeadRow.id == FollowUpRow.lead_id)
                .where(LeadRow.event_id == event_id, FollowUpRow.done_at.is_not(None))
                .group_by(FollowUpRow.lead_id)
            ).all()
        )
    assert expected  # the demo's results include done follow-ups
    assert ctx.exports._first_touches(event_id) == expected


def test_done_touches_keep_the_events_own_leads(tmp_path: Path) -> None:
    ctx = build_context(str(tmp_path), encrypt_new=False)
    try:
        now = datetime.now(UTC)
        with ctx.db.session() as s:
            events = [EventRow(name="Ours"), EventRow(name="Theirs")]
            s.add_all(events)
            s.flush()
            leads = [LeadRow(event_id=e.id) for e in events for _ in range(2)]
            s.add_all(leads)
            s.flush()
            for n, lead in enumerate(leads):  # the second lead of each event: still planned
                done = now - timedelta(hours=n) if n % 2 == 0 else None
                s.add(FollowUpRow(lead_id=lead.id, channel="email", due_at=now, done_at=done,
                                  outcome="answered" if done else ""))  # fmt: skip
            ours, ids = events[0].id, [lead.id for lead in leads]
        with ctx.db.read() as s:
            found = done_touches(s.connection(), ours)
        assert [(lead_id, outcome) for lead_id, _at, outcome in found] == [(ids[0], "answered")]
    finally:
        ctx.close()


_SHUFFLED = [5, 1, 3, 1, 0, 3, 1]  # stored out of capture order, with equal times
_IN_ORDER = [0, 1, 1, 3, 3, 5, 6]  # as a device stores its own scans


@pytest.mark.parametrize(
    ("minutes", "reorder_rows"),
    [(_SHUFFLED, exports.REORDER_ROWS), (_SHUFFLED, 1), (_IN_ORDER, 0)],
)
def test_leads_come_in_capture_order_read_in_table_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minutes: list[int], reorder_rows: int
) -> None:
    """Issue 23: the rows are read in table order (a read through the capture index jumped
    all over a cold file), yet come out in capture order, equal times in the order they
    were stored (as the index gave them), the other event's leads left out: put in order
    by the service, or by SQLite when that would hold back more than REORDER_ROWS rows;
    a table already in capture order is never sorted, however small REORDER_ROWS."""
    monkeypatch.setattr(exports, "REORDER_ROWS", reorder_rows)
    ctx = build_context(str(tmp_path), encrypt_new=False)
    try:
        base = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
        with ctx.db.session() as s:
            events = [EventRow(name="Ours"), EventRow(name="Theirs")]
            s.add_all(events)
            s.flush()
            for n, minute in enumerate(minutes):
                for event in events:
                    at = base + timedelta(minutes=minute)
                    s.add(LeadRow(event_id=event.id, created_at=at, first_name=f"{event.name}{n}"))
                s.flush()  # stored one by one: rowids in this order
            ours = events[0].id
        event = ctx.events.find_event(ours)
        expected = [f"Ours{n}" for n in sorted(range(len(minutes)), key=lambda n: minutes[n])]
        names = [lead.contact.first_name for lead in ctx.exports.iter_leads(event, LeadFilter())]
        assert names == expected
        if minutes is _SHUFFLED:
            assert names == ["Ours4", "Ours1", "Ours3", "Ours6", "Ours2", "Ours5", "Ours0"]
        seen: list[tuple[str, Any]] = []

        def remember(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
            if "first_name" in sql:
                seen.append((sql, params))

        sa_event.listen(ctx.db.engine, "before_cursor_execute", remember)
        try:
            records = ctx.exports.iter_records(event, LeadFilter(), ["contact.first_name"])
            assert [r[0] for r in records] == expected
        finally:
            sa_event.remove(ctx.db.engine, "before_cursor_execute", remember)
        ((sql, params),) = seen
        # Sorted by SQLite only when the service would hold back too many rows.
        assert ("ORDER BY" in sql) is (reorder_rows <= 1 and minutes is _SHUFFLED), sql
        with ctx.db.engine.connect() as con:
            plan = " | ".join(
                r[-1] for r in con.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
        # The rows by rowid (table order), never walked through the capture index.
        assert "SEARCH leads USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert "ix_leads_event_created" not in plan, plan
        out = tmp_path / "leads.csv"
        ctx.exports.export(ExportRequest(ours, out, columns=ColumnChoice(("first_name",))))
        assert out.read_text().splitlines()[1:] == expected
    finally:
        ctx.close()


def test_table_order_rows_put_in_capture_order_as_the_table_changes() -> None:
    """Rows read in rowid order are given in the capture index's order; a lead deleted
    between the two reads is passed over, one stored between them comes last."""
    order = [3, 1, 4, 2, 7, 6]  # rowids in capture order, as the index gave them
    assert exports.held_back(order) == 3  # 1, 2 and 3 read before 3 can go
    assert exports.held_back([1, 2, 3]) == 1
    assert exports.held_back([]) == 0
    read = [("one", 1), ("three", 3), ("four", 4), ("six", 6), ("seven", 7), ("nine", 9)]
    # 2 deleted, 9 stored since the index was read
    assert [name for name, _rid in exports._reordered(read, order)] == [
        "three", "one", "four", "seven", "six", "nine"
    ]  # fmt: skip
    assert list(exports._reordered([], order)) == []


@pytest.mark.parametrize(
    "zone", ["Europe/Istanbul", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns"]
)
def test_a_moments_csv_text_is_its_event_time_across_offset_changes(zone: str) -> None:
    """The CSV writes a moment's wall-clock text from its UTC minute (issue 23): the same
    text as converting each moment, across summer-time changes (Lord Howe's by half an
    hour), in minutes an offset with seconds breaks (Istanbul's 1880 mean time), for
    microseconds, naive moments and none."""
    from zoneinfo import ZoneInfo

    from boothapp.reports.columns import ColumnType, to_event_time
    from boothapp.reports.csv_export import _column_cell, _moment_cell

    tz = ZoneInfo(zone)
    cell, plain = _moment_cell(tz), _column_cell(ColumnType.DATETIME)
    # Around each change of offset in those years, second by second.
    changes: list[datetime] = []
    for year in (1880, 2026):
        at = datetime(year, 1, 1, tzinfo=UTC)
        while at.year == year:
            if tz.utcoffset(at.replace(tzinfo=None)) != tz.utcoffset(
                (at + timedelta(hours=1)).replace(tzinfo=None)
            ):
                changes += [at + timedelta(seconds=s) for s in range(-120, 3720, 7)]
            at += timedelta(hours=1)
    moments: list[Any] = [*changes, None, datetime(2026, 3, 1, 12, 0, 5, 999999, tzinfo=UTC)]
    moments.append(datetime(2026, 3, 1, 12, 0, 5))  # naive: taken as UTC
    assert len(changes) > 100
    for moment in moments:
        assert cell(moment) == plain(to_event_time(moment, tz)), moment
