"""The data folder 0700 and its files 0600 on POSIX, old ones tightened on start (issue #18)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.services.events import NewEvent

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():  # type: ignore[no-untyped-def]
    old = os.umask(0o022)  # the usual desktop umask: new files 0644, folders 0755
    yield
    os.umask(old)


def test_a_new_data_folder_is_private(tmp_path: Path, umask_022: None) -> None:
    root = tmp_path / "data"
    ctx = build_context(str(root))
    try:
        ctx.events.create_event(NewEvent(name="Private Fair"))
    finally:
        ctx.close()
    assert mode(root) == 0o700
    assert mode(root / "boothapp.db") == 0o600
    assert mode(root / "settings.json") == 0o600
    for sub in ("backups", "badge-photos", "logs"):
        assert mode(root / sub) == 0o700
    others = [p for p in root.rglob("*") if mode(p) & 0o077]
    assert others == []


def test_an_old_world_readable_folder_is_tightened_on_start(
    tmp_path: Path, umask_022: None
) -> None:
    root = tmp_path / "data"
    build_context(str(root)).close()
    # What an older BoothApp left: 0755 folders, 0644 database, settings and a photo.
    for folder in (root, root / "badge-photos"):
        folder.chmod(0o755)
    (root / "badge-photos" / "badge.png").write_bytes(b"\x89PNG")
    for f in (root / "boothapp.db", root / "settings.json", root / "badge-photos" / "badge.png"):
        f.chmod(0o644)
    build_context(str(root)).close()
    assert mode(root) == 0o700 and mode(root / "badge-photos") == 0o700
    assert mode(root / "boothapp.db") == 0o600
    assert mode(root / "settings.json") == 0o600
    assert mode(root / "badge-photos" / "badge.png") == 0o600


def test_the_open_databases_wal_and_shm_files_are_private(tmp_path: Path, umask_022: None) -> None:
    root = tmp_path / "data"
    ctx = build_context(str(root))
    try:
        ctx.events.create_event(NewEvent(name="Private Fair"))
        side = [root / "boothapp.db-wal", root / "boothapp.db-shm"]
        assert all(p.exists() for p in side)  # WAL mode: both there while the app runs
        assert [mode(p) for p in side] == [0o600, 0o600]
    finally:
        ctx.close()
