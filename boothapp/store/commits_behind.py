"""Commits run on a thread of their own while the caller prepares its next unit (issue 23).

A big bulk build commits one transaction per chunk; writing a chunk's pages to the log
(encrypted, ~0.3 s a chunk at 50,000 leads) holds no Python lock, so the caller can route
and prepare the next chunk meanwhile instead of waiting. Units still commit one after the
other, in the order given: a unit opened with ``CommitsBehind`` first waits for the commit
before it (SQLite has one writer, and a read begun before that commit ended could not turn
into a write). After a failed commit nothing more of the build is committed and the caller
gets the failure at its next unit or at ``wait``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class CommitsBehind:
    """One thread that runs each unit's commit, and what follows it, in order."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="boothapp-commit")
        self._pending: list[Future[None]] = []
        self._failed: BaseException | None = None

    def submit(self, fn: Callable[[], None]) -> None:
        """``fn`` on the commit thread after everything submitted before it; skipped once
        anything before it failed."""
        self._pending.append(self._thread.submit(self._run, fn))

    def _run(self, fn: Callable[[], None]) -> None:
        if self._failed is None:
            try:
                fn()
            except BaseException as exc:
                self._failed = exc

    def wait(self) -> None:
        """Return when everything submitted is done; raise the first failure (once)."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()
        failed, self._failed = self._failed, None
        if failed is not None:
            raise failed

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._thread.shutdown(wait=True)
