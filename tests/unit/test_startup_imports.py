"""What every command and the window's start load (issue 23): OpenCV, NumPy and ReportLab
only when a scan, an OCR or a PDF needs them, requests only when a CRM is called. Loading
them at start cost every command ~0.5 s; a top-level import of one in a module the app
wires up brings it back."""

from __future__ import annotations

import subprocess
import sys

_HEAVY = ("cv2", "numpy", "reportlab.platypus", "requests")


def test_app_and_cli_start_without_opencv_numpy_reportlab_or_requests() -> None:
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
