"""The event as a Salesforce Campaign (CRM.md §2.2: CampaignMember ``{CampaignId, LeadId,
Status}``, "Responded" being a default status of a new campaign): without a configured campaign
id, the adapter finds the campaign named after the event or creates it once, and every new lead
joins it. Against the loopback fake that follows the published Query and sObject Collections
behaviour."""

from __future__ import annotations

from collections import Counter

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, breaker_threshold=50)


def _leads(ctx: AppContext, event_id: str, names: list[str]) -> list[str]:
    return [
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=n, last_name="Hopper", company="Navy"))
        ).id
        for n in names
    ]


def test_the_event_becomes_one_campaign_and_each_new_lead_a_member(ctx: AppContext) -> None:
    fake = SalesforceFake()
    event_id = ctx.events.create_event(NewEvent(name="Hannover Messe 2027")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
        )
        first = _leads(ctx, event_id, ["Ann", "Bob", "Cem"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
        # A lost reply on the next batch: the upsert is repeated, nobody joins twice.
        fake.faults = FaultPlan(queue=[Fault.LOST])
        second = _leads(ctx, event_id, ["Dee", "Eve"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
    campaigns = list(fake.records["Campaign"].values())
    assert [(c["Name"], c["Type"]) for c in campaigns] == [("Hannover Messe 2027", "Trade Show")]
    members = list(fake.records["CampaignMember"].values())
    assert {m["CampaignId"] for m in members} == {campaigns[0]["Id"]}
    assert {m["Status"] for m in members} == {"Responded"}
    lead_ids = {r["Id"]: r["BoothApp_Lead_Id__c"] for r in fake.records["Lead"].values()}
    assert Counter(lead_ids[m["LeadId"]] for m in members) == Counter(first + second)


def test_a_configured_campaign_is_used_as_is(ctx: AppContext) -> None:
    fake = SalesforceFake()
    event_id = ctx.events.create_event(NewEvent(name="Configured Show")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id,
            CrmSettings("salesforce", server.url, campaign_id="701000000000042"),
            {"access_token": "00Dfake!session"},
        )
        _leads(ctx, event_id, ["Fay"])
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
    assert "Campaign" not in fake.records
    assert [m["CampaignId"] for m in fake.records["CampaignMember"].values()] == ["701000000000042"]
