"""Screenshots of the booth floor at 1280x800 on the demo event (issue 15): the scan page with
its status strip, the lead form after a scan (short form in view, focus on the first
question), the same badge again (banner at the top), the editable lead detail, and the event
settings form beside the YAML.

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_booth_floor_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_app_screenshots import badge_frame
from make_screenshots import _save, _settle
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.capture.pipeline import DecodePipeline
from boothapp.core.models import LeadSource
from boothapp.demo.build import build_demo
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.tasks import TaskRunner


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app, Theme.LIGHT)
    ctx = build_context(tempfile.mkdtemp(prefix="shots-"))
    event = build_demo(ctx, leads=300).event
    ctx.settings.camera = str(Path(tempfile.gettempdir()) / "demo-badges.avi")  # as the demo
    runner = TaskRunner()
    window = DesktopWindow(ctx, runner, event)
    window.resize(1280, 800)
    window.show()
    _settle(app, runner)
    manager = next(s for s in ctx.staff.list_staff(event.id) if s.is_manager)
    window.sign_in.signed_in.emit(manager)
    _settle(app, runner)
    scan = window.scan
    frame, payload = badge_frame(0, event.name)
    outcome = DecodePipeline().decode(frame)
    corners = outcome.results[0].corners

    def show_badge() -> None:
        scan.camera.set_frame(frame)
        scan.camera.show_symbol(corners)
        scan.camera_status.setText("1280x720 · 30 fps · decode 6 ms")

    show_badge()
    _settle(app, runner)
    _save(window, out / "scan-page.png")

    scan.handle_payload(payload, outcome.results[0].symbology, LeadSource.BADGE_SCAN)
    _settle(app, runner)
    show_badge()
    _save(window, out / "scan-form.png")

    scan.form.save()
    _settle(app, runner)
    scan.handle_payload(payload, outcome.results[0].symbology, LeadSource.BADGE_SCAN)
    _settle(app, runner)
    show_badge()
    _save(window, out / "scan-duplicate.png")
    lead_id = scan.form._draft.lead_id
    scan.form.cancelled.emit()

    window.show_page(window.pages.indexOf(window.leads))  # by page: the nav order moves
    _settle(app, runner)
    window.leads.detail.show()
    window.leads.detail.open_lead(str(lead_id))
    _settle(app, runner, rounds=10)
    _save(window, out / "lead-detail.png")

    window.show_page(window.pages.indexOf(window.settings_page))
    _settle(app, runner)
    _save(window, out / "event-settings-form.png")
    window.settings_page.tabs.setCurrentWidget(window.settings_page.editor)
    _settle(app, runner)
    _save(window, out / "event-settings.png")
    window.close()
    runner.wait()
    ctx.close()


if __name__ == "__main__":
    main()
