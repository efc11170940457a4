"""Engine and sessions: SQLite in WAL mode with foreign keys, or PostgreSQL.

A lead saved is a lead kept: every save is one committed transaction, and SQLite runs with
``synchronous=FULL`` so a power cut after a commit loses nothing shown on screen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from boothapp.core.collation import sort_key_sql
from boothapp.core.textfold import fold

BUSY_TIMEOUT_MS = 5000
FOLD_FUNCTION = "boothapp_fold"
SORT_KEY_FUNCTION = "boothapp_sort_key"


class DatabaseError(Exception):
    """A database problem a user can act on; the message says what to do."""


class NotADatabaseError(DatabaseError):
    pass


class DatabaseTooNewError(DatabaseError):
    pass


def _fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


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


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def check_sqlite_file(path: str) -> None:
    """Refuse a file that exists but is not an SQLite database, before anything writes to it."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"cannot read database file {path}: {exc.strerror}") from exc
    if not header:
        # SQLite would take a zero-byte file as a new database and BoothApp would build an
        # empty schema in it, hiding whatever truncated it (issue #18 finding 6).
        raise NotADatabaseError(
            f"{path} is empty (0 bytes), not a BoothApp database; move it aside to start a "
            "new database, or restore a backup"
        )
    if header != b"SQLite format 3\x00":
        raise NotADatabaseError(f"{path} is not a BoothApp database (not an SQLite file)")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path} is not a BoothApp database ({exc})") from exc


@dataclass
class Database:
    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

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
