"""Screenshots of a kiosk joined to an event hub (issue 19): the staff's hub line at the foot
of the attract screen, in English and Persian, online and then with the hub gone. Starts its
own PostgreSQL on loopback (as ``boothapp demo --hub`` does). Meant for a real X server (Xvfb):

Xvfb :57 -screen 0 1280x800x24 &
DISPLAY=:57 QT_QPA_PLATFORM=xcb python docs/screenshots/make_kiosk_hub_screenshot.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.models import Contact, LeadSource
from boothapp.demo.loopback_pg import start_loopback
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.services.leads import LeadDraft
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.setup import build_kiosk
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.hub_worker import HubWorker
from boothapp.workers.tasks import TaskRunner


def _wait(app: QApplication, done, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    for _ in range(10):
        app.processEvents()
        time.sleep(0.02)


def _shot(app: QApplication, window: KioskWindow, path: Path) -> None:
    _wait(app, lambda: False, 0.5)
    if os.environ.get("QT_QPA_PLATFORM") == "xcb":
        from PIL import ImageGrab

        ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(path)
    else:
        window.grab().save(str(path))
    print(path, "|", window.hub_footer.text())


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "kiosk"
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app, Theme.LIGHT, 1.2)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_loopback()
        try:
            url = server.create_database("hub")
            HubService.init(url)
            ctx = build_context(str(Path(tmp) / "kiosk"))
            event = ctx.events.create_event(
                NewEvent(name="Hannover Messe 2027", timezone="Europe/Berlin")
            )
            text = ctx.configs.export_text(event.id).replace(
                "kiosk_languages:\n- en\n", "kiosk_languages: [en, fa, de]\n"
            )
            ctx.configs.import_text(event.id, text, "event.yaml")
            ctx.hub.join(url, event.id, "kiosk 1", push_only=True)
            runner = TaskRunner()
            worker = HubWorker(ctx.hub, ctx.changes)
            window, wedge, controller = build_kiosk(ctx, runner, event, hub=worker)
            worker.start()
            screen = app.primaryScreen()
            window.setGeometry(screen.geometry())
            window.show()
            footer = window.hub_footer
            _wait(app, lambda: "online" in footer.text())
            _shot(app, window, out / "en-hub-online.png")
            window.set_language("fa")
            _shot(app, window, out / "fa-hub-online.png")
            window.set_language("en")
            server.stop()  # the hall's Wi-Fi drops
            _wait(app, lambda: "offline" in footer.text(), 30)
            # A visitor registers meanwhile: kept here, waiting for the hub.
            ctx.leads.save_lead(
                LeadDraft(event.id, Contact(first_name="Elif", email="elif@demir.com.tr"),
                          source=LeadSource.KIOSK)
            )  # fmt: skip
            _wait(app, lambda: "waiting" in footer.text(), 30)
            window.open_pin_pad()
            _shot(app, window, out / "en-hub-offline-pin.png")
            worker.stop()
            controller.shutdown()
            wedge.uninstall()
            window._unlocked = True
            window.close()
            runner.wait()
            ctx.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
