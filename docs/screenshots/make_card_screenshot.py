"""Offscreen screenshot of the scan page after "Business card (F6)": the flattened card beside
the pre-filled form, unsure fields marked (issue 20).

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_card_screenshot.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import _save, _settle
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.demo.build import build_demo
from boothapp.demo.cards import demo_card_frame
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_context(tmp)
        event = build_demo(ctx).event
        runner = TaskRunner()
        window = DesktopWindow(ctx, runner, event)
        window.resize(1440, 900)
        window.show()
        _settle(app, runner)
        window.sign_in.signed_in.emit(ctx.staff.list_staff(event.id)[0])
        scan = window.scan
        _, still = demo_card_frame(seed=7, language="tr")
        scan.camera.set_frame(still)
        scan.card.capture(still, ctx.staff.list_staff(event.id)[0])
        _settle(app, runner, rounds=40)
        scan.camera.set_frame(still)
        _save(window, out / "scan-card.png")
        window.close()
        ctx.close()


if __name__ == "__main__":
    main()
