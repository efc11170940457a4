"""The database at rest (issue #18): a new database is encrypted with SQLCipher, the plain
``sqlite3`` tool cannot read it, the app, export and report can; a wrong or missing key is one
clear line; the recovery key brings the database back on another machine; ``db encrypt`` /
``db decrypt`` keep every lead.

Keys go to each test's own ``secrets.json`` (tests/conftest.py selects no OS keyring), except
where a test installs an in-memory keyring to see where the key lands.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.cipher import FileState, file_state
from boothapp.store.errors import RecoveryKeyError, WrongDatabaseKeyError
from boothapp.store.keys import DatabaseKey, connect_file, keys_from_file

EVENT = "Cipher Expo"


def _add_leads(ctx: AppContext, n: int) -> str:
    event = ctx.events.create_event(NewEvent(name=EVENT))
    for i in range(n):
        contact = Contact(first_name=f"Ayşe{i}", last_name="Yılmaz", email=f"a{i}@x.io")
        ctx.leads.save_lead(LeadDraft(event.id, contact, badge_key=f"B-{i}", badge_id=f"B-{i}"))
    return event.id


def _leads(data_dir: Path) -> list[tuple[str, str, str]]:
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.find_event(EVENT)
        return sorted(
            (lead.id, lead.contact.first_name, lead.contact.email)
            for lead in ctx.leads.list_leads(event.id)
        )
    finally:
        ctx.close()


def _sqlite3_cli(db: Path, sql: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("sqlite3")
    if tool is None:
        pytest.skip("the sqlite3 command-line tool is not installed (make sysdeps)")
    return subprocess.run([tool, str(db), sql], capture_output=True, text=True, timeout=30)


def test_a_new_database_is_encrypted_and_the_sqlite3_tool_cannot_read_it(data_dir: Path) -> None:
    ctx = build_context(str(data_dir))
    try:
        _add_leads(ctx, 3)
    finally:
        ctx.close()
    db = data_dir / "boothapp.db"
    assert file_state(db) is FileState.ENCRYPTED
    assert b"SQLite format 3" not in db.read_bytes()[:100]
    assert "Ayşe0".encode() not in db.read_bytes() and b"a0@x.io" not in db.read_bytes()
    run = _sqlite3_cli(db, "SELECT email FROM leads")
    assert run.returncode != 0 and "not a database" in run.stderr
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT count(*) FROM leads").fetchone()
    # The app reads it back, and so do tools through connect_file.
    assert sorted(x[1] for x in _leads(data_dir)) == ["Ayşe0", "Ayşe1", "Ayşe2"]
    con = connect_file(db)
    assert con.execute("SELECT count(*) FROM leads").fetchone() == (3,)
    con.close()


def test_export_and_report_read_the_encrypted_database(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir))
    try:
        _add_leads(ctx, 2)
        assert ctx.db_key is not None
    finally:
        ctx.close()
    out = tmp_path / "leads.csv"
    run = cli("export", "--event", EVENT, "-o", str(out))
    assert run.code == 0, run.err
    assert "a1@x.io" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    run = cli("report", "--event", EVENT, "-o", str(pdf))
    assert run.code == 0, run.err
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_wrong_key_is_one_clear_line(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    build_context(str(data_dir)).close()
    secrets = data_dir / "secrets.json"
    stored = json.loads(secrets.read_text(encoding="utf-8"))
    stored["database:key"] = DatabaseKey.generate().raw.hex()
    secrets.write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(WrongDatabaseKeyError, match="wrong database key"):
        build_context(str(data_dir))
    run = cli("event", "list")
    assert run.code != 0 and run.err.count("\n") == 1
    assert "wrong database key" in run.err and "Traceback" not in run.err


def test_missing_key_names_restore_key_and_the_recovery_key_brings_it_back(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir))
    try:
        _add_leads(ctx, 2)
    finally:
        ctx.close()
    shown = cli("db", "recovery-key")
    assert shown.code == 0 and len(shown.lines) == 1
    recovery = shown.lines[0]
    assert "kept in the file" in shown.err  # where the key lives, said once here
    # A new laptop: the database file copied over, no key.
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    shutil.copy(data_dir / "boothapp.db", laptop / "boothapp.db")
    run = cli("event", "list", data=laptop)
    assert run.code != 0 and run.err.count("\n") == 1
    assert "is encrypted and this device has no key" in run.err and "db restore-key" in run.err
    typo = recovery[:-1] + ("0" if recovery[-1] != "0" else "1")
    bad = cli("db", "restore-key", typo, data=laptop)
    assert bad.code != 0 and "typo" in bad.err
    other = cli("db", "restore-key", DatabaseKey.generate().recovery_text, data=laptop)
    assert other.code != 0 and "wrong database key" in other.err
    assert not (laptop / "secrets.json").exists()  # nothing stored for a wrong key
    ok = cli("db", "restore-key", recovery.lower(), data=laptop)
    assert ok.code == 0, ok.err
    assert len(_leads(laptop)) == 2


def test_recovery_key_text_round_trips_and_catches_typos() -> None:
    key = DatabaseKey.generate()
    text = key.recovery_text
    assert len(text.split("-")) == 17 and all(len(g) == 4 for g in text.split("-"))
    assert DatabaseKey.from_recovery_text(text) == key
    assert DatabaseKey.from_recovery_text(" " + text.replace("-", " ").lower() + "\n") == key
    with pytest.raises(RecoveryKeyError, match="typo"):
        DatabaseKey.from_recovery_text(text[:5] + ("A" if text[5] != "A" else "B") + text[6:])
    with pytest.raises(RecoveryKeyError, match="68 hexadecimal digits"):
        DatabaseKey.from_recovery_text("1234-5678")
    assert "hidden" in repr(key) and key.raw.hex() not in repr(key)


def test_a_key_file_holds_several_laptops_keys(tmp_path: Path) -> None:
    a, b = DatabaseKey.generate(), DatabaseKey.generate()
    f = tmp_path / "keys.txt"
    f.write_text(f"# booth laptops\nlaptop A: {a.recovery_text}\n{b.recovery_text}\n")
    assert keys_from_file(f) == [a, b]
    f.write_text("nothing here\n")
    with pytest.raises(RecoveryKeyError, match=r"keys\.txt"):
        keys_from_file(f)


def test_db_encrypt_and_decrypt_round_trip_keeps_every_lead(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir), encrypt_new=False)  # a database from before issue #18
    try:
        _add_leads(ctx, 12)
    finally:
        ctx.close()
    db = data_dir / "boothapp.db"
    assert file_state(db) is FileState.PLAIN
    before = _leads(data_dir)
    assert len(before) == 12

    enc = cli("db", "encrypt")
    assert enc.code == 0, enc.err
    assert file_state(db) is FileState.ENCRYPTED
    assert "plain backup: " in enc.out
    backups = sorted((data_dir / "backups").iterdir())
    assert len(backups) == 1 and file_state(backups[0]) is FileState.PLAIN
    assert _sqlite3_cli(db, "SELECT count(*) FROM leads").returncode != 0
    assert _leads(data_dir) == before
    again = cli("db", "encrypt")
    assert again.code != 0 and "already encrypted" in again.err

    dec = cli("db", "decrypt")
    assert dec.code == 0, dec.err
    assert file_state(db) is FileState.PLAIN
    run = _sqlite3_cli(db, "SELECT count(*) FROM leads")
    assert run.returncode == 0 and run.stdout.strip() == "12"
    assert _leads(data_dir) == before
    encrypted_backups = [p for p in (data_dir / "backups").iterdir() if p not in backups]
    assert [file_state(p) for p in encrypted_backups] == [FileState.ENCRYPTED]


def test_an_upgrade_backup_of_an_encrypted_database_is_encrypted(data_dir: Path) -> None:
    from boothapp.store.migrate import backup_sqlite

    ctx = build_context(str(data_dir))
    try:
        _add_leads(ctx, 1)
        assert ctx.db_key is not None
        backup = backup_sqlite(
            data_dir / "boothapp.db", data_dir / "backups", "0012", ctx.db_key.raw
        )
    finally:
        ctx.close()
    assert file_state(backup) is FileState.ENCRYPTED
    con = connect_file(backup, ctx.db_key)
    assert con.execute("SELECT count(*) FROM leads").fetchone() == (1,)
    con.close()


class _MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring, standing in for the OS one (Secret Service, Keychain...)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> Iterator[_MemoryKeyring]:
    before = keyring.get_keyring()
    backend = _MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_the_key_lives_in_the_os_keyring(data_dir: Path, memory_keyring: _MemoryKeyring) -> None:
    ctx = build_context(str(data_dir))
    try:
        assert ctx.db_key is not None
        key = ctx.db_key
    finally:
        ctx.close()
    assert memory_keyring.data == {("com.boothapp.BoothApp", "database:key"): key.raw.hex()}
    assert not (data_dir / "secrets.json").exists()
    for f in data_dir.rglob("*"):
        if f.is_file():
            assert key.raw.hex().encode() not in f.read_bytes(), f


class _LockedKeyring(_MemoryKeyring):
    """A keyring that refuses to store (locked, or the unlock prompt was dismissed)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_a_locked_keyring_is_one_line_and_no_database_is_made(
    cli, data_dir: Path, restore_keyring: None
) -> None:  # type: ignore[no-untyped-def]
    keyring.set_keyring(_LockedKeyring())
    run = cli("event", "list")
    assert run.code != 0 and run.err.count("\n") == 1, run.err
    assert "cannot keep the database key in the system keyring" in run.err
    assert "unlock the keyring" in run.err
    assert not (data_dir / "boothapp.db").exists()


class _UnreadableKeyring(_MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_an_unreadable_keyring_never_makes_a_new_key_over_the_old_one(
    cli, data_dir: Path, restore_keyring: None
) -> None:  # type: ignore[no-untyped-def]
    backend = _UnreadableKeyring()
    keyring.set_keyring(backend)
    run = cli("event", "list")
    assert run.code != 0 and "cannot read the database key from the system keyring" in run.err
    assert backend.data == {} and not (data_dir / "boothapp.db").exists()


def test_files_of_earlier_versions_open_and_new_ones_check_pages_with_sha256(
    data_dir: Path, tmp_path: Path
) -> None:
    """Pages are checked with HMAC-SHA256 since issue 23 (SHA-512 before, SQLCipher 4's
    default); a database made before opens, takes new leads and stays as it was made."""
    import sqlcipher3.dbapi2 as sqlcipher

    from boothapp.store.cipher import copy_converted, reads_with

    ctx = build_context(str(data_dir))
    try:
        _add_leads(ctx, 3)
        assert ctx.db_key is not None
        key = ctx.db_key.raw
        db = Path(ctx.paths.db_url.removeprefix("sqlite:///"))
    finally:
        ctx.close()
    assert reads_with(db, key, "HMAC_SHA256") and not reads_with(db, key, "HMAC_SHA512")
    # The same database as an earlier version wrote it: SQLCipher 4's defaults.
    old = tmp_path / "old.db"
    con = sqlcipher.connect(str(db))
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    con.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")
    con.execute(f"ATTACH DATABASE ? AS old KEY \"x'{key.hex()}'\"", (str(old),))
    con.execute("SELECT sqlcipher_export('old')")
    con.execute(f"PRAGMA old.user_version = {con.execute('PRAGMA user_version').fetchone()[0]}")
    con.execute("DETACH DATABASE old")
    con.close()
    for stale in ("-wal", "-shm"):  # the replaced file's
        Path(f"{db}{stale}").unlink(missing_ok=True)
    shutil.move(old, db)
    assert reads_with(db, key, "HMAC_SHA512") and not reads_with(db, key, "HMAC_SHA256")
    before = _leads(data_dir)
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.find_event(EVENT)
        ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name="Nima", email="n@x.io")))
    finally:
        ctx.close()
    assert len(_leads(data_dir)) == len(before) + 1
    assert reads_with(db, key, "HMAC_SHA512")  # still the file it was
    # Converted (``db encrypt``, a new key): the new file checks its pages with SHA-256.
    copy_converted(db, key, tmp_path / "rekeyed.db", key)
    assert reads_with(tmp_path / "rekeyed.db", key, "HMAC_SHA256")
