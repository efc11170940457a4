"""Fixtures for the camera/decode worker and keyboard wedge tests (offscreen Qt)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORKER_THREAD_PREFIX = "boothapp-"


@pytest.fixture(autouse=True)
def english_window(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every UI test starts in English, whatever the machine's locale or the test before
    (issue 21): tests that read words on screen read the English source."""
    from boothapp.ui.i18n import apply_language

    apply_language("en")
    yield
    apply_language("en")


@pytest.fixture(autouse=True)
def no_worker_thread_left() -> Iterator[None]:
    """Fail a test that leaves a camera or decode thread running."""
    yield
    leftover = [t.name for t in threading.enumerate() if t.name.startswith(WORKER_THREAD_PREFIX)]
    assert not leftover, f"worker threads still running: {leftover}"
