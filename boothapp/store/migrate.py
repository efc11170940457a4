"""Alembic migrations applied at start, after a timestamped backup copy of the database."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url

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


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database or "")
    return None


def backup_sqlite(path: Path, backups_dir: Path, revision: str | None) -> Path:
    """Copy the database with SQLite's online backup (consistent even with a WAL file)."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}-{stamp}-rev{revision or 'none'}{path.suffix or '.db'}"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    if os.name == "posix":
        target.chmod(0o600)  # a copy of every lead: as private as the database
    return target


def upgrade_database(url: str, backups_dir: Path) -> UpgradeReport:
    """Bring the database at ``url`` to head; back up an existing SQLite file first."""
    path = _sqlite_path(url)
    if path is not None:
        check_sqlite_file(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        try:
            current = current_revision(engine)
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
        if path is not None and path.exists() and (current is not None or _has_tables(path)):
            backup = backup_sqlite(path, backups_dir, current)
            log.info("database backed up to %s before upgrade %s -> %s", backup, current, head)
        try:
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except Exception as exc:
            engine.dispose()
            raise _half_applied(path, backup, current, head, exc) from exc
        return UpgradeReport(current, head, backup)
    finally:
        engine.dispose()


def _has_tables(path: Path) -> bool:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone())
    finally:
        con.close()


def _half_applied(
    path: Path | None, backup: Path | None, current: str | None, head: str, exc: Exception
) -> DatabaseError:
    """The schema upgrade failed part-way (tables of a later revision already there, a
    hand-edited file): SQLite commits some DDL as it goes, so the file is put back from the
    backup just taken, and the backup is kept."""
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    where = str(path) if path is not None else "the database"
    if path is not None and backup is not None:
        src = sqlite3.connect(backup)
        dst = sqlite3.connect(path)
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


def open_database(url: str, backups_dir: Path) -> tuple[Database, UpgradeReport]:
    report = upgrade_database(url, backups_dir)
    return Database(make_engine(url), url), report
