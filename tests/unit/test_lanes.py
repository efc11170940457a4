"""The fast lane cannot take a test that starts a real server: collection refuses it unmarked."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.lanes import server_use

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parents[1]
GUARD_CONFTEST = """
import pytest
from tests.lanes import require_integration_marker

def pytest_configure(config):
    config.addinivalue_line("markers", "integration: real servers")

def pytest_collection_modifyitems(items):
    require_integration_marker(items)

@pytest.fixture
def pg_server():
    return "a PostgreSQL would start here"
"""


def test_an_unmarked_test_using_a_server_fixture_stops_the_collection(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(GUARD_CONFTEST)
    pytester.makepyfile(
        test_new="def test_reads_back(pg_server):\n    assert pg_server\n",
        test_plain="def test_adds():\n    assert 1 + 1 == 2\n",
    )
    result = pytester.runpytest_inprocess("-m", "not integration")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*not marked integration*", "*test_new.py::test_reads_back: uses the pg_server fixture"]
    )


def test_the_same_test_marked_integration_is_left_to_the_slow_lane(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(GUARD_CONFTEST)
    pytester.makepyfile(
        test_new="import pytest\npytestmark = pytest.mark.integration\n\n"
        "def test_reads_back(pg_server):\n    assert pg_server\n",
        test_plain="def test_adds():\n    assert 1 + 1 == 2\n",
    )
    fast = pytester.runpytest_inprocess("-m", "not integration")
    fast.assert_outcomes(passed=1, deselected=1)
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_server_use_names_why_a_test_needs_the_marker() -> None:
    mail = importlib.import_module("tests.ui.test_followup_mail_password")
    reason = server_use(Path(mail.__file__), ["qtbot"], mail)
    assert reason is not None and "aiosmtpd" in reason
    plain = importlib.import_module("tests.unit.test_scoring")
    assert server_use(Path(plain.__file__), ["ctx", "tmp_path"], plain) is None
    assert server_use(TESTS / "integration" / "test_new.py", [], None) == (
        "lives in tests/integration"
    )
    assert server_use(TESTS / "ui" / "test_new.py", ["dovecot", "qtbot"], None) == (
        "uses the dovecot fixture"
    )
