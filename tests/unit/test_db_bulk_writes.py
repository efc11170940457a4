"""Issue #23: ``Database.bulk_writes`` (the demo build's chunks) relaxes the disk flushes and
grows the page cache only inside the block, on every connection it hands out, and puts each
connection's own settings back; what was written is in the file afterwards."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from boothapp.store.db import BULK_CACHE_KIB, Database, make_engine


def _pragmas(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(  # type: ignore[return-value]
            s.execute(text(f"PRAGMA {p}")).scalar_one()
            for p in ("synchronous", "cache_size", "wal_autocheckpoint")
        )


def test_bulk_writes_relax_inside_and_restore_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    db = Database(make_engine(url), url)
    with db.session() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    before = _pragmas(db)
    assert before[0] == 2  # FULL: a save is on disk when the screen says so
    with db.bulk_writes():
        assert _pragmas(db) == (1, -BULK_CACHE_KIB, 0)
        for i in range(3):
            with db.session() as s:
                s.execute(text("INSERT INTO t VALUES (:x)"), {"x": i})
    assert _pragmas(db) == before
    db.dispose()
    again = Database(make_engine(url), url)
    with again.read() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar_one() == 3
    again.dispose()


def test_a_unit_that_need_not_be_durable_commits_lazily_and_the_connection_gets_full_back(
    tmp_path: Path,
) -> None:
    # The hub's pull (issue 19): its commit is not flushed to disk (it is pulled again after a
    # power cut); every other unit on the same connection afterwards is flushed again.
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = Database(make_engine(url), url)
    with db.session() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    with db.session(immediate=True, durable=False) as s:
        assert s.execute(text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
        s.execute(text("INSERT INTO t VALUES (1)"))
    for _ in range(3):  # whichever pooled connection comes next
        assert _pragmas(db)[0] == 2  # FULL
    with db.session(immediate=True) as s:
        assert s.execute(text("PRAGMA synchronous")).scalar_one() == 2
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    db.dispose()


def test_the_log_is_copied_into_the_file_while_writes_go_on(tmp_path: Path) -> None:
    # The demo build copies its leads' pages from the write-ahead log into the database file
    # while it saves its results; what is written meanwhile is in the file at the end too.
    path = tmp_path / "w.db"
    url = f"sqlite:///{path}"
    db = Database(make_engine(url), url)
    with db.session() as s:
        s.execute(text("CREATE TABLE t (x INTEGER, pad TEXT)"))
    with db.bulk_writes() as bulk:
        for chunk in range(4):
            with db.session() as s:
                s.execute(
                    text("INSERT INTO t VALUES (:x, :pad)"),
                    [{"x": chunk * 1000 + i, "pad": "p" * 200} for i in range(1000)],
                )
        file_before = path.stat().st_size
        bulk.copy_log_behind()
        with db.session() as s:  # written while the copy runs
            s.execute(text("INSERT INTO t VALUES (-1, '')"))
        bulk.join()
        # The chunks' pages are in the file now, not only in the log.
        assert path.stat().st_size > file_before + 4 * 1000 * 200
    assert (tmp_path / "w.db-wal").stat().st_size == 0  # the rest copied at the end
    db.dispose()
    again = Database(make_engine(url), url)
    with again.read() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar_one() == 4001
    again.dispose()
