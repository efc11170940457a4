"""SyncService end to end against the HubSpot and Salesforce fakes with faults: leads saved
through LeadService (queued in the same transaction), drained through SqlOutbox on the app's
SQLite file; no duplicates, no drops, failures shown with the CRM's own message."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig, StopReason
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

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
    assert again.code == 1 and "1 failed lead queued again" in again.out
    assert len(fake.contacts_by()) == 2 and fake.token not in r.out + r.err


def test_two_events_on_hubspot_each_run_sends_only_its_own_leads(ctx: AppContext) -> None:
    """Two shows, both on HubSpot but on different portals (two fakes, two tokens): a run for
    one show must never claim the other's queued leads and send them with the wrong token."""
    portal_a = HubSpotFake(token="pat-na1-portal-a")
    portal_b = HubSpotFake(token="pat-na1-portal-b")
    show_a = ctx.events.create_event(NewEvent(name="Portal A Show")).id
    show_b = ctx.events.create_event(NewEvent(name="Portal B Show")).id
    with FakeServer(portal_a) as server_a, FakeServer(portal_b) as server_b:
        ctx.sync.configure(show_a, CrmSettings("hubspot", server_a.url), {"token": portal_a.token})
        ctx.sync.configure(show_b, CrmSettings("hubspot", server_b.url), {"token": portal_b.token})
        # Interleaved saves: the oldest-first claim would otherwise pick B's leads first.
        b_ids = _leads(ctx, show_b, 4, {1}, lambda c: replace(c, email="grace.example.com"))
        a_ids = _leads(ctx, show_a, 3, set(), lambda c: c)
        assert ctx.sync.outbox.counts("hubspot").pending == 7  # one queue, one CRM name

        dry = ctx.sync.run(show_a, dry_run=True)
        assert dry.message == "dry run: 3 leads would be sent"
        summary_a = ctx.sync.run(show_a, engine_config=FAST, max_seconds=30)
        assert summary_a.ok and (summary_a.synced, summary_a.remaining) == (3, 0)
        assert set(portal_a.contacts_by()) == set(a_ids)  # A's portal got exactly A's leads
        assert sum(portal_b.requests.values()) == 0  # B's portal was never called
        status_b = ctx.sync.status(show_b)
        assert (status_b.pending, status_b.done) == (4, 0)  # B's leads still wait, untouched
        assert {ctx.leads.get_lead(i).sync_state for i in b_ids} == {SyncState.PENDING}
        assert ctx.sync.run(show_b, dry_run=True).remaining == 4

        summary_b = ctx.sync.run(show_b, engine_config=FAST, max_seconds=30)
        assert (summary_b.synced, summary_b.failed, summary_b.remaining) == (3, 1, 0)
        assert [f.lead_id for f in summary_b.failures] == [b_ids[1]]
        assert set(portal_b.contacts_by()) == set(b_ids) - {b_ids[1]}
        assert set(portal_a.contacts_by()) == set(a_ids)  # A's portal saw nothing of B
        assert max(portal_a.creations.values()) == 1 and max(portal_b.creations.values()) == 1
        # Retrying failures is per event too: A has none, B's failure is queued again.
        assert ctx.sync.retry_failed(show_a) == 0
        assert ctx.sync.status(show_b).failed == 1
        assert ctx.sync.retry_failed(show_b) == 1
        assert ctx.sync.status(show_b).pending == 1
