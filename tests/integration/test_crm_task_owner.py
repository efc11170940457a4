"""The owner's call task lands on the right CRM user: booth owners are routing rep ids, CRMs
want their own user ids. The rep's name is matched to a HubSpot owner (``/crm/v3/owners``) or an
active Salesforce User; a name the CRM does not know leaves the owner field out (an unknown id
fails HubSpot's batch create and gives Salesforce INVALID_CROSS_REFERENCE_KEY) and says whose
task it is in the task text. Against the loopback fakes that follow CRM.md."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from boothapp.app import AppContext
from boothapp.core.config.model import Rep
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, breaker_threshold=50)


def _event(ctx: AppContext, name: str, fallback: str) -> str:
    event_id = ctx.events.create_event(NewEvent(name=name)).id
    cfg = ctx.configs.get(event_id)
    reps = (Rep("dana", "Dana Whitfield"), Rep("omar", "Omar Haddad"))
    routing = replace(cfg.routing, reps=reps, fallback=fallback, rules=())
    ctx.configs.save(event_id, replace(cfg, routing=routing))
    return event_id


def _hot_lead_with_a_call(ctx: AppContext, event_id: str, name: str) -> str:
    contact = Contact(first_name=name, last_name="Visitor", company="Acme",
                      email=f"{name.lower()}@example.com", phone="+49 30 1234567")  # fmt: skip
    lead_id = ctx.leads.save_lead(LeadDraft(event_id, contact, rating=Rating.HOT)).id
    ctx.followups.plan(event_id, datetime.now(UTC))
    return lead_id


def test_hubspot_task_goes_to_the_matching_owner(ctx: AppContext) -> None:
    fake = HubSpotFake(owners=[{"id": "301", "email": "dana@corp.example",
                                "firstName": "Dana", "lastName": "Whitfield"}])  # fmt: skip
    known = _event(ctx, "HS Known Owner", fallback="dana")
    unknown = _event(ctx, "HS Unknown Owner", fallback="omar")
    summaries = {}
    with FakeServer(fake) as server:
        for event_id in (known, unknown):
            ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
            _hot_lead_with_a_call(ctx, event_id, "Kai" if event_id == known else "Lia")
            ctx.sync.enqueue_event(event_id)  # as a run from the sync page or CLI does
            summaries[event_id] = ctx.sync.run(event_id, engine_config=FAST, max_seconds=30)
            assert summaries[event_id].ok
    # The owner is on the contact too, and an owner HubSpot does not know is reported.
    owners = {c["firstname"]: c.get("hubspot_owner_id") for c in fake.contacts.values()}
    assert owners == {"Kai": "301", "Lia": None}
    assert summaries[known].unmatched_owners == ()
    assert summaries[unknown].unmatched_owners == ("Omar Haddad",)
    assert "Omar Haddad" in summaries[unknown].owners_text
    tasks = list(fake.engagements["tasks"].values())
    by_subject = {t["hs_task_subject"]: t for t in tasks}
    assert len(tasks) == 2, by_subject
    kai = next(p for s, p in by_subject.items() if "Kai" in s)
    lia = next(p for s, p in by_subject.items() if "Lia" in s)
    assert kai["hubspot_owner_id"] == "301"
    assert "hubspot_owner_id" not in lia
    assert "Owner at the booth: Omar Haddad" in lia["hs_task_body"]


def test_salesforce_task_goes_to_the_active_user_of_that_name(ctx: AppContext) -> None:
    fake = SalesforceFake()
    fake.add_user("005000000000001AAA", "Dana Whitfield")
    fake.add_user("005000000000002AAA", "Omar Haddad", active=False)  # left the company
    known = _event(ctx, "SF Known Owner", fallback="dana")
    gone = _event(ctx, "SF Inactive Owner", fallback="omar")
    with FakeServer(fake) as server:
        for event_id in (known, gone):
            ctx.sync.configure(
                event_id, CrmSettings("salesforce", server.url), {"access_token": "00Dfake!session"}
            )
            _hot_lead_with_a_call(ctx, event_id, "Kai" if event_id == known else "Lia")
            ctx.sync.enqueue_event(event_id)  # as a run from the sync page or CLI does
            assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
    leads = {r["FirstName"]: r for r in fake.records["Lead"].values()}
    assert leads["Kai"]["OwnerId"] == "005000000000001AAA"  # the owner is on the Lead too
    assert "OwnerId" not in leads["Lia"]
    tasks = {t["Subject"]: t for t in fake.records.get("Task", {}).values()}
    assert len(tasks) == 2, tasks
    kai = next(t for s, t in tasks.items() if "Kai" in s)
    lia = next(t for s, t in tasks.items() if "Lia" in s)
    assert kai["OwnerId"] == "005000000000001AAA"
    assert "OwnerId" not in lia
    assert "Owner at the booth: Omar Haddad" in lia["Description"]
