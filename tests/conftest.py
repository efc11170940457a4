"""Shared fixtures. Qt runs offscreen; every test gets its own data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite reads English whatever the developer's locale (issue 21); tests about another
# language ask for it. Set in the environment so CLI subprocesses agree.
os.environ["BOOTHAPP_LANG"] = "en"

from boothapp.app import AppContext, build_context
from tests.lanes import require_integration_marker

# Property tests check rules, not speed: Hypothesis's 200 ms wall-clock deadline per example
# fails them on a loaded 2-core box (two routing properties did at load 33). Speed is for bench/.
settings.register_profile("boothapp", deadline=None)
settings.load_profile("boothapp")

REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    require_integration_marker(items)  # a server test cannot slip into `make test-fast`


@pytest.fixture(autouse=True, scope="session")
def _no_os_keyring() -> None:
    """Tests never touch the developer's keyring, and every process agrees on the backend:
    no keyring, so secrets go to the (loudly announced) file fallback. Tests about the keyring
    set their own backend. Without this, a test backend class defined anywhere would be picked
    by keyring's auto-selection for the rest of the session, but not by CLI subprocesses."""
    import keyring
    from keyring.backends import fail

    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    keyring.set_keyring(fail.Keyring())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """``boothapp --lang xx`` run in process sets the language for the process: undo it."""
    from boothapp.core import i18n

    i18n.set_current(i18n.Language.EN)
    yield
    i18n.set_current(i18n.Language.EN)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Never touch the real user data dir or database from a test.
    monkeypatch.setenv("BOOTHAPP_DATA_DIR", str(tmp_path / "userdata"))
    monkeypatch.delenv("BOOTHAPP_DB", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = build_context(str(data_dir))
    yield context
    context.close()


@dataclass
class CliRun:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], data_dir: Path):  # type: ignore[no-untyped-def]
    """Run the CLI in-process against the test's data dir: ``cli("event", "list")``."""
    from boothapp.cli import main

    def run(*args: str, data: Path | None = data_dir) -> CliRun:
        capsys.readouterr()
        argv = (["--data-dir", str(data)] if data else []) + list(args)
        code = main(argv)
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run
