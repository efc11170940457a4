"""``insert_rows`` stores what SQLAlchemy's ``insert()`` stores (issue 23): the same text for
times, JSON (None as JSON null), booleans and the Python-side defaults of columns a row
leaves out. Two real SQLite files with the app's schema, the stored values read raw."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from boothapp.store.bulk import insert_rows, loaded_row, loaded_values
from boothapp.store.tables import AuditRow, Base, ChangeLogRow, FollowUpRow, ScanRow, table_of

AT = datetime(2026, 12, 2, 11, 30, 15, 250, tzinfo=UTC)
_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")

CASES: dict[str, tuple[type[Any], list[dict[str, Any]]]] = {
    "followups": (
        FollowUpRow,
        [
            dict(id=f"f{i}", lead_id="l1", touch_number=i, channel="email",
                 # Moments repeat, in other zones too: each distinct one is formatted once.
                 due_at=(AT + timedelta(days=i % 2)).astimezone(timezone(timedelta(hours=i))),
                 timezone="Europe/Istanbul", template_id="t",
                 reason="r", subject="Sübject", body_text="b\n", body_html="<p>b</p>",
                 state="planned", owner="Jonas", device_id="d", language="tr")
            for i in range(4)
        ],
    ),
    "change_log": (
        ChangeLogRow,
        [
            dict(device_id="d", device_seq=1, hlc="h1", event_id="e", lead_id="l1", field="*",
                 value={"answers": {"q": ["a", "b"]}, "score": 5, "name": "Ayşe"},
                 old_value=None, staff_id="s", staff_name="Deniz", device_name="",
                 change_id=None, at=AT),
            dict(device_id="d", device_seq=2, hlc="h2", event_id="e", lead_id="l1",
                 field="rating", value="hot", old_value="warm", staff_id="", staff_name="",
                 device_name="", change_id="c", at=AT.astimezone(timezone(timedelta(hours=3)))),
        ],
    ),
    "scans": (
        ScanRow,
        [dict(id="s1", event_id="e", payload="BEGIN:VCARD", source="badge_scan", lead_id="l1",
              staff_id="", device_id="d", created_by="", created_at=AT, updated_at=AT)],
    ),
    "audit_log": (
        AuditRow,
        [dict(id="a1", action="lead_created", event_id="e", lead_id="l1", staff_id="s",
              device_id="d", created_by="s", detail={}),
         dict(id="a2", action="lead_created", event_id="e", lead_id="l2", staff_id="",
              device_id="d", created_by="", detail={"n": 1})],
    ),
}  # fmt: skip


def _stored(path: Path, table: str, write: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        write(s)
        s.commit()
    with engine.connect() as con:
        rows = con.exec_driver_sql(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("table", sorted(CASES))
def test_insert_rows_stores_what_sqlalchemy_stores(tmp_path: Path, table: str) -> None:
    model, rows = CASES[table]
    want = _stored(tmp_path / "core.db", table, lambda s: s.execute(insert(table_of(model)), rows))
    got = _stored(tmp_path / "bulk.db", table, lambda s: insert_rows(s, model, rows))
    assert len(got) == len(want) == len(rows)
    columns = [c.name for c in table_of(model).columns]
    for g, w in zip(got, want, strict=True):
        for name, gv, wv in zip(columns, g, w, strict=True):
            given = any(name in r for r in rows)
            if not given and name in ("created_at", "updated_at"):  # utcnow, a moment apart
                assert isinstance(gv, str) and _STAMP.fullmatch(gv), (name, gv)
                assert isinstance(wv, str) and _STAMP.fullmatch(wv), (name, wv)
                continue
            assert (name, gv) == (name, wv)


def test_insert_rows_of_nothing_writes_nothing(tmp_path: Path) -> None:
    assert _stored(tmp_path / "x.db", "scans", lambda s: insert_rows(s, ScanRow, [])) == []


def test_loaded_values_reads_a_column_not_loaded_through_its_attribute(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    Base.metadata.create_all(engine)
    columns = ("id", "lead_id", "subject", "state")
    made = loaded_row(FollowUpRow, dict(id="f1", lead_id="l1", subject="Hi", state="planned"))
    assert loaded_values(made, columns) == dict(
        id="f1", lead_id="l1", subject="Hi", state="planned"
    )
    assert loaded_values(made, ["subject"]) == {"subject": "Hi"}
    with Session(engine) as s:
        s.execute(insert(table_of(FollowUpRow)), [CASES["followups"][1][0] | {"id": "f0"}])
        row = s.get(FollowUpRow, "f0")
        assert row is not None
        s.expire(row, ["subject"])  # no longer in the row's dict: read again from the file
        assert loaded_values(row, columns) == dict(
            id="f0", lead_id="l1", subject="Sübject", state="planned"
        )
