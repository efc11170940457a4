"""Fixtures for the camera/decode worker and keyboard wedge tests (offscreen Qt)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORKER_THREAD_PREFIX = "boothapp-"


@pytest.fixture(autouse=True)
def no_worker_thread_left() -> Iterator[None]:
    """Fail a test that leaves a camera or decode thread running."""
    yield
    leftover = [t.name for t in threading.enumerate() if t.name.startswith(WORKER_THREAD_PREFIX)]
    assert not leftover, f"worker threads still running: {leftover}"
