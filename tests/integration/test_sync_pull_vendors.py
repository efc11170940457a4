"""Pulling what sales changed (owner, stage) back from HubSpot and Salesforce, field by field.

The CRMs are loopback fakes that follow the published behaviour in CRM.md:
* HubSpot: ``POST /crm/v3/objects/contacts/batch/read`` by the unique lead-UUID ``idProperty``
  with ``propertiesWithHistory`` (per-property timestamps), 207 + ``OBJECT_NOT_FOUND`` for
  deleted contacts, ``GET /crm/v3/owners`` paged, 429 burst throttling without Retry-After.
* Salesforce: the REST Query resource (SOQL, ``nextRecordsUrl`` paging), ``LeadHistory`` for
  field-level times where the org tracks field history, 403 ``REQUEST_LIMIT_EXCEEDED``.
Leads are saved through LeadService and pushed through the real sync first, so the pull reads
exactly what the push left behind.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from boothapp.app import AppContext
from boothapp.core.config.model import Rep
from boothapp.core.models import Contact, Stage
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.sync_pull import PullPolicy
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan, SlidingWindow
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50)
QUICK_RETRY = PullPolicy(attempts=6, backoff_s=0.3, max_wait_s=1.5)


def _event_with_reps(ctx: AppContext, name: str) -> str:
    event_id = ctx.events.create_event(NewEvent(name=name)).id
    cfg = ctx.configs.get(event_id)
    reps = (*cfg.routing.reps, Rep("dana", "Dana Whitfield"), Rep("omar", "Omar Haddad"))
    ctx.configs.save(event_id, replace(cfg, routing=replace(cfg.routing, reps=reps)))
    return event_id


def _save(ctx: AppContext, event_id: str, names: list[str]) -> list[str]:
    return [
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=n, last_name="Pull", company="Acme",
                                        email=f"{n.lower()}.pull@example.com"))
        ).id
        for n in names
    ]  # fmt: skip


def _booth_sets_stage(ctx: AppContext, lead_id: str, stage: Stage) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, stage=stage))


def test_hubspot_pull_is_field_level_last_writer_wins(ctx: AppContext) -> None:
    fake = HubSpotFake(
        owners=[
            {
                "id": "301",
                "email": "dana@corp.example",
                "firstName": "Dana",
                "lastName": "Whitfield",
            },
            {"id": "302", "email": "lee@corp.example", "firstName": "Lee", "lastName": "Park"},
        ],
        owners_page=1,  # two pages: the owner list is followed through paging.next.after
    )
    event_id = _event_with_reps(ctx, "HubSpot Pull")
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        a, b, c, d, e = _save(ctx, event_id, ["Ann", "Bob", "Cem", "Dee", "Eve"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        time.sleep(0.02)
        crm_time = datetime.now(UTC)
        fake.sales_edit(a, crm_time, hs_lead_status="CONNECTED", hubspot_owner_id="301")
        fake.sales_edit(b, crm_time, hs_lead_status="UNQUALIFIED", hubspot_owner_id="302")
        fake.sales_edit(c, crm_time, lifecyclestage="customer")
        time.sleep(0.02)
        # After the CRM's change, the booth moved Bob on: that stage is newer and stays,
        # but Bob's owner (not touched at the booth) comes from HubSpot.
        _booth_sets_stage(ctx, b, Stage.FOLLOW_UP)
        with fake._lock:  # Eve was deleted in HubSpot
            del fake.contacts[fake._index[("boothapp_lead_uuid", e)]]

        summary = ctx.sync.pull_back(event_id)

    assert summary.errors == ()
    assert (summary.checked, summary.missing) == (4, 1)
    assert (summary.updated, summary.kept_local) == (4, 1)
    ann, bob, cem, dee = (ctx.leads.get_lead(i) for i in (a, b, c, d))
    assert (ann.stage, ann.owner) == (Stage.IN_CONTACT, "dana")  # matched to the event's rep
    assert (bob.stage, bob.owner) == (Stage.FOLLOW_UP, "CRM user Lee Park")  # kept, not a rep
    assert cem.stage == Stage.WON
    assert dee.stage == Stage.TO_CONTACT
    assert [(h.field, h.new_value, h.staff_id) for h in ctx.leads.history(a)][-2:] == [
        ("stage", "in_contact", "crm:hubspot"),
        ("owner", "dana", "crm:hubspot"),
    ] or {(h.field, h.new_value) for h in ctx.leads.history(a)} >= {
        ("stage", "in_contact"),
        ("owner", "dana"),
    }
    assert fake.requests["/crm/v3/objects/contacts/batch/read"] == 1
    assert "summary" not in summary.message and "1 no longer in the CRM" in summary.message


def test_hubspot_pull_rides_out_throttling_and_a_lost_reply(ctx: AppContext) -> None:
    fake = HubSpotFake()
    event_id = _event_with_reps(ctx, "HubSpot Busy")
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        ids = _save(ctx, event_id, [f"P{i}" for i in range(230)])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=120).ok
        stamp = datetime.now(UTC) + timedelta(seconds=1)
        for i in ids[::10]:
            fake.sales_edit(i, stamp, hs_lead_status="BAD_TIMING")
        # Three reads (100 + 100 + 30) against a burst limit of 2 per second, and the first
        # read's reply is lost after HubSpot served it.
        fake.window = SlidingWindow(2, 1.0)
        fake.faults = FaultPlan(queue=[Fault.LOST])
        ctx.sync.pull_policy = QUICK_RETRY
        progress: list[tuple[int, int]] = []
        summary = ctx.sync.pull_back(
            event_id, progress=lambda n, total: progress.append((n, total))
        )
    assert summary.errors == ()
    assert summary.checked == 230 and summary.updated == 23
    assert fake.requests["429"] >= 1  # it was throttled, waited, and went on
    assert progress[-1] == (230, 230)
    assert {ctx.leads.get_lead(i).stage for i in ids[::10]} == {Stage.FOLLOW_UP}
    assert ctx.leads.get_lead(ids[1]).stage == Stage.TO_CONTACT


def test_hubspot_pull_with_a_revoked_token_changes_nothing(ctx: AppContext) -> None:
    fake = HubSpotFake()
    event_id = _event_with_reps(ctx, "HubSpot Revoked")
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        (a,) = _save(ctx, event_id, ["Ann"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        fake.sales_edit(a, datetime.now(UTC) + timedelta(seconds=1), hs_lead_status="CONNECTED")
        fake.token = "revoked"
        summary = ctx.sync.pull_back(event_id)
    assert summary.checked == 0
    assert len(summary.errors) == 1 and "HubSpot refused the token" in summary.errors[0]
    assert "1 lead(s) not checked" in summary.errors[0]
    assert ctx.leads.get_lead(a).stage == Stage.TO_CONTACT


def test_salesforce_pull_uses_field_history_and_pages(ctx: AppContext) -> None:
    fake = SalesforceFake(page_size=2)  # 4 leads come back in two pages
    event_id = _event_with_reps(ctx, "Salesforce Pull")
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id,
            CrmSettings(
                "salesforce", server.url, stages={"Qualified - Demo Booked": Stage.QUOTE_TO_PREPARE}
            ),
            {"access_token": "00Dfake!session"},
        )
        a, b, c, d = _save(ctx, event_id, ["Ann", "Bob", "Cem", "Dee"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        crm_time = datetime.now(UTC) + timedelta(seconds=2)  # Salesforce keeps whole seconds
        fake.sales_edit(
            a, crm_time, Status="Working - Contacted", Owner=("Omar Haddad", "omar@corp.example")
        )
        fake.sales_edit(
            b, crm_time, Status="Closed - Not Converted", Owner=("Dana W.", "dana@corp.example")
        )
        fake.sales_edit(c, crm_time, Status="Closed - Converted", IsConverted=True)
        fake.sales_edit(d, crm_time, Status="Qualified - Demo Booked")
        time.sleep(2.1)
        _booth_sets_stage(ctx, b, Stage.QUOTE_SENT)  # newer than Salesforce's status change
        summary = ctx.sync.pull_back(event_id)
    assert summary.errors == ()
    assert (summary.checked, summary.updated, summary.kept_local) == (4, 5, 1)
    ann, bob, cem, dee = (ctx.leads.get_lead(i) for i in (a, b, c, d))
    assert (ann.stage, ann.owner) == (Stage.IN_CONTACT, "omar")
    assert (bob.stage, bob.owner) == (Stage.QUOTE_SENT, "dana")  # matched by e-mail name
    assert cem.stage == Stage.WON
    assert dee.stage == Stage.QUOTE_TO_PREPARE  # the org's own status, mapped in the config
    assert any("FROM LeadHistory" in q for q in fake.queries)
    assert fake.requests[next(p for p in fake.requests if "/query/01gFAKE" in p)] >= 1


def test_salesforce_without_field_history_and_with_the_allocation_spent(ctx: AppContext) -> None:
    fake = SalesforceFake(field_history=False)
    event_id = _event_with_reps(ctx, "Salesforce Busy")
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        a, b = _save(ctx, event_id, ["Ann", "Bob"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=60).ok
        # The booth set Ann's stage *before* the rep's later change in Salesforce: without
        # field history, LastModifiedDate stands for the status, and the later CRM edit wins.
        _booth_sets_stage(ctx, a, Stage.FOLLOW_UP)
        time.sleep(0.02)
        # Salesforce keeps whole seconds: the rep's edit is a couple of seconds later.
        fake.sales_edit(a, datetime.now(UTC) + timedelta(seconds=2), Status="Working - Contacted")
        fake.window = SlidingWindow(2, 1.0)  # a pull reads Lead + LeadHistory: 2 queries
        fake.window.take(), fake.window.take()  # ...and another client just spent the window
        ctx.sync.pull_policy = QUICK_RETRY
        summary = ctx.sync.pull_back(event_id)
    assert summary.errors == ()
    assert summary.checked == 2
    assert ctx.leads.get_lead(a).stage == Stage.IN_CONTACT
    assert ctx.leads.get_lead(b).stage == Stage.TO_CONTACT
    assert fake.requests["403"] >= 1
