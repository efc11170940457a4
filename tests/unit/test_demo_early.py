"""A big demo build starts its worker process before the app's imports (issue 23): the
arguments are read before the parser exists, so the early look must agree with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boothapp.app import AppContext
from boothapp.cli import build_parser
from boothapp.cli.commands import demo
from boothapp.demo.build import build_demo
from boothapp.demo.early import DEMO_CHUNK, demo_leads, start_early
from boothapp.services.bulk_worker import start_ahead, take_ahead

ARGVS = [
    ["demo", "--no-gui", "--leads", "50000"],
    ["--data-dir", "/tmp/x", "demo", "--leads=12000"],
    ["demo", "--leads", "12000", "--data-dir", "demo"],
    ["--lang", "fa", "demo", "--no-gui", "--leads", "5001"],
    ["demo", "--leads", "40"],
    ["demo"],
    ["demo", "--hub", "--leads", "50000"],
    ["demo", "--hub=postgresql://h/db", "--leads", "50000"],
    ["--data-dir", "demo", "leads", "list", "--event", "e"],
    ["gui"],
    [],
]


def _parsed_leads(argv: list[str]) -> int:
    """What the real parser makes of ``argv``: the leads the demo will build here."""
    args = build_parser().parse_args(argv)
    if getattr(args, "func", None) is not demo.run or args.hub is not None:
        return 0
    return max(0, int(args.leads))


@pytest.mark.parametrize("argv", ARGVS, ids=lambda a: " ".join(a) or "(none)")
def test_the_early_look_reads_the_arguments_as_the_parser_does(argv: list[str]) -> None:
    assert demo_leads(argv) == _parsed_leads(argv)


def test_help_and_arguments_the_parser_refuses_start_nothing() -> None:
    for argv in (["demo", "--help"], ["demo", "--leads", "many"], ["demo", "--leads"]):
        assert demo_leads(argv) == 0
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)


def test_only_a_build_of_more_than_one_chunk_starts_a_worker_early() -> None:
    start_early(["demo", "--no-gui", "--leads", str(DEMO_CHUNK)])
    assert take_ahead() is None
    start_early(["demo", "--no-gui", "--leads", str(DEMO_CHUNK + 1)])
    worker = take_ahead()
    try:
        assert worker is not None and worker.parallel
        assert worker.submit(sum, [1, 2, 3])() == 6  # up and working
        assert take_ahead() is None  # given once
    finally:
        if worker is not None:
            worker.close()


def test_the_build_takes_the_worker_started_early_and_ends_it(ctx: AppContext) -> None:
    worker = start_ahead()
    summary = build_demo(ctx, leads=DEMO_CHUNK + 1)
    assert summary.leads == DEMO_CHUNK + 1
    assert take_ahead() is None  # the build took it
    assert not worker.parallel  # and ended its process


def test_a_command_that_fails_after_the_early_start_still_ends_at_once(tmp_path: Path) -> None:
    """The worker is started before the arguments are checked: a refused database still
    ends the command with its one-line error, the worker with it."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "boothapp", "--data-dir", str(tmp_path), "--db", "nosuch://x",
         "demo", "--no-gui", "--leads", "50000"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert out.stderr.strip().startswith("boothapp: error:"), out.stderr[-800:]
    assert len(out.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 30
