"""Issue #23: a bulk build's chunks commit on a thread of their own (``CommitsBehind``) while
the next chunk is routed. Units still commit one after the other, the broadcast of a chunk
comes after its commit, and a commit that fails stops the build with its own error: nothing
after it is stored. Real SQLite files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from boothapp.services.lead_changes import LeadsChanged
from boothapp.services.leads import CapturedLead
from boothapp.store.commits_behind import CommitsBehind
from boothapp.store.db import Database, make_engine
from tests.unit.test_bulk_capture import LEADS, NOW, _drafts, _setup


def _db(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    db = Database(make_engine(url), url)
    with db.session() as s:
        s.execute(text("PRAGMA foreign_keys=ON"))
        s.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        s.execute(
            text(
                "CREATE TABLE child (x INTEGER, parent_id INTEGER REFERENCES parent (id) "
                "DEFERRABLE INITIALLY DEFERRED)"
            )
        )
    return db


def _count(db: Database, table: str) -> int:
    with db.read() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_units_commit_in_order_and_each_waits_for_the_one_before(tmp_path: Path) -> None:
    db = _db(tmp_path)
    behind = CommitsBehind()
    try:
        for i in range(5):
            with db.session(behind=behind) as s:
                # Opened after the one before committed: it sees every earlier row.
                assert s.execute(text("SELECT count(*) FROM parent")).scalar_one() == i
                s.execute(text("INSERT INTO parent (id) VALUES (:i)"), {"i": i})
        behind.wait()
        assert _count(db, "parent") == 5
    finally:
        behind.close()
        db.dispose()


def test_a_failed_commit_is_raised_and_nothing_after_it_is_stored(tmp_path: Path) -> None:
    db = _db(tmp_path)
    behind = CommitsBehind()
    ran: list[str] = []
    try:
        with db.session(behind=behind) as s:
            s.execute(text("INSERT INTO parent (id) VALUES (1)"))
        # A foreign key checked at commit: the statement passes, the commit fails.
        with db.session(behind=behind) as s:
            s.execute(text("INSERT INTO child (x, parent_id) VALUES (1, 99)"))
        behind.submit(lambda: ran.append("after"))  # e.g. the failed unit's broadcast
        # The next unit never opens.
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.session(behind=behind) as s:
            s.execute(text("INSERT INTO parent (id) VALUES (2)"))
        assert ran == []
        assert _count(db, "parent") == 1 and _count(db, "child") == 0
        behind.wait()  # raised once: the caller may go on after handling it
    finally:
        behind.close()
        db.dispose()


def test_a_bulk_capture_announces_each_chunk_after_its_commit(tmp_path: Path) -> None:
    ctx, event_id = _setup(tmp_path / "d")
    seen: list[tuple[int, int, str]] = []

    def listener(changed: LeadsChanged) -> None:
        # What a view reads when told: the chunk's leads are stored by then.
        stored = len(ctx.leads.list_leads(event_id))
        seen.append((len(changed.created), stored, threading.current_thread().name))

    ctx.changes.subscribe(listener)
    try:
        drafts = _drafts(ctx, event_id)
        added = ctx.leads.add_captured(event_id, [CapturedLead(d, NOW) for d in drafts], chunk=5)
        assert added == LEADS
        assert [(n, stored) for n, stored, _ in seen] == [(5, 5), (5, 10), (2, 12)]
        assert all(name.startswith("boothapp-commit") for _, _, name in seen)
    finally:
        ctx.close()
