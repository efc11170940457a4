"""Salesforce adapter + engine against the fake Salesforce (tests/integration/fakes/
salesforce_server.py), which follows CRM.md §2.2: sObject Collections upsert by external id
(200 max, per-record UpsertResult in request order, allOrNone=false), 403 REQUEST_LIMIT_EXCEEDED
with Sforce-Limit-Info and no Retry-After, 401 INVALID_SESSION_ID, 400 only when malformed, and
the OAuth 2.0 web-server flow with PKCE."""

from __future__ import annotations

import random
import secrets
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import requests

from boothapp.sync.crm import salesforce_oauth as oauth
from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.crm.mapping import split_record
from boothapp.sync.crm.salesforce import SalesforceAdapter, SalesforceConfig
from boothapp.sync.engine import EngineConfig, StopReason, SyncEngine
from boothapp.sync.outbox import AttemptOutcome, ItemState, MemoryOutbox
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.2, breaker_threshold=50)
TOKEN = "00Dfake!session"


def records(n: int, no_last_name: set[int] = frozenset(), task: bool = True) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"5d2e8c1a-0000-4000-8000-{i:012d}",
            {"LastName": "" if i in no_last_name else f"Hopper{i}", "Company": "Navy"},
            email=f"grace{i}@example.com",
            notes=("asked for pricing",),
            task=SyncTask("Call back") if task else None,
        )
        for i in range(n)
    ]


def drain(fake: SalesforceFake, recs, window_s=86400.0, token=TOKEN, other_app_calls=0, **kw):
    with FakeServer(fake) as server:
        for _ in range(other_app_calls):  # another integration spends the org's allocation
            fake.window.take()
        cfg = SalesforceConfig(server.url, token, timeout_s=0.5, allocation_window_s=window_s)
        adapter = SalesforceAdapter(cfg, **kw)
        outbox = MemoryOutbox()
        # As the app queues them: the lead, its note and its task are three items.
        items = [i for r in recs for i in split_record(r)]
        outbox.enqueue_many("salesforce", items, datetime.now(UTC))
        report = SyncEngine(outbox, adapter, FAST, rng=random.Random(5)).drain(max_seconds=30)
    return report, outbox


def test_faults_never_drop_or_duplicate_and_salesforce_errors_are_shown_verbatim():
    faults = FaultPlan(
        queue=[Fault.LOST, Fault.SERVER_ERROR, Fault.PARTIAL, Fault.TIMEOUT],
        timeout_sleep_s=0.8,
    )
    fake = SalesforceFake(faults=faults, partial_code="UNABLE_TO_LOCK_ROW")
    report, outbox = drain(fake, records(450, no_last_name={3, 321}))
    assert report.stopped == StopReason.IDLE
    assert (report.leads_synced, report.failed) == (448, 2)
    leads = fake.leads_by_external_id()
    assert len(leads) == 448 and max(leads.values()) == 1
    assert max(fake.creations.values()) == 1  # every Lead and Task created once only
    tasks = [c for c in fake.creations if c.startswith("Task:")]
    assert len(tasks) == 448 * 2  # the note (a completed Task) and the call, per lead
    failed = [i for i in outbox.items() if i.state == ItemState.FAILED]
    assert {i.last_error for i in failed} == {
        "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"
    }
    done = [i for i in outbox.items() if i.state == ItemState.DONE and i.kind == "lead"]
    assert all(i.remote_id.startswith("00Q") for i in done)
    lead_rows = fake.records["Lead"]
    assert all(lead_rows[i.remote_id]["BoothApp_Lead_Id__c"] == i.lead_id for i in done)
    assert all(r["LeadSource"] == "Trade Show" for r in lead_rows.values())
    locked = [i for i in done if any("UNABLE_TO_LOCK_ROW" in a.error for a in i.attempts)]
    assert locked  # the transient per-record error was retried to success


def test_allocation_exceeded_backs_off_without_failing_a_lead():
    fake = SalesforceFake(allocation=2, window_s=1.0)
    report, outbox = drain(fake, records(1000, task=False), window_s=1.0, other_app_calls=2)
    assert report.leads_synced == 1000 and report.failed == 0
    assert fake.requests["403"] >= 1
    assert len(fake.leads_by_external_id()) == 1000
    throttled = [
        a for i in outbox.items() for a in i.attempts if a.outcome == AttemptOutcome.THROTTLED
    ]
    assert throttled and all(a.http_status == 403 for a in throttled)
    assert all(i.failures == 0 for i in outbox.items())


def test_expired_session_without_refresh_stops_and_holds_the_leads():
    fake = SalesforceFake()
    report, outbox = drain(fake, records(3), token="00Dexpired")
    assert report.stopped == StopReason.AUTH and "INVALID_SESSION_ID" in report.message
    assert fake.records == {} and outbox.counts("salesforce").pending == 9  # leads, notes, tasks


def test_pkce_sign_in_then_refresh_on_expiry():
    fake = SalesforceFake()
    with FakeServer(fake) as server:
        pkce = oauth.Pkce.new()
        state = secrets.token_urlsafe(8)
        receiver = oauth.LoopbackReceiver()
        url = oauth.authorize_url(server.url, fake.client_id, receiver.redirect_uri, pkce, state)
        assert "code_challenge_method=S256" in url and pkce.verifier not in url
        page = requests.get(url, timeout=5)  # the browser: follows the redirect to our listener
        assert "BoothApp is connected" in page.text
        code = receiver.wait(5, state)
        tokens = oauth.exchange_code(server.url, fake.client_id, code, receiver.redirect_uri, pkce)
        assert (
            tokens.refresh_token
            and "***" in repr(tokens)
            and tokens.access_token not in repr(tokens)
        )
        with pytest.raises(oauth.OAuthError, match="refused"):  # a code works once only
            oauth.exchange_code(server.url, fake.client_id, code, receiver.redirect_uri, pkce)

        fake.expire_tokens()
        refreshed = []

        def refresh() -> str:
            new = oauth.refresh(server.url, fake.client_id, tokens.refresh_token)
            refreshed.append(new)
            return new.access_token

        adapter = SalesforceAdapter(
            SalesforceConfig(server.url, tokens.access_token), refresh_token=refresh
        )
        outcome = adapter.push(records(2, task=False))
    assert len(refreshed) == 1
    assert [r.ok for r in outcome.results] == [True, True]


def test_wrong_pkce_verifier_is_refused():
    fake = SalesforceFake()
    with FakeServer(fake) as server:
        pkce, other = oauth.Pkce.new(), oauth.Pkce.new()
        receiver = oauth.LoopbackReceiver()
        requests.get(
            oauth.authorize_url(server.url, fake.client_id, receiver.redirect_uri, pkce, "s1"),
            timeout=5,
        )
        code = receiver.wait(5, "s1")
        with pytest.raises(oauth.OAuthError, match="authentication failure"):
            oauth.exchange_code(server.url, fake.client_id, code, receiver.redirect_uri, other)


def test_a_visitor_already_a_contact_gets_a_task_and_campaign_not_a_second_lead():
    fake = SalesforceFake()
    contact = fake.add_record("Contact", Email="grace1@example.com", LastName="Hopper")
    lead = fake.add_record("Lead", Email="grace2@example.com", LastName="Hopper", Company="Navy")
    recs = [replace(r, event_name="MedTech 2026") for r in records(3)]
    report, outbox = drain(fake, recs)
    assert report.leads_synced == 3 and report.failed == 0
    # grace0 is new: one Lead; grace2 was an open Lead: updated by Id, our id written into it.
    leads = fake.records["Lead"]
    assert len(leads) == 2
    assert leads[lead]["BoothApp_Lead_Id__c"] == recs[2].lead_id
    # grace1 is a Contact: no Lead, a "visited" Task, the note and call, campaign membership.
    assert not any(r.get("Email") == "grace1@example.com" for r in leads.values())
    item = {i.key: i for i in outbox.items()}
    assert item[recs[1].lead_id].remote_id == contact
    on_contact = [t for t in fake.records["Task"].values() if t["WhoId"] == contact]
    assert sorted(t["BoothApp_Task_Id__c"].split(":")[1] for t in on_contact) == [
        "note", "task", "visit",
    ]  # fmt: skip
    members = list(fake.records["CampaignMember"].values())
    assert {m.get("ContactId") for m in members} >= {contact}
    assert {m.get("LeadId") for m in members} >= {lead}
    # One lookup per batch: both queries in one composite call.
    assert fake.requests["/services/data/v60.0/composite"] == 1


def test_unmatched_owner_is_reported_and_the_owner_set_on_the_lead():
    fake = SalesforceFake()
    fake.add_user("005000000000001AAA", "Dana Whitfield")
    recs = records(2, task=False)
    recs = [replace(recs[0], owner="Dana Whitfield"), replace(recs[1], owner="Omar Haddad")]
    report, _ = drain(fake, recs)
    owners = {r["Email"]: r.get("OwnerId") for r in fake.records["Lead"].values()}
    assert owners == {"grace0@example.com": "005000000000001AAA", "grace1@example.com": None}
    assert report.unmatched_owners == ("Omar Haddad",)


def test_allowance_used_up_stops_the_run_before_403_with_whole_leads():
    # The org's rolling 24 h allowance (Sforce-Limit-Info) with only 12 calls left for us.
    fake = SalesforceFake(allocation=12, window_s=86400.0)
    report, outbox = drain(fake, records(1000))
    assert report.stopped == StopReason.ALLOWANCE and "allowance" in report.message
    assert fake.requests["403"] == 0  # paced ahead: never refused
    states = {}
    for i in outbox.items():
        states.setdefault(i.lead_id, set()).add(i.state)
    whole = [k for k, v in states.items() if v == {ItemState.DONE}]
    assert len(whole) >= 200  # notes and tasks went before further leads
