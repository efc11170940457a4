"""Offscreen screenshot of the CRM sync page: a HubSpot run with one refused lead, then "Pull
changes from CRM" taking what sales changed. HubSpot is the loopback fake the tests use.

QT_QPA_PLATFORM=offscreen python docs/screenshots/make_sync_screenshot.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import keyring
from keyring.backends.fail import Keyring
from make_screenshots import _save
from PySide6.QtWidgets import QApplication

from boothapp.app import build_context
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.settings import CrmSettings
from boothapp.ui.sync_page import SyncPage
from boothapp.workers.tasks import TaskRunner
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake

PEOPLE = [
    ("Amelia", "Hart", "Nordwind Logistics"), ("Kenji", "Sato", "Sato Robotics"),
    ("Leyla", "Demir", "Anatolia Foods"), ("Nikos", "Pappas", "Aegean Shipping"),
    ("Sara", "Rahimi", "Persepolis Labs"), ("Jonas", "Berg", "Fjord Energy"),
]  # fmt: skip


def _wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    keyring.set_keyring(Keyring())  # never touch the real keyring for a screenshot
    app = QApplication.instance() or QApplication([])
    ctx = build_context(tempfile.mkdtemp(prefix="boothapp-shot-"))
    event = ctx.events.create_event(NewEvent(name="MedTech Berlin 2026"))
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": fake.token})
        ids = []
        for i in range(60):
            first, last, company = PEOPLE[i % len(PEOPLE)]
            email = f"{first}.{last}{i}@example.com".lower()
            if i == 13:  # typed at the booth with "(at)": HubSpot refuses it
                email = f"{first}.{last}(at){company.split()[0]}".lower()
            contact = Contact(first_name=first, last_name=last, company=company, email=email)
            ids.append(ctx.leads.save_lead(LeadDraft(event.id, contact)).id)
        page = SyncPage(ctx.sync, TaskRunner(), event)
        page.resize(980, 760)
        page.show()
        page.start_sync()
        _wait(app, 4)
        later = datetime.now(UTC) + timedelta(seconds=1)
        for lead_id in ids[:7]:
            fake.sales_edit(lead_id, later, hs_lead_status="CONNECTED")
        page.start_pull()
        _wait(app, 3)
        _save(page, out / "crm-sync.png")
    ctx.close()


if __name__ == "__main__":
    main()
