"""The database key: made at set-up, kept in the OS keyring, printable as a recovery key.

One key per user account (``com.boothapp.BoothApp`` / ``database:key`` in the keyring; the data
folder's private ``secrets.json`` where no keyring exists). The manager prints the recovery key
(the last page of the setup wizard, ``boothapp db recovery-key``) and types it back on another
machine with ``boothapp db restore-key``; merging another device's file takes that device's
recovery key in a file (``boothapp merge --key-file``).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring.errors

from boothapp.secrets import SecretStore
from boothapp.store import cipher
from boothapp.store.cipher import FileState
from boothapp.store.errors import DatabaseError, DatabaseKeyMissingError, RecoveryKeyError

SECRET_OWNER, SECRET_NAME = "database", "key"  # keyring user "database:key"
_GROUP = 4
_CHECK_CHARS = 4  # one last group: a typo in a typed-back key is caught before any file is read
_GROUPED = re.compile(r"\b[0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4}){16}\b")


@dataclass(frozen=True, slots=True)
class DatabaseKey:
    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != cipher.KEY_BYTES:
            raise ValueError("a database key is 32 bytes")

    def __repr__(self) -> str:  # never in a log or a traceback
        return "DatabaseKey(<hidden>)"

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(os.urandom(cipher.KEY_BYTES))

    @property
    def recovery_text(self) -> str:
        """64 hex digits and a check group, in groups of four: ``1A2B-...-C3D4``."""
        digits = self.raw.hex().upper() + _check(self.raw)
        return "-".join(digits[i : i + _GROUP] for i in range(0, len(digits), _GROUP))

    @classmethod
    def from_recovery_text(cls, text: str) -> DatabaseKey:
        digits = re.sub(r"[\s\-]", "", text).upper()
        want = cipher.KEY_BYTES * 2 + _CHECK_CHARS
        if len(digits) != want or re.fullmatch(r"[0-9A-F]+", digits) is None:
            raise RecoveryKeyError(
                f"a recovery key is {want} hexadecimal digits (0-9, A-F) in groups of four; "
                f"got {len(digits)} characters"
            )
        raw = bytes.fromhex(digits[: cipher.KEY_BYTES * 2])
        if _check(raw) != digits[-_CHECK_CHARS:]:
            raise RecoveryKeyError("the recovery key has a typo (its last group does not match)")
        return cls(raw)


class KeyReplaceRefusedError(DatabaseError):
    pass


def _check(raw: bytes) -> str:
    return hashlib.sha256(b"boothapp-recovery" + raw).hexdigest()[:_CHECK_CHARS].upper()


class KeyStore:
    """Where this device keeps its database key (a :class:`SecretStore`)."""

    def __init__(self, secrets: SecretStore) -> None:
        self.secrets = secrets

    def get(self) -> DatabaseKey | None:
        try:
            value = self.secrets.get_secret(SECRET_OWNER, SECRET_NAME, announce=False, strict=True)
        except (keyring.errors.KeyringError, RuntimeError) as exc:
            raise DatabaseError(
                f"cannot read the database key from {self.where()} ({type(exc).__name__}); "
                "unlock the keyring and start again"
            ) from exc
        if not value:
            return None
        try:
            return DatabaseKey(bytes.fromhex(value))
        except ValueError:
            return None

    def get_or_create(self) -> DatabaseKey:
        key = self.get()
        if key is None:
            key = DatabaseKey.generate()
            self.put(key)
        return key

    def put(self, key: DatabaseKey) -> None:
        try:
            self.secrets.set_secret(SECRET_OWNER, SECRET_NAME, key.raw.hex(), announce=False)
        except (keyring.errors.KeyringError, OSError) as exc:
            # A locked keyring or a prompt the user dismissed: one line, no database made.
            raise DatabaseError(
                f"cannot keep the database key in {self.where()} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}); "
                "unlock the keyring and start again"
            ) from exc

    def where(self) -> str:
        return self.secrets.where()

    def in_keyring(self) -> bool:
        return self.secrets.uses_keyring()


def keys_beside(path: Path) -> KeyStore:
    """The key store of the data folder holding ``path`` (its fallback ``secrets.json``)."""
    return KeyStore(SecretStore(Path(path).parent / "secrets.json"))


def key_for_file(path: Path, keys: KeyStore, *, encrypt_new: bool = True) -> DatabaseKey | None:
    """The key to open ``path`` with: None for a plain file, this device's key for an
    encrypted one (a clear error when it has none), a key made now for a new database."""
    state = cipher.file_state(path)
    if state is FileState.MISSING:
        return keys.get_or_create() if encrypt_new else None
    if state is not FileState.ENCRYPTED:
        return None  # plain, or refused with its own message by check_sqlite_file
    key = keys.get()
    if key is None:
        raise DatabaseKeyMissingError(
            f"{path} is encrypted and this device has no key for it (looked in "
            f"{keys.where()}); run `boothapp db restore-key` and type the manager's recovery key"
        )
    return key


def keys_from_file(key_file: Path) -> list[DatabaseKey]:
    """Recovery keys kept in a text file, one a line (the laptops' keys, for ``merge
    --key-file``); lines that hold no key (a heading, a laptop's name) are passed over."""
    try:
        with open(key_file, encoding="utf-8", errors="replace") as fh:
            text = fh.read(64 * 1024)
    except OSError as exc:
        raise RecoveryKeyError(f"cannot read key file {key_file}: {exc.strerror}") from exc
    found: list[DatabaseKey] = []
    first: RecoveryKeyError | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        grouped = _GROUPED.search(line)  # "laptop A: 3E28-0C92-...": the key in a labelled line
        try:
            found.append(DatabaseKey.from_recovery_text(grouped.group(0) if grouped else line))
        except RecoveryKeyError as exc:
            first = first or exc
    if not found:
        raise RecoveryKeyError(f"{key_file}: {first or 'no recovery key in the file'}")
    return found


def connect_file(
    path: Path | str, key: DatabaseKey | None = None, *, read_only: bool = False, **kwargs: Any
) -> Any:
    """A DB-API connection to a BoothApp SQLite file, encrypted or plain, for tests and tools
    that read a database directly (``sqlite3.connect`` cannot open an encrypted one). Without
    ``key`` an encrypted file is opened with the key of the data folder it lies in."""
    path = Path(path)
    if key is None and cipher.file_state(path) is FileState.ENCRYPTED:
        key = key_for_file(path, keys_beside(path), encrypt_new=False)
    return cipher.connect(path, key.raw if key else None, read_only=read_only, **kwargs)


def restore_key(keys: KeyStore, db_file: Path, text: str, *, force: bool = False) -> DatabaseKey:
    """Store the key typed from a recovery key, once it opens ``db_file`` (when that is
    encrypted); a wrong or mistyped key stores nothing. Another key this device holds is
    replaced only when the database is encrypted (it opens with the new key) or ``force``."""
    key = DatabaseKey.from_recovery_text(text)
    encrypted = cipher.file_state(db_file) is FileState.ENCRYPTED
    if encrypted:
        con = cipher.connect(db_file, key.raw, read_only=True)
        try:
            cipher.check_opens(con, db_file)
        finally:
            con.close()
    held = keys.get()
    if held is not None and held != key and not encrypted and not force:
        raise KeyReplaceRefusedError(
            "this device already holds another database key; --force replaces it "
            "(a database encrypted with the old key would then need its own recovery key)"
        )
    if held != key:
        keys.put(key)
    return key
