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
# Each page's HMAC: SHA-256, which current x86 and ARM CPUs compute in hardware, instead of
# SQLCipher 4's default SHA-512: writing a 50,000-lead demo build took ~0.8 s of CPU less
# (issue 23). Files made before keep SHA-512 and open as they are (``prepare``).
HMAC = "HMAC_SHA256"
LEGACY_HMAC = "HMAC_SHA512"
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
    setting the cache reads the first page, which is where a wrong key shows. Its pages are
    checked with ``HMAC``, or ``LEGACY_HMAC`` in a file made before (``hmac_of``)."""
    quiet(con)
    con.execute(key_pragma(key))
    con.execute(f"PRAGMA cipher_hmac_algorithm = {hmac_of(path, key)}")
    try:
        con.execute(f"PRAGMA cache_size=-{ENCRYPTED_CACHE_KIB}")
    except sqlcipher.DatabaseError as exc:
        raise _wrong_key(path) from exc


# The HMAC each file was found to use, by the file as it is (device, inode, change time: a
# file put in its place is another), so that a connection is keyed its way at once. A
# connection whose first read failed the check refuses writes after, even keyed again.
_HMAC_OF: dict[tuple[int, int, int], str] = {}


def hmac_of(path: Path | str, key: bytes) -> str:
    """The HMAC ``path``'s pages are checked with: ``HMAC`` for a file made now (none yet, or
    empty), else what a read-only look finds (``LEGACY_HMAC`` in a file of an earlier
    version). A key neither reads with: ``HMAC`` (the first read then says wrong key)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return HMAC
    if st.st_size == 0:
        return HMAC
    seen = (st.st_dev, st.st_ino, st.st_ctime_ns)
    found = _HMAC_OF.get(seen)
    if found is None:
        found = next((h for h in (HMAC, LEGACY_HMAC) if reads_with(path, key, h)), HMAC)
        if len(_HMAC_OF) > 1024:
            _HMAC_OF.clear()
        _HMAC_OF[seen] = found
    return found


def reads_with(path: Path | str, key: bytes, hmac: str) -> bool:
    """Whether SQLCipher reads ``path``'s schema with ``key`` and pages checked by ``hmac``."""
    # A URI read-only look (its path %-quoted: a folder may hold spaces or "?").
    con = sqlcipher.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True)
    try:
        quiet(con)
        con.execute(key_pragma(key))
        con.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        con.close()


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
        if dst_key is not None:  # as any file made now (an attached one has the defaults)
            con.execute(f"PRAGMA converted.cipher_hmac_algorithm = {HMAC}")
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
