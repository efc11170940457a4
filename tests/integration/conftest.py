"""Real servers on loopback for integration tests: PostgreSQL and BottleCRM."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.bottlecrm import harness
from tests.integration.pgserver import PgServer, start_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    root = Path(tempfile.mkdtemp(prefix="boothapp-pg-"))
    try:
        server = start_server(root)
        try:
            yield server
        finally:
            server.stop()
    finally:
        # ~0.5 GB of cluster files: left behind, every `make test` filled /tmp by that much.
        shutil.rmtree(root, ignore_errors=True)


def _bottlecrm(tmp_path_factory: pytest.TempPathFactory, name: str, throttle: str):
    try:
        crm = harness.start(tmp_path_factory.mktemp(name), throttle_minute=throttle)
    except harness.HarnessUnavailable as exc:
        pytest.skip(str(exc))
    return crm


@pytest.fixture(scope="session")
def bottlecrm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.BottleCrm]:
    """A real BottleCRM (django-crm 1.35.0) on 127.0.0.1 with a fresh copy of the migrated
    template, a PAT and a lead intake; throttling high enough not to interfere."""
    crm = _bottlecrm(tmp_path_factory, "bottlecrm", "100000/min")
    yield crm
    crm.stop()


@pytest.fixture(scope="session")
def bottlecrm_throttled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.BottleCrm]:
    """The same, with the intake limited to 3 posts a second (LEAD_INTAKE_THROTTLE_MINUTE takes
    a DRF rate, so ``3/s`` keeps Retry-After at 1 s instead of a minute)."""
    crm = _bottlecrm(tmp_path_factory, "bottlecrm_throttled", "3/s")
    yield crm
    crm.stop()


@pytest.fixture
def repo_root() -> Path:
    return harness.REPO
