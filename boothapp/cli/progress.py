"""A one-line progress bar on stderr for long CLI work (silent when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._interactive = self.stream.isatty()
        self._start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int, note: str = "") -> None:
        if not self._interactive:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        share = done / total if total else 0.0
        filled = int(self.width * share)
        rate = done / (now - self._start) if now > self._start else 0.0
        eta = (total - done) / rate if rate and total else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {share:4.0%} {done:,}/{total:,} ETA {eta:4.0f}s "
            + (f"{note} " if note else "")
        )
        self.stream.flush()

    def done(self) -> None:
        if self._interactive:
            self.stream.write("\n")
            self.stream.flush()
