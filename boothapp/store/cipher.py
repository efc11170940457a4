"""SQLCipher: open an encrypted SQLite file with its raw key, tell encrypted from plain, and
convert one into the other (issue #18, a laptop lost at a show gives away no visitor).

The key is a raw 256-bit key given as ``x'...'``: SQLCipher then skips its PBKDF2 pass (256,000
rounds of HMAC-SHA512 for a passphrase), so opening a connection costs about what a plain one
does and the test suite, which opens thousands, does not slow down. The key is random, so a
key-stretching pass would add nothing.
"""

from __future__ import annotations

import enum
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from boothapp.store.errors import NotADatabaseError, WrongDatabaseKeyError

KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"
# Every page read from disk is decrypted and checked (HMAC): a larger page cache keeps the
# hot pages (the lead list, the scan index) decrypted in memory. 64 MiB per connection, in KiB.
ENCRYPTED_CACHE_KIB = 64 * 1024
# SQLCipher pages are 4096 bytes; a file of a size that is no multiple of 512 is no database.
_PAGE_MULTIPLE = 512

# The DB-API module SQLAlchemy must use for encrypted engines, so that its errors are mapped.
dbapi: Any = sqlcipher


class FileState(enum.Enum):
    MISSING = "missing"
    EMPTY = "empty"
    PLAIN = "plain"
    ENCRYPTED = "encrypted"  # or something that is no database at all: only a key tells
    NOT_SQLITE = "not sqlite"


def file_state(path: Path) -> FileState:
    """What is at ``path``, from its header alone (an encrypted file starts with its salt)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
        size = path.stat().st_size
    except FileNotFoundError:
        return FileState.MISSING
    if not header:
        return FileState.EMPTY
    if header == SQLITE_HEADER:
        return FileState.PLAIN
    if size >= _PAGE_MULTIPLE and size % _PAGE_MULTIPLE == 0:
        return FileState.ENCRYPTED
    return FileState.NOT_SQLITE


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path | str, key: bytes | None, *, read_only: bool = False, **kwargs: Any) -> Any:
    """A DB-API connection to ``path``: sqlite3 for a plain file, SQLCipher keyed for an
    encrypted one. The key is the first statement, as SQLCipher requires."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, **kwargs)
    con = sqlcipher.connect(target, uri=read_only, **kwargs)
    try:
        prepare(con, key, path)
    except BaseException:
        con.close()
        raise
    return con


def prepare(con: Any, key: bytes, path: Path | str = "the database") -> None:
    """Key a fresh SQLCipher connection and size its cache. Must run before anything reads;
    setting the cache reads the first page, which is where a wrong key shows."""
    quiet(con)
    con.execute(key_pragma(key))
    try:
        con.execute(f"PRAGMA cache_size=-{ENCRYPTED_CACHE_KIB}")
    except sqlcipher.DatabaseError as exc:
        raise _wrong_key(path) from exc


def quiet(con: Any) -> None:
    """SQLCipher logs its own errors to stderr (a wrong key, attaching a plain file); ours
    are the one-line messages, so its log is off."""
    con.execute("PRAGMA cipher_log_level = NONE")


def check_opens(con: Any, path: Path | str) -> None:
    """Read the schema: SQLCipher only finds out here whether the key is right."""
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlcipher.DatabaseError, sqlite3.DatabaseError) as exc:
        raise _wrong_key(path) from exc


def _wrong_key(path: Path | str) -> WrongDatabaseKeyError:
    return WrongDatabaseKeyError(
        f"{path}: wrong database key (the file is encrypted with another key, or is not a "
        "BoothApp database); run `boothapp db restore-key` with its recovery key"
    )


def copy_converted(src: Path, src_key: bytes | None, dst: Path, dst_key: bytes | None) -> None:
    """Write ``dst`` as a copy of ``src`` with another key (None: plain) through
    ``sqlcipher_export``, SQLCipher's own converter (schema, data, user_version)."""
    if dst.exists():
        raise FileExistsError(dst)
    con = sqlcipher.connect(str(src))
    try:
        quiet(con)
        if src_key is not None:
            prepare(con, src_key, src)
        check_opens(con, src)
        attach_key = f"x'{dst_key.hex()}'" if dst_key is not None else ""
        con.execute(f'ATTACH DATABASE ? AS converted KEY "{attach_key}"', (str(dst),))
        con.execute("SELECT sqlcipher_export('converted')")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute(f"PRAGMA converted.user_version = {int(version)}")
        con.execute("DETACH DATABASE converted")
    finally:
        con.close()
    if os.name == "posix":
        dst.chmod(0o600)


def backup_copy(src: Path, key: bytes | None, dst: Path) -> None:
    """A consistent copy of ``src`` (online backup, WAL included) with the same key."""
    source = connect(src, key)
    target = connect(dst, key)
    try:
        if key is not None:
            check_opens(source, src)
        source.backup(target)
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{src} is not a BoothApp database ({exc})") from exc
    finally:
        target.close()
        source.close()
