"""The kiosk stand's systemd unit (packaging/kiosk, issue 14): systemd accepts it, and the
command line it runs exists: the cage compositor and a ``boothapp kiosk`` the CLI knows."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from boothapp.cli import build_parser
from boothapp.cli.commands import kiosk as kiosk_command

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "packaging" / "kiosk" / "boothapp-kiosk@.service"


def _settings(section: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section:
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def _exec_start() -> list[str]:
    (line,) = _settings("Service")["ExecStart"]
    return shlex.split(line)


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here")
    # A template is verified as the instance the README installs.
    unit = tmp_path / "boothapp-kiosk@tty1.service"
    unit.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    # Unknown keys and bad values are only warnings (exit 0) that name the file: none allowed.
    complaints = [line for line in done.stderr.splitlines() if unit.name in line]
    assert done.returncode == 0 and complaints == [], done.stderr


def test_the_unit_runs_boothapp_kiosk_under_cage_and_restarts_it() -> None:
    argv = _exec_start()
    compositor, separator, program, *rest = argv
    assert Path(compositor).name == "cage" and separator == "--"
    assert "-s" not in argv[: argv.index("--")]  # no VT switching out of the kiosk
    assert shutil.which(compositor) is not None, "cage is missing: scripts/install-system-deps.sh"
    # "boothapp" is the installed console script, and "kiosk ..." a command line it accepts.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert program in scripts
    args = build_parser().parse_args(rest)
    assert args.func is kiosk_command.run
    service = _settings("Service")
    assert service["Restart"] == ["always"]
    assert _settings("Unit")["StartLimitIntervalSec"] == ["0"]  # never gives up restarting
