"""CLI verbs that need no scanner: events, leads, database errors as one clear line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from boothapp.store.migrate import open_database


def test_event_create_then_list_prints_id_first(cli) -> None:  # type: ignore[no-untyped-def]
    created = cli("event", "create", "--name", "IFA Berlin", "--timezone", "Europe/Berlin")
    assert created.code == 0
    event_id = created.out.split("\t")[0]
    listed = cli("event", "list")
    assert listed.lines[0].split("\t")[:3] == [event_id, "IFA Berlin", "Europe/Berlin"]


def test_unknown_event_is_one_line_error(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("leads", "list", "--event", "Nowhere Expo")
    assert run.code != 0
    assert run.err.strip() == (
        "boothapp: error: no event 'Nowhere Expo'; see 'boothapp event list'"
    )
    assert "Traceback" not in run.err


def test_bad_time_zone_changes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("event", "create", "--name", "X", "--timezone", "Mars/Olympus")
    assert run.code != 0 and "unknown time zone" in run.err
    assert cli("event", "list").lines == []


def test_database_file_that_is_not_a_database(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    run = cli("--db", f"sqlite:///{bogus}", "event", "list")
    assert run.code != 0
    assert run.err.count("\n") == 1 and "is not a BoothApp database" in run.err


def test_database_newer_than_app(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "future.db"
    db, _ = open_database(f"sqlite:///{path}", tmp_path / "b")
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='0099'")
    con.commit()
    con.close()
    run = cli("--db", f"sqlite:///{path}", "event", "list")
    assert run.code != 0 and "newer BoothApp" in run.err and "Traceback" not in run.err


def test_db_upgrade_reports_schema(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("db", "upgrade")
    assert first.code == 0
    second = cli("db", "upgrade")
    assert "already at schema" in second.out


def test_global_options_work_after_the_verb_too(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "elsewhere"
    made = cli("event", "create", "--name", "After Verb", "--data-dir", str(other), data=None)
    assert made.code == 0
    assert "After Verb" in cli("--data-dir", str(other), "event", "list", data=None).out
    assert cli("event", "list").lines == []  # the default data dir was not touched
