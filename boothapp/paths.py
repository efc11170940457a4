"""Where BoothApp keeps its files, decided once at start (never at import time).

Order of precedence: command-line option, environment variable, platform default
(platformdirs user data dir).
"""

from __future__ import annotations

import os
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

    def ensure(self) -> None:
        for d in (self.data_dir, self.backups_dir, self.photos_dir, self.logs_dir):
            d.mkdir(parents=True, exist_ok=True)


def resolve_paths(data_dir: str | None = None, db_url: str | None = None) -> AppPaths:
    raw_dir = data_dir or os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_NAME)
    root = Path(raw_dir).expanduser().resolve()
    url = db_url or os.environ.get(ENV_DB) or f"sqlite:///{root / 'boothapp.db'}"
    return AppPaths(data_dir=root, db_url=url)
