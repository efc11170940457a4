"""Where a fault nobody foresaw is kept: its traceback in a crash file in the data folder's
logs/ (0600, like every file there: it may hold what the database holds), for whoever looks
into it. What a person sees is one line naming the fault and that file (the CLI's last
``except``, the window's status bar), never a page of traceback, which may quote visitors'
data (a database error lists the rows it could not write).
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from boothapp.paths import PRIVATE_FILE_MODE, AppPaths


def keep_crash(paths: AppPaths, exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to ``logs/crash-<UTC time>.log``; its path, or None when the
    folder cannot be written (the line shown then says so)."""
    try:
        paths.logs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        path = paths.logs_dir / f"crash-{stamp}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None
