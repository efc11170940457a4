"""The photographed business card reaches the CRM as a file on the visitor's record (issue 20).

A card lead (the scan keeps the photo, saving links it) is synced through the app's own path
(LeadService -> outbox -> SyncService). HubSpot and Salesforce are local fakes that follow the
vendors' published file APIs (HubSpot Files API v3 + a note with ``hs_attachment_ids``;
Salesforce ``ContentVersion`` with ``FirstPublishLocationId``); BottleCRM is the real one
(django-crm 1.35.0 on loopback, ``lead_attachment`` on ``/api/leads/<id>/``). A second sync
never adds a second copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import cv2
import pytest
from sqlalchemy import update

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, LeadSource
from boothapp.demo.cards import demo_card_frame
from boothapp.services.events import NewEvent
from boothapp.store.tables import OutboxRow
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.bottlecrm.harness import BottleCrm
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, lease=timedelta(seconds=5))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[AppContext]:
    ctx = build_context(str(tmp_path / "data"))
    yield ctx
    ctx.close()


def card_lead(app: AppContext, event_id: str, email: str) -> tuple[str, bytes]:
    """A lead captured from a card photo, as the scan page's Card button saves it."""
    _, still = demo_card_frame()
    photo = app.paths.data_dir / "cards" / f"{email}.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(photo), still)
    outcome = app.leads.record_scan(event_id, "", image_path=str(photo), source=LeadSource.MANUAL)
    contact = Contact(first_name="Grace", last_name="Taylor", email=email, company="Crescent")
    lead = app.leads.save_lead(replace(outcome.draft, contact=contact), scan_id=outcome.scan.id)
    return lead.id, photo.read_bytes()


def test_hubspot_gets_the_card_as_a_file_on_a_note_of_the_contact(app: AppContext) -> None:
    fake = HubSpotFake()
    event_id = app.events.create_event(NewEvent(name="Card Show HS")).id
    with FakeServer(fake) as server:
        app.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        lead_id, data = card_lead(app, event_id, "grace.hs@example.com")
        summary = app.sync.run(event_id, engine_config=FAST, max_seconds=60)
        assert summary.ok, summary.message
        again = app.sync.run(event_id, engine_config=FAST, max_seconds=60)
    (file,) = fake.files.values()
    assert file["bytes"] == data and file["name"] == f"business-card-{lead_id}.jpg"
    assert file["access"] == "PRIVATE"
    notes = fake.engagements["notes"]
    (card_note,) = [n for n in notes.values() if n.get("hs_attachment_ids")]
    assert card_note["hs_attachment_ids"] == next(iter(fake.files))
    (contact_id,) = fake.contacts
    note_ids = [i for i, n in notes.items() if n is card_note]
    assert ("notes", note_ids[0], contact_id) in fake.associations
    assert again.synced == 0  # nothing sent twice


def test_salesforce_gets_the_card_as_a_file_linked_to_the_lead(app: AppContext) -> None:
    fake = SalesforceFake()
    event_id = app.events.create_event(NewEvent(name="Card Show SF")).id
    with FakeServer(fake) as server:
        app.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        lead_id, data = card_lead(app, event_id, "grace.sf@example.com")
        assert app.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        # Lost bookkeeping (as after a crash before the reply was stored): queued again, the
        # adapter finds the file already linked and adds none.
        with app.db.session() as s:
            s.execute(update(OutboxRow).where(OutboxRow.kind == "card").values(state="pending"))
        assert app.sync.run(event_id, engine_config=FAST, max_seconds=60).synced == 1
    (version,) = fake.records["ContentVersion"].values()
    (sf_lead,) = fake.records["Lead"]
    assert version["FirstPublishLocationId"] == sf_lead
    assert version["PathOnClient"] == f"business-card-{lead_id}.jpg"
    assert version["Bytes"] == data


@pytest.mark.slow
def test_bottlecrm_keeps_the_card_as_a_lead_attachment(app: AppContext, bottlecrm: BottleCrm):
    event_id = app.events.create_event(NewEvent(name="Card Show BC")).id
    app.sync.configure(
        event_id,
        CrmSettings("bottlecrm", bottlecrm.base_url, intake_id=bottlecrm.intake_id),
        {"intake_key": bottlecrm.intake_key, "api_token": bottlecrm.pat},
    )
    lead_id, data = card_lead(app, event_id, "grace.bc@example-booth.com")
    summary = app.sync.run(event_id, max_seconds=120)
    assert summary.ok, summary.message
    code = "\n".join(
        [
            "import json",
            "from leads.models import Lead",
            "from common.models import Attachments",
            f"lead = Lead.objects.get(external_id={lead_id!r})",
            "rows = Attachments.objects.filter(object_id=lead.id)",
            "print(json.dumps([[a.file_name, a.attachment.read().hex()] for a in rows]))",
        ]
    )
    (attachment,) = json.loads(bottlecrm.shell(code).strip().splitlines()[-1])
    assert attachment[0] == f"business-card-{lead_id}.jpg"
    assert bytes.fromhex(attachment[1]) == data
