"""Where BoothApp keeps its files, decided once at start (never at import time).

Order of precedence: command-line option, environment variable, platform default
(platformdirs user data dir).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from boothapp import APP_NAME

ENV_DATA_DIR = "BOOTHAPP_DATA_DIR"
ENV_DB = "BOOTHAPP_DB"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path
    db_url: str

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def secrets_file(self) -> Path:
        """Fallback store for CRM and SMTP secrets, used only where no OS keyring exists."""
        return self.data_dir / "secrets.json"

    @property
    def photos_dir(self) -> Path:
        """Photos of unreadable badges, kept to resolve later."""
        return self.data_dir / "badge-photos"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def private_dirs(self) -> tuple[Path, ...]:
        """Folders only this user may open: they hold every visitor's data (issue #18)."""
        return (self.data_dir, self.backups_dir, self.photos_dir, self.logs_dir, self.exports_dir)

    def ensure(self) -> None:
        for d in (self.data_dir, self.backups_dir, self.photos_dir, self.logs_dir):
            d.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        self.tighten()

    def tighten(self) -> None:
        """Folders 0700 and the files in them 0600 on POSIX, including ones an older
        BoothApp made 0755/0644 (any local user could read every lead). Call again once the
        database file exists: SQLite creates it with the process umask, and its -wal/-shm
        files then take the database file's mode."""
        if os.name != "posix":
            return  # Windows: the per-user profile folder's ACL already keeps others out
        for folder in self.private_dirs:
            _chmod(folder, PRIVATE_DIR_MODE)
            if not folder.is_dir():
                continue
            own_files = folder.rglob("*") if folder != self.data_dir else folder.iterdir()
            for item in own_files:
                if item.is_symlink():
                    continue
                _chmod(item, PRIVATE_DIR_MODE if item.is_dir() else PRIVATE_FILE_MODE)


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(mode | (stat.S_IMODE(path.stat().st_mode) & 0o700))
    except OSError:
        pass  # not ours (a shared --data-dir): leave it as the owner set it


def resolve_paths(data_dir: str | None = None, db_url: str | None = None) -> AppPaths:
    raw_dir = data_dir or os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_NAME)
    root = Path(raw_dir).expanduser().resolve()
    url = db_url or os.environ.get(ENV_DB) or f"sqlite:///{root / 'boothapp.db'}"
    return AppPaths(data_dir=root, db_url=url)
