"""Offscreen screenshots of the leads, dashboard and sign-in pages with realistic data.

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from boothapp.core.models import Stage
from boothapp.services.dashboard import DashboardService
from boothapp.services.lead_queries import LeadQueryService
from boothapp.services.leads import LeadService
from boothapp.services.staff import StaffService
from boothapp.store.migrate import open_database
from boothapp.store.tables import LeadRow, OutboxRow
from boothapp.ui.dashboard_page import DashboardPage
from boothapp.ui.leads_page import LeadsPage
from boothapp.ui.sign_in_page import SignInPage
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_leads import populate


def _settle(app: QApplication, runner: TaskRunner, rounds: int = 6) -> None:
    for _ in range(rounds):
        runner.wait()
        app.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    try:  # a 256-colour palette keeps the PNGs small enough for the docs (~200 KB)
        from PIL import Image

        with Image.open(path) as image:
            image.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
    except ImportError:
        pass
    print(path, path.stat().st_size // 1024, "KB")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 11))
    tmp = Path(tempfile.mkdtemp())
    db, _ = open_database(f"sqlite:///{tmp / 'shots.db'}", tmp / "backups")
    pop = populate(db, 300, seed=11)
    runner = TaskRunner()
    tz = ZoneInfo(pop.timezone)
    now = datetime.combine(pop.days[1], time(17, 40), tz).astimezone(UTC)
    leads = LeadService(db)
    with db.session() as s:
        ids = list(s.scalars(select(LeadRow.id).order_by(LeadRow.created_at.desc()).limit(3)))
        s.add(OutboxRow(crm="hubspot", lead_id=ids[0], record={}, state="sent",
                        updated_at=now.replace(minute=now.minute - 7)))  # fmt: skip
    staff_id, _ = next(iter(pop.staff.items()))

    with db.read() as s:
        second = s.scalars(select(LeadRow.id).order_by(LeadRow.created_at.desc()).offset(1)).first()
    lead = leads.get_lead(str(second))
    from dataclasses import replace

    leads.save_lead(replace(leads.draft_of(lead), stage=Stage.IN_CONTACT, staff_id=staff_id,
                            notes="Wants a demo of the kiosk mode next week"))  # fmt: skip
    leads.set_please_delete(lead.id, True, staff_id)
    leads.set_please_delete(lead.id, False, staff_id)
    page = LeadsPage(LeadQueryService(db), leads, runner, pop.event_id, page_size=100)
    page.resize(1440, 860)
    page.show()
    _settle(app, runner)
    page.set_current_staff(None)
    page.table.selectRow(1)
    page.open_row(1)
    _settle(app, runner)
    _save(page, out / "leads.png")

    dash = DashboardPage(DashboardService(db), runner, pop.event_id, pop.timezone,
                         clock=lambda: now, auto_refresh=False)  # fmt: skip
    dash.resize(1280, 800)
    dash.show()
    dash.refresh()
    _settle(app, runner)
    _save(dash, out / "dashboard.png")

    sign = SignInPage(StaffService(db), runner, pop.event_id)
    sign.resize(1280, 720)
    sign.show()
    sign.refresh()
    _settle(app, runner)
    sign.choose(next(m for m in sign._members if m.name.startswith("Derya")))
    for digit in "12":
        sign.pad.press(digit)
    app.processEvents()
    _save(sign, out / "sign-in.png")
    runner.wait()
    db.dispose()


if __name__ == "__main__":
    main()
