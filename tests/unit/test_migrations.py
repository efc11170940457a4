"""Schema migrations: fresh databases reach head, upgrades keep data and leave a backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from boothapp.store.db import (
    BUSY_TIMEOUT_MS,
    DatabaseError,
    DatabaseTooNewError,
    NotADatabaseError,
    make_engine,
)
from boothapp.store.migrate import alembic_config, head_revision, open_database
from boothapp.store.search_schema import include_object
from boothapp.store.tables import Base


def _migrate(path: Path, step: Callable[[Config, str], None], target: str) -> None:
    """One Alembic step (``command.upgrade`` or ``downgrade``) on the file at ``path``."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            step(cfg, target)
    finally:
        engine.dispose()


def test_fresh_database_is_created_at_head_with_the_models_schema(tmp_path: Path) -> None:
    db, report = open_database(f"sqlite:///{tmp_path / 'new.db'}", tmp_path / "backups")
    try:
        assert report.from_revision is None
        assert report.to_revision == head_revision()
        assert report.backup is None  # nothing to back up on a new file
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            assert ctx.get_current_revision() == head_revision()
            # The migrations and the ORM models describe the same schema.
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        db.dispose()


def test_upgrade_from_first_revision_keeps_data_and_writes_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    _migrate(path, command.upgrade, "0001")
    con = sqlite3.connect(path)
    now = "2026-11-20 09:00:00"
    con.execute(
        "INSERT INTO events (id, created_at, updated_at, device_id, created_by, name, venue,"
        " booth, country, timezone, config, config_revision)"
        " VALUES ('e1', ?, ?, 'd', '', 'Old Show', '', '', 'TR', 'Europe/Istanbul', '{}', 0)",
        (now, now),
    )
    con.execute(
        "INSERT INTO leads (id, created_at, updated_at, device_id, created_by, event_id, badge_key,"
        " badge_id, raw_payload, source, first_name, last_name, email, phone, company, title,"
        " country, city, timezone, answers, rating, rating_overridden, score, qualified, notes,"
        " consent_text, owner, stage, please_delete, referred_by, staff_id, crm_ids, sync_state)"
        " VALUES ('l1', ?, ?, 'd', '', 'e1', 'id:42', '42', 'RAW', 'badge_scan', 'Ayşe', 'Yılmaz',"
        " 'ayse@example.com', '', 'Acme', '', 'TR', '', '', '{}', 'hot', 0, 80, 1, 'n', '', '',"
        " 'to_contact', 0, '', '', '{}', 'not_queued')",
        (now, now),
    )
    con.commit()
    con.close()

    db, report = open_database(url, tmp_path / "backups")
    try:
        assert report.from_revision == "0001"
        assert report.to_revision == head_revision()
        assert report.backup is not None and report.backup.exists()
        # The backup is a usable copy of the old database.
        backup = sqlite3.connect(report.backup)
        assert backup.execute("SELECT first_name FROM leads").fetchall() == [("Ayşe",)]
        backup.close()
        from boothapp.services.leads import LeadService

        lead = LeadService(db).get_lead("l1")
        assert lead.contact.full_name == "Ayşe Yılmaz"
        assert lead.score == 80
        with db.engine.connect() as conn:
            tables = set(db.engine.dialect.get_table_names(conn))
        assert {"outbox", "followups", "lead_changes"} <= tables
    finally:
        db.dispose()


def _done_index_is_partial(path: Path) -> bool:
    con = sqlite3.connect(path)
    try:
        return {r[1]: r[4] for r in con.execute("PRAGMA index_list(followups)")}[
            "ix_followups_done"
        ] == 1
    finally:
        con.close()


def test_done_index_becomes_partial_and_back(tmp_path: Path) -> None:
    # 0018: the done_at index keeps done touches only; downgrading restores the full one.
    path = tmp_path / "old.db"
    for step, target, partial in (
        (command.upgrade, "0017_queue", False),
        (command.upgrade, "0018_done", True),
        (command.downgrade, "0017_queue", False),
    ):
        _migrate(path, step, target)
        assert _done_index_is_partial(path) is partial


def _followup_indexes(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        names = [r[1] for r in con.execute("PRAGMA index_list(followups)")]
        return {
            n: [r[2] for r in con.execute(f"PRAGMA index_info({n})")]
            for n in names
            if n.startswith("ix_followups_due") or n.startswith("ix_followups_slot")
        }
    finally:
        con.close()


def test_due_and_slot_indexes_become_one_and_back(tmp_path: Path) -> None:
    # 0019: one index of open touches by state and due time serves the queue, the send run
    # and the slot counts; downgrading brings the two back.
    path = tmp_path / "old.db"
    two = {
        "ix_followups_due": ["state", "due_at"],
        "ix_followups_slot": ["channel", "state", "due_at", "lead_id"],
    }
    one = {"ix_followups_due": ["state", "due_at", "channel", "lead_id"]}
    for step, target, want in (
        (command.upgrade, "0018_done", two),
        (command.upgrade, "0019_due", one),
        (command.downgrade, "0018_done", two),
    ):
        _migrate(path, step, target)
        assert _followup_indexes(path) == want


def test_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, eggs\n" * 10)
    before = path.read_bytes()
    with pytest.raises(NotADatabaseError, match="not a BoothApp database"):
        open_database(f"sqlite:///{path}", tmp_path / "backups")
    assert path.read_bytes() == before


def test_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db, _ = open_database(f"sqlite:///{path}", tmp_path / "backups")
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseTooNewError, match="newer BoothApp"):
        open_database(f"sqlite:///{path}", tmp_path / "backups")


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    db, _ = open_database(f"sqlite:///{tmp_path / 'w.db'}", tmp_path / "backups")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    finally:
        db.dispose()


def test_zero_byte_file_is_refused_with_its_path(tmp_path: Path) -> None:
    # Issue #18 finding 6: a truncated boothapp.db silently became a fresh empty schema.
    path = tmp_path / "boothapp.db"
    path.write_bytes(b"")
    with pytest.raises(NotADatabaseError, match=rf"^{path} is empty \(0 bytes\)"):
        open_database(f"sqlite:///{path}", tmp_path / "backups")
    assert path.read_bytes() == b""
    assert not (tmp_path / "backups").exists()


def test_half_applied_schema_is_reported_and_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    db, _ = open_database(f"sqlite:///{path}", tmp_path / "backups")
    db.dispose()
    con = sqlite3.connect(path)
    # Revision 0005 recorded, but 0006's index already there: the upgrade cannot finish.
    con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.execute("CREATE TABLE scratch (x)")  # a change the upgrade must not lose
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match=r"half-applied: revision 0005 found") as info:
        open_database(f"sqlite:///{path}", tmp_path / "backups")
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and str(backups[0]) in str(info.value)
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)
    assert con.execute("SELECT count(*) FROM scratch").fetchone() == (0,)
    con.close()
