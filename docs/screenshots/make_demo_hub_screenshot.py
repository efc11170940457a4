"""Screenshot of the booth demo on an event hub (issue 19): the two laptops of `boothapp demo
--hub` side by side; laptop 1 saved a visitor's badge, laptop 2 scans the same badge and
reads "Scanned before by Deniz Aksoy ... (laptop 1)". The laptops' data are prepared by the
demo's own code (``boothapp.demo.hub_demo``) on a PostgreSQL it starts on loopback; the two
windows are shown in one process here (the demo opens one process per laptop) so one script
can drive both like the staff would, through the handheld-scanner path.

Xvfb :58 -screen 0 2560x1000x24 &
DISPLAY=:58 QT_QPA_PLATFORM=xcb python docs/screenshots/make_demo_hub_screenshot.py [OUT]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.models import LeadSource
from boothapp.demo.build import ROSTER_SIZE
from boothapp.demo.hub_demo import prepare_laptops
from boothapp.demo.loopback_pg import start_loopback
from boothapp.demo.people import make_people, vcard_payload
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.tasks import TaskRunner


def _pump(app: QApplication, seconds: float, done=lambda: False) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done():
        app.processEvents()
        time.sleep(0.03)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app, Theme.LIGHT, 1.0)
    root = Path(tempfile.mkdtemp(prefix="boothapp-demo-hub-shot-"))
    server = start_loopback()
    try:
        laptops = prepare_laptops(root / "laptops", server.create_database("booth"))
        screen = app.primaryScreen().geometry()
        width = screen.width() // 2
        windows = []
        for n, laptop in enumerate(laptops):
            ctx = build_context(str(laptop.data_dir))
            event = ctx.events.find_event(laptop.event_name)
            runner = TaskRunner()
            window = DesktopWindow(ctx, runner, event)
            window.wedge.uninstall()  # two laptops' keyboards, not one
            window.setGeometry(screen.x() + n * width, screen.y(), width, screen.height())
            window.setWindowTitle(f"{window.windowTitle()} — {laptop.name}")
            window.show()
            # The badges come from the handheld scanner here (the demo plays its badge video
            # as the camera; its reads would open other visitors' forms mid-shot).
            window.scan.set_no_camera("No camera chosen: scan badges with the handheld scanner.")
            _pump(app, 1.0)
            staff = {s.name: s for s in ctx.staff.list_staff(event.id)}
            window.sign_in.signed_in.emit(staff["Deniz Aksoy" if n == 0 else "Maria Lopez"])
            windows.append((ctx, event, runner, window))
        (_, _, _, win_one), (two, event_two, _, win_two) = windows
        visitor = make_people(ROSTER_SIZE, 11)[3]
        badge = vcard_payload(visitor)
        win_one.scan.handle_payload(badge, "QR_CODE", LeadSource.BADGE_SCAN)
        _pump(app, 10, lambda: win_one.scan.form_open)
        win_one.scan.form.save()
        _pump(app, 3)
        _pump(app, 20, lambda: bool(two.leads.list_leads(event_two.id)))
        win_two.scan.handle_payload(badge, "QR_CODE", LeadSource.BADGE_SCAN)
        _pump(app, 10, lambda: win_two.scan.form_open and bool(win_two.scan.form.banner.text()))
        _pump(app, 2)
        print(win_two.scan.form.banner.text(), "|", win_two.scan.hub_strip.text())
        path = out / "hub-demo-two-windows.png"
        if os.environ.get("QT_QPA_PLATFORM") == "xcb":
            from PIL import Image, ImageGrab

            shot = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
            shot.quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
        else:
            win_two.grab().save(str(path))
        print(path)
        for ctx, _, runner, window in windows:
            window.close()
            runner.wait()
            ctx.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
