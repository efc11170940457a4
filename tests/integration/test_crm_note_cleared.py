"""A note emptied in the lead detail deletes the CRM's note (issue 17): HubSpot archives the
note, Salesforce deletes the Task holding it, BottleCRM deletes the comment. The lead is saved
and edited through ``LeadService.save_lead`` (queued in the same transaction) and synced
through ``SyncService.run`` on the app's SQLite file; the fakes follow the vendors' published
batch read / archive (HubSpot) and sObject Collections delete (Salesforce)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.bottlecrm.harness import BottleCrm
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, lease=timedelta(seconds=5))


def save(ctx: AppContext, event_id: str, email: str, notes: str) -> str:
    contact = Contact(first_name="Ada", last_name="Lovelace", email=email, company="Engines")
    return ctx.leads.save_lead(LeadDraft(event_id, contact, notes=notes)).id


def set_notes(ctx: AppContext, lead_id: str, notes: str) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, notes=notes))


def test_hubspot_note_emptied_at_the_booth_is_archived(ctx: AppContext) -> None:
    fake = HubSpotFake()
    event_id = ctx.events.create_event(NewEvent(name="Note Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        kept = save(ctx, event_id, "kept@example.com", "wants pricing")
        gone = save(ctx, event_id, "gone@example.com", "call after the show")
        blank = save(ctx, event_id, "blank@example.com", "")  # never had a note
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
        notes = fake.engagements["notes"]
        assert sorted(n["boothapp_item_key"] for n in notes.values()) == sorted(
            [f"{kept}:note", f"{gone}:note"]
        )
        set_notes(ctx, gone, "   ")
        set_notes(ctx, kept, "wants pricing and a demo")  # same push as the emptied one
        set_notes(ctx, blank, "")  # saved again, still empty: nothing to send
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=30)
    assert summary.ok and summary.failures == ()
    assert [n["boothapp_item_key"] for n in notes.values()] == [f"{kept}:note"]
    assert [n["hs_note_body"] for n in notes.values()] == ["wants pricing and a demo"]
    assert len(fake.archived) == 1
    assert ctx.sync.status(event_id).pending == 0


def test_salesforce_note_emptied_at_the_booth_deletes_its_task(ctx: AppContext) -> None:
    fake = SalesforceFake()
    event_id = ctx.events.create_event(NewEvent(name="Note Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        kept = save(ctx, event_id, "kept@example.com", "wants pricing")
        gone = save(ctx, event_id, "gone@example.com", "call after the show")
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok

        def note_tasks() -> list[str]:
            return sorted(
                t["BoothApp_Task_Id__c"] for t in fake.records.get("Task", {}).values()
                if str(t.get("BoothApp_Task_Id__c", "")).endswith(":note")
            )  # fmt: skip

        assert note_tasks() == sorted([f"{kept}:note", f"{gone}:note"])
        set_notes(ctx, gone, "")
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=30)
        assert summary.ok
        assert note_tasks() == [f"{kept}:note"]
        assert len(fake.deleted) == 1
        # Written again later: a new Task, found and deleted again the same way.
        set_notes(ctx, gone, "back on")
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
        assert note_tasks() == sorted([f"{kept}:note", f"{gone}:note"])


@pytest.mark.slow
def test_bottlecrm_note_emptied_at_the_booth_deletes_the_comment(
    tmp_path: Path, bottlecrm: BottleCrm
) -> None:
    app = build_context(str(tmp_path / "data"))
    try:
        event_id = app.events.create_event(NewEvent(name="Note Show")).id
        app.sync.configure(
            event_id,
            CrmSettings("bottlecrm", bottlecrm.base_url, intake_id=bottlecrm.intake_id),
            {"intake_key": bottlecrm.intake_key, "api_token": bottlecrm.pat},
        )
        lead_id = save(app, event_id, "note.cleared@example-booth.com", "bring the brochure")
        assert app.sync.run(event_id, max_seconds=60).ok
        code = (
            "from leads.models import Lead\nfrom common.models import Comment\n"
            f"lead = Lead.objects.get(external_id={lead_id!r})\n"
            "print(Comment.objects.filter(object_id=lead.id,"
            " comment__contains='[boothapp:').count())"
        )
        assert bottlecrm.shell(code).strip().splitlines()[-1] == "1"
        set_notes(app, lead_id, "")
        summary = app.sync.run(event_id, max_seconds=60)
        assert summary.ok, summary.failures
        assert bottlecrm.shell(code).strip().splitlines()[-1] == "0"
    finally:
        app.close()
