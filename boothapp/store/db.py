"""Engine and sessions: SQLite in WAL mode with foreign keys, or PostgreSQL.

A lead saved is a lead kept: every save is one committed transaction, and SQLite runs with
``synchronous=FULL`` so a power cut after a commit loses nothing shown on screen.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from boothapp.core.collation import sort_key_sql
from boothapp.core.textfold import fold
from boothapp.store import cipher
from boothapp.store.cipher import FileState
from boothapp.store.commits_behind import CommitsBehind
from boothapp.store.errors import (
    DatabaseError,
    DatabaseKeyMissingError,
    DatabaseTooNewError,
    NotADatabaseError,
    WrongDatabaseKeyError,
)

log = logging.getLogger(__name__)

# How long a write waits for SQLite's lock before it fails. Writes run off the GUI thread, so
# a scan saved while the hub replicator applies a backlog waits rather than failing: at 5 s,
# 100 devices on one loaded 2-core box (bench/hub.py, load 25) lost a capture to
# "database is locked" behind another thread's pull transactions.
BUSY_TIMEOUT_MS = 30_000
# Page cache of a connection inside ``Database.bulk_writes`` (the default is 64 MiB).
BULK_CACHE_KIB = 256 * 1024
# What ``Database.bulk_writes`` changes on a connection and puts back.
_BULK_PRAGMAS = ("synchronous", "cache_size", "wal_autocheckpoint")
# A connection whose unit of work committed with ``synchronous=NORMAL`` (``durable=False``).
_LAZY_SYNC = "lazy_sync"
FOLD_FUNCTION = "boothapp_fold"
SORT_KEY_FUNCTION = "boothapp_sort_key"


__all__ = [
    "BUSY_TIMEOUT_MS",
    "Database",
    "DatabaseError",
    "DatabaseKeyMissingError",
    "DatabaseTooNewError",
    "NotADatabaseError",
    "WrongDatabaseKeyError",
    "check_sqlite_file",
    "is_sqlite",
    "make_engine",
]


def _fold(value: object) -> str | None:
    return None if value is None else _cached_fold(str(value))


# The search triggers fold four columns of every lead written; companies, notes and names
# repeat across a big event's leads (issue 23).
_cached_fold = lru_cache(maxsize=4096)(fold)


def register_functions(dbapi_conn: sqlite3.Connection) -> None:
    """The application SQL functions the schema relies on: ``boothapp_fold`` (the leads search
    index stores folded text, migration 0014). Any connection that writes ``leads`` needs it."""
    dbapi_conn.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    # The leads list's alphabetical order per language (core.collation, issue 21).
    dbapi_conn.create_function(SORT_KEY_FUNCTION, 2, sort_key_sql, deterministic=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    register_functions(dbapi_conn)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def make_engine(url: str, key: bytes | None = None) -> Engine:
    """An engine for ``url``; with ``key``, an SQLite file encrypted by SQLCipher."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and key is not None:
        return _encrypted_engine(url, key)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
            pool_use_lifo=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _encrypted_engine(url: str, key: bytes) -> Engine:
    """SQLAlchemy's SQLite dialect over SQLCipher's DB-API module (its errors map as
    sqlite3's do), each connection keyed before SQLAlchemy sees it. The ``sqlite+pysqlcipher``
    dialect would send the key as a passphrase and run PBKDF2 on every connection."""
    engine_box: list[Engine] = []

    def creator() -> Any:
        cargs, cparams = engine_box[0].dialect.create_connect_args(engine_box[0].url)
        con = cipher.dbapi.connect(*cargs, **{**cparams, "timeout": BUSY_TIMEOUT_MS / 1000})
        try:
            cipher.prepare(con, key, make_url(url).database or "the database")
        except BaseException:
            con.close()
            raise
        return con

    engine = create_engine(
        url, module=cipher.dbapi, creator=creator, hide_parameters=True, pool_use_lifo=True
    )
    engine_box.append(engine)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def check_sqlite_file(path: str, key: bytes | None = None) -> None:
    """Refuse a file that exists but is not an SQLite database (or that ``key`` does not
    open), before anything writes to it."""
    try:
        state = cipher.file_state(Path(path))
    except OSError as exc:
        raise DatabaseError(f"cannot read database file {path}: {exc.strerror}") from exc
    if state is FileState.MISSING:
        return
    if state is FileState.EMPTY:
        # SQLite would take a zero-byte file as a new database and BoothApp would build an
        # empty schema in it, hiding whatever truncated it (issue #18 finding 6).
        raise NotADatabaseError(
            f"{path} is empty (0 bytes), not a BoothApp database; move it aside to start a "
            "new database, or restore a backup"
        )
    if state is FileState.NOT_SQLITE or (state is FileState.ENCRYPTED and key is None):
        raise NotADatabaseError(f"{path} is not a BoothApp database (not an SQLite file)")
    if state is FileState.ENCRYPTED and key is not None:
        con = cipher.connect(path, key, read_only=True)
        try:
            cipher.check_opens(con, path)
        finally:
            con.close()
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path} is not a BoothApp database ({exc})") from exc


class BulkWrites:
    """What a bulk build may ask of ``Database.bulk_writes`` while it runs."""

    def __init__(self, engine: Engine | None) -> None:
        self._engine = engine  # None: not SQLite, no log to copy
        self._copying: threading.Thread | None = None

    def copy_log_behind(self) -> None:
        """Start copying the pages the write-ahead log holds so far into the database file,
        on a thread of its own (a passive checkpoint: writes go on meanwhile), so that the
        checkpoint at the end has only what came after to copy. A 50,000-lead build's log
        (~650 MB) took ~0.7 s to copy after the build's last write (issue 23); the demo
        saves its results meanwhile."""
        if self._engine is None or self._copying is not None:
            return
        self._copying = threading.Thread(
            target=self._copy, args=(self._engine,), name="boothapp-checkpoint", daemon=True
        )
        self._copying.start()

    @staticmethod
    def _copy(engine: Engine) -> None:
        try:
            with engine.connect() as con:
                con.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as exc:  # the checkpoint at the end copies it then
            log.warning("the write-ahead log was not copied early: %s", exc)

    def join(self) -> None:
        if self._copying is not None:
            self._copying.join()


@dataclass
class Database:
    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._bulk_cache_kib = 0  # > 0 inside ``bulk_writes``
        if is_sqlite(self.engine):
            event.listen(self.engine, "checkout", self._bulk_checkout)
            event.listen(self.engine, "checkin", self._bulk_checkin)

    @contextmanager
    def bulk_writes(self, cache_kib: int = BULK_CACHE_KIB) -> Iterator[BulkWrites]:
        """For a bulk build of many chunks, each its own committed transaction (the demo
        build, issue 23): on SQLite the commits are not flushed to disk one by one
        (``synchronous=NORMAL``: in WAL mode the file stays consistent, a power cut may only
        lose the last chunks) and the page cache is bigger (a chunk's inserts land all over
        the indexes). Each connection gets its own settings back when it returns to the
        pool; the last commit is made durable with a checkpoint at the end."""
        if not is_sqlite(self.engine):
            yield BulkWrites(None)
            return
        self._bulk_cache_kib = cache_kib
        handle = BulkWrites(self.engine)
        try:
            yield handle
        finally:
            handle.join()
            self._bulk_cache_kib = 0
            with self.engine.connect() as con:  # the build's pages into the file, synced
                con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _bulk_checkout(self, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if not self._bulk_cache_kib:
            return
        cur = dbapi_conn.cursor()
        try:
            record.info["bulk_restore"] = tuple(
                cur.execute(f"PRAGMA {name}").fetchone()[0] for name in _BULK_PRAGMAS
            )
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA cache_size=-{self._bulk_cache_kib}")
            # No checkpoint after each chunk: the index pages every chunk rewrites are
            # copied into the file once, at the end, not once per chunk.
            cur.execute("PRAGMA wal_autocheckpoint=0")
        finally:
            cur.close()

    def _bulk_checkin(self, dbapi_conn: Any, record: Any) -> None:
        if record.info.pop(_LAZY_SYNC, False) and dbapi_conn is not None:
            dbapi_conn.execute("PRAGMA synchronous=FULL")
        restore = record.info.pop("bulk_restore", None)
        if restore is None or dbapi_conn is None:
            return
        cur = dbapi_conn.cursor()
        try:
            for name, value in zip(_BULK_PRAGMAS, restore, strict=True):
                cur.execute(f"PRAGMA {name}={int(value)}")
            cur.execute("PRAGMA shrink_memory")
        finally:
            cur.close()

    @contextmanager
    def session(
        self, immediate: bool = False, durable: bool = True, behind: CommitsBehind | None = None
    ) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error.

        ``immediate``: on SQLite, take the write lock before the first read (``BEGIN
        IMMEDIATE``). The driver otherwise begins only at the first write, so what the unit
        read may have changed under it by then; a merge that decides from what it read (the
        hub's pull, issue 19) must not let a local save interleave.

        ``durable=False`` (with ``immediate``): the commit is not flushed to disk
        (``synchronous=NORMAL``, for this unit only; the connection gets ``FULL`` back when
        it returns to the pool). In WAL mode the file stays consistent; a power cut may lose
        this unit, never a later durable one (its flush covers the log before it). For work
        that can be done again, such as a hub pull with its cursor.

        ``behind``: the commit runs on that thread of its own (``CommitsBehind``) and this
        returns without waiting for it; the unit first waits for the commit before it.
        """
        if behind is not None:
            behind.wait()
        session = self._sessions()
        try:
            if immediate and is_sqlite(self.engine):
                con = session.connection()
                if not durable and not self._bulk_cache_kib:
                    con.exec_driver_sql("PRAGMA synchronous=NORMAL")
                    con.info[_LAZY_SYNC] = True  # ``_bulk_checkin`` puts FULL back
                # pysqlite sees the open transaction and issues no BEGIN of its own; its
                # commit and rollback end this one.
                con.exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            if behind is None:
                session.commit()
        except BaseException:
            session.rollback()
            session.close()
            raise
        if behind is None:
            session.close()
        else:
            behind.submit(partial(_commit, session))

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _commit(session: Session) -> None:
    """A unit's commit (on ``CommitsBehind``'s thread): rolled back if it fails."""
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
