"""HubSpot adapter + engine against the fake HubSpot (tests/integration/fakes/hubspot_server.py),
which follows CRM.md §2.1: batch upsert of 100 by e-mail or a unique idProperty, e-mail unique
per portal, 200/207 with results[]+errors[]+numErrors, 429 RATE_LIMIT with the published
X-HubSpot-RateLimit-* headers, notes/tasks, static lists. HubSpot itself cannot be reached from
these machines: the fake stands in for it."""

from __future__ import annotations

import random

import pytest
import requests

from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.crm.hubspot import HubSpotAdapter, HubSpotConfig
from boothapp.sync.crm.mapping import split_record
from boothapp.sync.engine import EngineConfig, StopReason, SyncEngine
from boothapp.sync.outbox import AttemptOutcome, ItemState, MemoryOutbox
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.hubspot_server import HubSpotFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50)


def records(
    n: int, bad_email: set[int] = frozenset(), plain: bool = False, event: str = "MedTech 2026"
) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"0c6f3a9e-0000-4000-8000-{i:012d}",
            {"firstname": f"Ada{i}", "lastname": "Lovelace"},
            email=f"ada{i}.example.com" if i in bad_email else f"ada{i}@example.com",
            event_name=event,
            notes=() if plain else (f"met at booth, lead {i}",),
            task=None if plain else SyncTask("Call back"),
        )
        for i in range(n)
    ]


def run(fake: HubSpotFake, recs: list[SyncRecord], **cfg):
    with FakeServer(fake) as server:
        adapter = HubSpotAdapter(
            HubSpotConfig(token=fake.token, base_url=server.url, timeout_s=0.5, **cfg)
        )
        outbox = MemoryOutbox()
        from datetime import UTC, datetime

        # As the app queues them: the lead, its note and its task are three items.
        outbox.enqueue_many(
            "hubspot", [i for r in recs for i in split_record(r)], datetime.now(UTC)
        )
        report = SyncEngine(outbox, adapter, FAST, rng=random.Random(3)).drain(max_seconds=60)
        return report, outbox


def test_faults_never_drop_or_duplicate_and_invalid_emails_are_shown():
    faults = FaultPlan(
        queue=[Fault.LOST, Fault.SERVER_ERROR, Fault.TIMEOUT], timeout_sleep_s=0.8, seed=1
    )
    fake = HubSpotFake(faults=faults)
    report, outbox = run(fake, records(250, bad_email={7, 180}))
    assert report.stopped == StopReason.IDLE
    assert report.leads_synced == 248 and report.failed == 2
    by_uuid = fake.contacts_by()
    assert len(by_uuid) == 248 and max(by_uuid.values()) == 1  # no duplicates
    assert max(fake.creations.values()) == 1
    failed = [i for i in outbox.items() if i.state == ItemState.FAILED]
    assert sorted(i.record.email for i in failed) == ["ada180.example.com", "ada7.example.com"]
    assert all("Property values were not valid" in i.last_error for i in failed)
    done = [i for i in outbox.items("hubspot") if i.state == ItemState.DONE and i.kind == "lead"]
    assert all(fake.contacts[i.remote_id]["boothapp_lead_uuid"] == i.lead_id for i in done)
    # Notes and tasks: one each per saved contact, associated with it, never repeated.
    for obj in ("notes", "tasks"):
        keys = [e["boothapp_item_key"] for e in fake.engagements[obj].values()]
        assert len(keys) == len(set(keys)) == 248
        linked = {c for o, _, c in fake.associations if o == obj}
        assert linked == {i.remote_id for i in done}
    # The two leads HubSpot refused keep their note and task waiting, not lost.
    waiting = [i for i in outbox.items() if i.lead_id in {f.lead_id for f in failed}]
    assert {i.state for i in waiting if i.kind != "lead"} == {ItemState.PENDING}
    assert all(c["boothapp_event"] == "MedTech 2026" for c in fake.contacts.values())
    assert len(fake.lists) == 1 and len(next(iter(fake.lists.values()))["members"]) == 248
    retried = [i for i in done if len(i.attempts) > 1]
    assert retried and all(i.attempts[0].outcome == AttemptOutcome.FAILED for i in retried)


def test_pacing_stays_inside_the_burst_window():
    fake = HubSpotFake(limit=3, window_s=1.0)
    recs = records(700, plain=True, event="")  # no event list: 1 call per batch
    report, _ = run(fake, recs)  # 7 batches, at most 3 per second
    assert report.synced == 700
    assert fake.requests["429"] == 0
    assert len(fake.contacts) == 700


def test_429_waits_and_is_not_a_lead_failure():
    fake = HubSpotFake(limit=1, window_s=1.0)
    with FakeServer(fake) as server:  # another app in the portal takes the whole window
        requests.post(
            server.url + "/crm/v3/objects/notes",
            json={"properties": {}},
            headers={"Authorization": f"Bearer {fake.token}"},
            timeout=5,
        )
        adapter = HubSpotAdapter(HubSpotConfig(token=fake.token, base_url=server.url))
        outbox = MemoryOutbox()
        from datetime import UTC, datetime

        # One call per push (no note, task or event list) under a 1-per-second limit.
        outbox.enqueue_many("hubspot", records(1, plain=True, event=""), datetime.now(UTC))
        report = SyncEngine(outbox, adapter, FAST).drain(max_seconds=10)
    assert report.synced == 1 and fake.requests["429"] >= 1
    item = outbox.items()[0]
    assert item.failures == 0
    assert item.attempts[0].outcome == AttemptOutcome.THROTTLED
    assert item.attempts[0].http_status == 429


def test_non_unique_id_property_stops_with_a_clear_message_and_creates_nothing():
    fake = HubSpotFake()
    report, outbox = run(fake, records(5), id_property="company", use_email_as_id=False)
    assert report.stopped == StopReason.CONFIG
    assert "'company' must have unique values" in report.message
    assert fake.contacts == {} and outbox.counts("hubspot").pending == 15  # 5 leads, notes, tasks


def test_wrong_token_stops_and_changes_nothing():
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        adapter = HubSpotAdapter(HubSpotConfig(token="wrong", base_url=server.url))
        outbox = MemoryOutbox()
        from datetime import UTC, datetime

        outbox.enqueue_many("hubspot", records(3), datetime.now(UTC))
        report = SyncEngine(outbox, adapter, FAST).drain()
    assert report.stopped == StopReason.AUTH and "401" in report.message
    assert fake.contacts == {} and outbox.counts("hubspot").pending == 3


def test_a_lead_without_email_is_upserted_on_the_lead_uuid_property():
    fake = HubSpotFake()
    recs = records(4, plain=True)
    recs[2] = SyncRecord(recs[2].lead_id, {"lastname": "NoMail"})
    report, _ = run(fake, recs)
    assert (report.synced, report.failed) == (4, 0)
    assert sorted(c.get("email", "") for c in fake.contacts.values()) == [
        "", "ada0@example.com", "ada1@example.com", "ada3@example.com",
    ]  # fmt: skip
    report, _ = run(fake, recs)  # a second run updates all four: still four contacts
    assert len(fake.contacts) == 4 and max(fake.creations.values()) == 1


def test_an_existing_contact_with_the_visitors_email_is_updated_not_duplicated():
    fake = HubSpotFake()
    fake.contacts["777"] = {"email": "ada1@example.com", "firstname": "A.", "phone": "+4930123"}
    fake._index[("email", "ada1@example.com")] = "777"
    report, outbox = run(fake, records(3))
    assert report.leads_synced == 3 and report.failed == 0
    assert len(fake.contacts) == 3  # ada0, ada2 new; ada1 is the existing contact
    assert fake.contacts["777"]["firstname"] == "Ada1"  # updated from the booth
    assert fake.contacts["777"]["phone"] == "+4930123"  # what sales had stays
    assert fake.contacts["777"]["boothapp_lead_uuid"] == records(3)[1].lead_id
    lead = next(i for i in outbox.items() if i.key == records(3)[1].lead_id)
    assert lead.remote_id == "777"
    notes = [e for e in fake.engagements["notes"].values()]
    assert ("notes", next(k for k, v in fake.engagements["notes"].items()
                          if v["boothapp_item_key"].startswith(lead.lead_id)), "777") in (
        fake.associations
    ) and len(notes) == 3  # fmt: skip


def test_owner_is_set_on_the_contact_and_an_unmatched_owner_is_reported():
    fake = HubSpotFake(owners=[{"id": "901", "firstName": "Grace", "lastName": "Hopper",
                                "email": "grace@example.com"}])  # fmt: skip
    recs = [
        SyncRecord("0c6f3a9e-0000-4000-8000-00000000000a", {"lastname": "A"},
                   email="a@example.com", owner="Grace Hopper"),
        SyncRecord("0c6f3a9e-0000-4000-8000-00000000000b", {"lastname": "B"},
                   email="b@example.com", owner="Alan Turing"),
    ]  # fmt: skip
    report, _ = run(fake, recs)
    by_email = {c["email"]: c for c in fake.contacts.values()}
    assert by_email["a@example.com"]["hubspot_owner_id"] == "901"
    assert "hubspot_owner_id" not in by_email["b@example.com"]
    assert report.unmatched_owners == ("Alan Turing",)


def test_pacing_never_triggers_a_429_in_a_2000_lead_run():
    # The published Free/Starter burst (100 per 10 s) scaled to 10 per second; every lead has a
    # note and a task, so the run is 2,000 contacts + 2,000 notes + 2,000 tasks.
    fake = HubSpotFake(limit=10, window_s=1.0)
    report, outbox = run(fake, records(2000))
    assert report.stopped == StopReason.IDLE and report.leads_synced == 2000
    assert fake.requests["429"] == 0
    assert outbox.counts("hubspot").done == 6000


def test_configure_creates_the_properties_and_explains_a_missing_scope():
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        adapter = HubSpotAdapter(HubSpotConfig(token=fake.token, base_url=server.url))
        did = adapter.ensure_properties()
        assert "contacts.boothapp_lead_uuid" in did and "notes.boothapp_item_key" in did
        assert adapter.ensure_properties() == ""  # all there now
        fake.schema_scope = False
        fresh = HubSpotAdapter(HubSpotConfig(token=fake.token, base_url=server.url))
        try:
            fresh.ensure_properties()
        except Exception as exc:
            assert "crm.schemas.contacts.write" in str(exc)
        else:
            raise AssertionError("a token without the schema scope must be explained")
