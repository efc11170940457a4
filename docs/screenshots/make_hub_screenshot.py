"""Screenshot of laptop 1's scan page after a badge laptop 2 scanned first, both on one event
hub (issue 19): "Scanned before by Ayşe at 10:31 (laptop 2)" over the form, the hub line on
the strip. Starts its own PostgreSQL on loopback (as the tests do) and two app contexts.

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_hub_screenshot.py [OUT_DIR]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import _save, _settle
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.models import Contact, LeadSource
from boothapp.demo.people import DemoPerson, vcard_payload
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner
from tests.integration.pgserver import start_server

CEM = DemoPerson("7003", Contact(first_name="Cem", last_name="Koç", company="Koç Lojistik",
                                 email="cem@koc.com.tr", title="Operations Director"))  # fmt: skip


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tempfile.mkdtemp(prefix="boothapp-pg-")))
        try:
            url = server.create_database("hub")
            HubService.init(url)
            windows = []
            for name, staff, pin in (("laptop 1", "Deniz", "1111"), ("laptop 2", "Ayşe", "2222")):
                ctx = build_context(str(Path(tmp) / name.replace(" ", "_")))
                event = ctx.events.create_event(
                    NewEvent(name="Hannover Messe 2027", timezone="Europe/Berlin")
                )
                member = ctx.staff.add_staff(event.id, staff, pin)
                ctx.hub.join(url, event.id, name)
                runner = TaskRunner()
                window = DesktopWindow(ctx, runner, event)
                window.wedge.uninstall()  # two laptops' keyboards, not one
                window.resize(1440, 900)
                window.show()
                _settle(app, runner)
                window.sign_in.signed_in.emit(member)
                windows.append((ctx, event, runner, window))
            (one, event_one, runner_one, win_one), (_, _, runner_two, win_two) = windows
            win_two.scan.handle_payload(vcard_payload(CEM), "QR_CODE", LeadSource.BADGE_SCAN)
            _settle(app, runner_two, rounds=20)
            win_two.scan.form.save()
            _settle(app, runner_two, rounds=20)
            deadline = time.monotonic() + 20
            while not one.leads.list_leads(event_one.id) and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.05)
            win_one.scan.handle_payload(vcard_payload(CEM), "QR_CODE", LeadSource.BADGE_SCAN)
            _settle(app, runner_one, rounds=40)
            print(win_one.scan.form.banner.text(), "|", win_one.scan.hub_strip.text())
            _save(win_one, out / "hub-scanned-before.png")
            for ctx, _, _, window in windows:
                window.close()
                ctx.close()
        finally:
            server.stop()
            shutil.rmtree(server.root, ignore_errors=True)


if __name__ == "__main__":
    main()
