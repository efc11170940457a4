"""HubSpot adapter + engine against the fake HubSpot (tests/integration/fakes/hubspot_server.py),
which follows CRM.md §2.1: batch upsert of 100 by a unique idProperty, 200/207 with
results[]+errors[]+numErrors, 429 RATE_LIMIT with X-HubSpot-RateLimit-* headers, notes/tasks."""

from __future__ import annotations

import random

import pytest
import requests

from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.crm.hubspot import HubSpotAdapter, HubSpotConfig
from boothapp.sync.engine import EngineConfig, StopReason, SyncEngine
from boothapp.sync.outbox import AttemptOutcome, ItemState, MemoryOutbox
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.hubspot_server import HubSpotFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, throttle_delay_s=0.3, breaker_threshold=50)


def records(n: int, bad_email: set[int] = frozenset(), plain: bool = False) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"0c6f3a9e-0000-4000-8000-{i:012d}",
            {"firstname": f"Ada{i}", "lastname": "Lovelace"},
            email=f"ada{i}.example.com" if i in bad_email else f"ada{i}@example.com",
            event_name="MedTech 2026",
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

        outbox.enqueue_many("hubspot", recs, datetime.now(UTC))
        report = SyncEngine(outbox, adapter, FAST, rng=random.Random(3)).drain(max_seconds=30)
        return report, outbox


def test_faults_never_drop_or_duplicate_and_invalid_emails_are_shown():
    faults = FaultPlan(
        queue=[Fault.LOST, Fault.SERVER_ERROR, Fault.TIMEOUT], timeout_sleep_s=0.8, seed=1
    )
    fake = HubSpotFake(faults=faults)
    report, outbox = run(fake, records(250, bad_email={7, 180}))
    assert report.stopped == StopReason.IDLE
    assert report.synced == 248 and report.failed == 2
    by_uuid = fake.contacts_by()
    assert len(by_uuid) == 248 and max(by_uuid.values()) == 1  # no duplicates
    assert max(fake.creations.values()) == 1
    failed = [i for i in outbox.items() if i.state == ItemState.FAILED]
    assert sorted(i.record.email for i in failed) == ["ada180.example.com", "ada7.example.com"]
    assert all("Property values were not valid" in i.last_error for i in failed)
    done = [i for i in outbox.items() if i.state == ItemState.DONE]
    assert all(fake.contacts[i.remote_id]["boothapp_lead_uuid"] == i.lead_id for i in done)
    # the batch whose reply was lost: the second upsert updated, so notes were not repeated
    notes_per_contact = {}
    for note in fake.notes:
        cid = note["associations"][0]["to"]["id"]
        notes_per_contact[cid] = notes_per_contact.get(cid, 0) + 1
        assert note["associations"][0]["types"][0]["associationTypeId"] == 202
    assert max(notes_per_contact.values()) == 1
    assert all(c["boothapp_notes"].startswith("met at booth") for c in fake.contacts.values())
    assert all(c["boothapp_event"] == "MedTech 2026" for c in fake.contacts.values())
    retried = [i for i in done if len(i.attempts) > 1]
    assert retried and all(i.attempts[0].outcome == AttemptOutcome.FAILED for i in retried)


def test_pacing_stays_inside_the_burst_window():
    fake = HubSpotFake(limit=3, window_s=1.0)
    report, _ = run(fake, records(700, plain=True))  # 7 batches, at most 3 per second
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

        outbox.enqueue_many("hubspot", records(1), datetime.now(UTC))
        report = SyncEngine(outbox, adapter, FAST).drain(max_seconds=10)
    assert report.synced == 1 and fake.requests["429"] >= 1
    item = outbox.items()[0]
    assert item.failures == 0
    assert item.attempts[0].outcome == AttemptOutcome.THROTTLED
    assert item.attempts[0].http_status == 429


def test_non_unique_id_property_stops_with_a_clear_message_and_creates_nothing():
    fake = HubSpotFake()
    report, outbox = run(fake, records(5), id_property="company")
    assert report.stopped == StopReason.CONFIG
    assert "'company' must have unique values" in report.message
    assert fake.contacts == {} and outbox.counts("hubspot").pending == 5


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


def test_email_fallback_upserts_on_email_and_shows_leads_without_one():
    fake = HubSpotFake()
    recs = records(4, plain=True)
    recs[2] = SyncRecord(recs[2].lead_id, {"lastname": "NoMail"})
    report, outbox = run(fake, recs, use_email_as_id=True)
    assert (report.synced, report.failed) == (3, 1)
    assert sorted(c["email"] for c in fake.contacts.values()) == [
        "ada0@example.com",
        "ada1@example.com",
        "ada3@example.com",
    ]
    bad = [i for i in outbox.items() if i.state == ItemState.FAILED]
    assert [i.last_error for i in bad] == ["no e-mail address, which HubSpot needs here"]
