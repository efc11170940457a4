"""What CSV and XLSX exports share: the summary they return, progress, atomic file output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from pathlib import Path

from boothapp.core.models import Lead

# progress(done, total); total is 0 when the lead source cannot tell its length up front.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000


class ExportCancelled(Exception):
    """Raised from a progress callback to stop an export; the file is not written."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    rows: int
    path: Path
    columns: tuple[str, ...]


def total_of(leads: Iterable[Lead]) -> int:
    return len(leads) if isinstance(leads, Sized) else 0


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; move it over ``path`` only if the body succeeds.

    A failed export (bad column, full disk, cancelled) leaves any earlier file untouched.
    """
    path = Path(path)
    if path.is_dir():
        # os.replace onto a folder fails naming our temp file (issue #18): say it plainly.
        raise ValueError(
            f"Export path {str(path)!r} is a folder; give a file name, e.g. "
            f"{str(path / ('leads' + (path.suffix or '.csv')))!r}."
        )
    if not path.parent.is_dir():
        raise ValueError(f"Export folder {str(path.parent)!r} does not exist.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
