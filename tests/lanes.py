"""Which lane a test runs in: `make test-fast` leaves out every test marked ``integration``
(everything under tests/integration, and any test that starts a real server on loopback:
aiosmtpd, Dovecot, PostgreSQL, BottleCRM); `make test` runs everything. The in-process vendor
fakes (tests/integration/fakes, plain HTTP servers in a thread) need nothing installed, so a
page test driving one stays in the fast lane.

A test that starts such a server but forgot the marker would slow the fast lane down or break it
on a machine without the server, so collection refuses it (both lanes), naming the test and why.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

INTEGRATION_MARK = "integration"
INTEGRATION_DIR = Path(__file__).resolve().parent / "integration"

# Fixtures that start a real server (tests/integration/conftest.py, imap_server.py,
# test_mail_smtp.py).
SERVER_FIXTURES = frozenset(
    {"pg_server", "bottlecrm", "bottlecrm_throttled", "dovecot", "smtp_server"}
)
# Modules whose objects start one; a test module holding any of them starts a server itself.
SERVER_MODULES = (
    "aiosmtpd",
    "tests.integration.pgserver",
    "tests.integration.imap_server",
    "tests.integration.bottlecrm",
)


def _origin(value: object) -> str:
    if isinstance(value, ModuleType):
        return value.__name__
    module = (
        getattr(value, "__module__", None) if inspect.isclass(value) or callable(value) else None
    )
    return module if isinstance(module, str) else ""


def server_use(path: Path, fixtures: Iterable[str], module: ModuleType | None) -> str | None:
    """Why a test needs a real server (so the integration marker), or None."""
    if INTEGRATION_DIR in path.resolve().parents:
        return "lives in tests/integration"
    used = SERVER_FIXTURES.intersection(fixtures)
    if used:
        return f"uses the {', '.join(sorted(used))} fixture"
    for name, value in vars(module or ModuleType("none")).items():
        origin = _origin(value)
        if origin.startswith(SERVER_MODULES):
            return f"its module holds {name} from {origin}"
    return None


def unmarked_server_tests(items: Iterable[pytest.Item]) -> list[str]:
    problems = []
    for item in items:
        if item.get_closest_marker(INTEGRATION_MARK) is not None:
            continue
        reason = server_use(
            Path(str(item.path)),
            getattr(item, "fixturenames", ()),
            getattr(item, "module", None),
        )
        if reason:
            problems.append(f"{item.nodeid}: {reason}")
    return problems


def require_integration_marker(items: Iterable[pytest.Item]) -> None:
    problems = unmarked_server_tests(items)
    if problems:
        raise pytest.UsageError(
            "these tests start a real server but are not marked integration "
            "(add `pytestmark = pytest.mark.integration` to the module):\n  "
            + "\n  ".join(problems)
        )
