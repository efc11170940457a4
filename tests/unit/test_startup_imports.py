"""What every command and the window's start load (issue 23): OpenCV, NumPy and ReportLab
only when a scan, an OCR or a PDF needs them, requests only when a CRM is called, psycopg
only when the event hub is talked to. Loading them at start cost every command ~0.6 s; a
top-level import of one in a module the app wires up brings it back."""

from __future__ import annotations

import subprocess
import sys

import pytest

from boothapp.core.lazy_modules import lazy_module

_HEAVY = ("cv2", "numpy", "reportlab.platypus", "requests", "psycopg")


def test_app_and_cli_start_without_opencv_numpy_reportlab_requests_or_psycopg() -> None:
    probe = (
        "import sys, boothapp.app, boothapp.cli.acting, boothapp.demo.build; "
        # The CLI imports every command module to list it (``decode``, ``roi``: their
        # scanner and PDF load when they run).
        "from boothapp.cli import build_parser; build_parser(); "
        f"print(','.join(m for m in {_HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "", f"loaded at start: {out.stdout.strip()}"


def test_a_lazy_module_runs_when_first_used_and_a_missing_one_fails_at_once() -> None:
    probe = (
        "import sys, threading; from boothapp.core.lazy_modules import lazy_module; "
        "m = lazy_module('psycopg'); before = 'psycopg' in sys.modules; "
        # Several threads at once: one import, the same classes for all (an except clause
        # with another thread's class would miss).
        "got = []; ts = [threading.Thread(target=lambda: got.append(m.Error)) for _ in range(8)]; "
        "[t.start() for t in ts]; [t.join() for t in ts]; "
        "import psycopg; "
        "print(before, 'psycopg.pq' in sys.modules, all(e is psycopg.Error for e in got))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "True", "True"]
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        lazy_module("no_such_module_here")
