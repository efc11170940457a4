"""SyncService end to end against the HubSpot and Salesforce fakes with faults: leads saved
through LeadService (queued in the same transaction), drained through SqlOutbox on the app's
SQLite file; no duplicates, no drops, failures shown with the CRM's own message."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from boothapp.app import AppContext
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig, StopReason
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

FAST = EngineConfig(
    base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50,
    lease=timedelta(seconds=5),
)  # fmt: skip


def _leads(ctx: AppContext, event_id: str, n: int, bad: set[int], bad_contact) -> list[str]:  # type: ignore[no-untyped-def]
    ids = []
    for i in range(n):
        contact = Contact(
            first_name=f"Grace{i}", last_name=f"Hopper{i}", email=f"grace{i}@example.com",
            company="Navy",
        )  # fmt: skip
        if i in bad:
            contact = bad_contact(contact)
        ids.append(ctx.leads.save_lead(LeadDraft(event_id, contact)).id)
    return ids


def test_hubspot_with_faults_through_the_service(ctx: AppContext) -> None:
    fake = HubSpotFake(faults=FaultPlan(queue=[Fault.LOST, Fault.SERVER_ERROR, Fault.LOST]))
    event_id = ctx.events.create_event(NewEvent(name="HubSpot Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("hubspot", server.url, portal="42"), {"token": "wrong"}
        )
        check = ctx.sync.test_connection(event_id)
        assert not check.ok and "Authentication credentials not found" in check.message
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        ids = _leads(ctx, event_id, 250, {7, 180}, lambda c: replace(c, email="grace.example.com"))
        assert ctx.sync.outbox.counts("hubspot").pending == 250  # queued by the saves
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=60)
    assert summary.stopped == StopReason.IDLE
    by_uuid = fake.contacts_by()
    assert set(by_uuid) == set(ids) - {ids[7], ids[180]}  # nothing dropped
    assert max(by_uuid.values()) == 1 and max(fake.creations.values()) == 1  # nothing doubled
    failures = {f.lead_id: f for f in summary.failures}
    assert set(failures) == {ids[7], ids[180]}
    assert all("email" in f.error.lower() for f in failures.values())  # HubSpot's own words
    assert ctx.leads.get_lead(ids[7]).sync_state == SyncState.FAILED
    assert ctx.leads.get_lead(ids[0]).sync_state == SyncState.SYNCED
    status = ctx.sync.status(event_id)
    assert (status.done, status.failed, status.pending) == (248, 2, 0)
    assert not summary.ok


def test_salesforce_required_field_failure_fixed_and_retried(ctx: AppContext) -> None:
    fake = SalesforceFake(faults=FaultPlan(queue=[Fault.SERVER_ERROR, Fault.LOST]))
    event_id = ctx.events.create_event(NewEvent(name="Salesforce Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        ids = _leads(ctx, event_id, 30, {3}, lambda c: replace(c, last_name=""))
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=60)
        assert [f.lead_id for f in summary.failures] == [ids[3]]
        assert "REQUIRED_FIELD_MISSING" in summary.failures[0].error
        # The booth fixes the lead: saving queues it again; the retry syncs it.
        draft = ctx.leads.draft_of(ctx.leads.get_lead(ids[3]))
        ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, last_name="Hopper")))
        again = ctx.sync.run(event_id, engine_config=FAST, max_seconds=60)
    assert again.ok and again.synced == 1
    leads = fake.leads_by_external_id()
    assert set(leads) == set(ids) and max(leads.values()) == 1


def test_cli_sync_exits_non_zero_and_prints_the_crms_message(cli, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    fake = HubSpotFake()
    event_id = ctx.events.create_event(NewEvent(name="Cli HubSpot Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        _leads(ctx, event_id, 3, {1}, lambda c: replace(c, email="grace.example.com"))
        r = cli("sync", "--event", "Cli HubSpot Show")
        assert r.code == 1
        assert "hubspot: 2 synced, 1 failed, 0 waiting" in r.out
        assert "FAILED Grace1 Hopper1 (Navy): " in r.out
        assert "Property values were not valid: email" in r.out
        again = cli("sync", "--event", "Cli HubSpot Show", "--retry-failed")
    assert again.code == 1 and "1 failed lead(s) queued again" in again.out
    assert len(fake.contacts_by()) == 2 and fake.token not in r.out + r.err
