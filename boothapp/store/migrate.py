"""Alembic migrations applied at start, after a timestamped backup copy of the database."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url

from boothapp.store import cipher
from boothapp.store.db import (
    Database,
    DatabaseError,
    DatabaseTooNewError,
    check_sqlite_file,
    make_engine,
)

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_file_of(url: str) -> Path | None:
    """The SQLite file behind ``url`` (None for PostgreSQL or an in-memory database)."""
    return _sqlite_path(url)


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database or "")
    return None


def backup_sqlite(
    path: Path, backups_dir: Path, revision: str | None, key: bytes | None = None
) -> Path:
    """Copy the database with SQLite's online backup (consistent even with a WAL file); an
    encrypted database's backup is encrypted with the same key."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}-{stamp}-rev{revision or 'none'}{path.suffix or '.db'}"
    if os.name == "posix":  # a copy of every lead: as private as the database, from the start
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    cipher.backup_copy(path, key, target)
    return target


def upgrade_database(url: str, backups_dir: Path, key: bytes | None = None) -> UpgradeReport:
    """Bring the database at ``url`` to head; back up an existing SQLite file first. With
    ``key`` the SQLite file is (or is made) encrypted with SQLCipher."""
    path = _sqlite_path(url)
    if path is not None:
        check_sqlite_file(str(path), key)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, key)
    try:
        try:
            current = current_revision(engine)
        except DatabaseError:
            raise
        except Exception as exc:  # driver-specific errors: a file or server we cannot use
            raise DatabaseError(f"cannot open database: {exc}") from exc
        script = ScriptDirectory.from_config(alembic_config(url))
        head = head_revision()
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            raise DatabaseTooNewError(
                f"the database was written by a newer BoothApp (schema {current}); "
                "update BoothApp to open it"
            )
        if current == head:
            return UpgradeReport(current, head, None)
        backup = None
        if path is not None and path.exists() and (current is not None or _has_tables(path, key)):
            backup = backup_sqlite(path, backups_dir, current, key)
            log.info("database backed up to %s before upgrade %s -> %s", backup, current, head)
        try:
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except Exception as exc:
            engine.dispose()
            raise _half_applied(path, backup, current, head, exc, key) from exc
        return UpgradeReport(current, head, backup)
    finally:
        engine.dispose()


def _has_tables(path: Path, key: bytes | None) -> bool:
    con = cipher.connect(path, key, read_only=True)
    try:
        return bool(con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone())
    finally:
        con.close()


def _half_applied(
    path: Path | None,
    backup: Path | None,
    current: str | None,
    head: str,
    exc: Exception,
    key: bytes | None = None,
) -> DatabaseError:
    """The schema upgrade failed part-way (tables of a later revision already there, a
    hand-edited file): SQLite commits some DDL as it goes, so the file is put back from the
    backup just taken, and the backup is kept."""
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    where = str(path) if path is not None else "the database"
    if path is not None and backup is not None:
        src = cipher.connect(backup, key)
        dst = cipher.connect(path, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return DatabaseError(
            f"{where}: the schema is half-applied: revision {current or 'none'} found, the "
            f"upgrade to {head} failed ({reason}); nothing was changed, backup kept at {backup}"
        )
    return DatabaseError(
        f"{where}: the upgrade from revision {current or 'none'} to {head} failed ({reason})"
    )


def open_database(
    url: str, backups_dir: Path, key: bytes | None = None
) -> tuple[Database, UpgradeReport]:
    report = upgrade_database(url, backups_dir, key)
    return Database(make_engine(url, key), url), report


@dataclass(frozen=True, slots=True)
class ConvertReport:
    path: Path
    backup: Path
    rows: int  # rows copied, every table (checked equal in both files)


def convert_sqlite(
    path: Path, backups_dir: Path, from_key: bytes | None, to_key: bytes | None
) -> ConvertReport:
    """Encrypt (``to_key``) or decrypt (``to_key=None``) the SQLite file at ``path`` in place:
    a backup first, then SQLCipher's export into a new file beside it, every table's row
    count compared, and the new file swapped in. Close BoothApp on this database first."""
    check_sqlite_file(str(path), from_key)
    rev = _revision_of(path, from_key)
    backup = backup_sqlite(path, backups_dir, rev, from_key)
    staging = path.with_name(path.name + ".converting")
    staging.unlink(missing_ok=True)
    con = cipher.connect(path, from_key)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every commit in the main file
    finally:
        con.close()
    try:
        cipher.copy_converted(path, from_key, staging, to_key)
        before, after = _row_counts(path, from_key), _row_counts(staging, to_key)
        if before != after:
            raise DatabaseError(
                f"{path}: the converted copy differs ({before} vs {after} rows); nothing changed"
            )
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    for suffix in ("-wal", "-shm"):  # the old file's, empty after the checkpoint
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(staging, path)
    return ConvertReport(path, backup, sum(before.values()))


def _revision_of(path: Path, key: bytes | None) -> str | None:
    con = cipher.connect(path, key, read_only=True)
    try:
        row = con.execute(
            "SELECT version_num FROM alembic_version LIMIT 1"
            if _table_exists(con, "alembic_version")
            else "SELECT NULL"
        ).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _table_exists(con: object, name: str) -> bool:
    cur = con.execute(  # type: ignore[attr-defined]
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
    )
    return cur.fetchone() is not None


def _row_counts(path: Path, key: bytes | None) -> dict[str, int]:
    con = cipher.connect(path, key, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()
