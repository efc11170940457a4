"""Webhook adapter against a real receiver on loopback that checks the HMAC-SHA256 signature and
keeps one row per Idempotency-Key, the contract documented in boothapp/sync/crm/webhook.py."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from boothapp.sync.crm.base import SyncRecord
from boothapp.sync.crm.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookAdapter,
    WebhookConfig,
    verify,
)
from boothapp.sync.engine import EngineConfig, StopReason, SyncEngine
from boothapp.sync.outbox import MemoryOutbox
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan, JsonHandler

pytestmark = pytest.mark.integration

SECRET = "whsec-test"


@dataclass
class Receiver:
    faults: FaultPlan = field(default_factory=FaultPlan)
    stored: dict[str, dict] = field(default_factory=dict)
    deliveries: Counter[str] = field(default_factory=Counter)

    def handle(self, h: JsonHandler) -> None:
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        if not verify(SECRET, h.headers[TIMESTAMP_HEADER], raw, h.headers[SIGNATURE_HEADER]):
            h.send_json(401, {"error": "bad signature"})
            return
        key = h.headers["Idempotency-Key"]
        body = json.loads(raw)
        assert body["lead_id"] == key
        self.deliveries[key] += 1
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(503, {"error": "busy"}, {"Retry-After": "0"})
            return
        new = key not in self.stored
        self.stored.setdefault(key, body)
        if fault == Fault.LOST:
            h.drop()
            return
        h.send_json(201 if new else 200, {"id": f"wh-{key}"})


def run(receiver: Receiver, secret: str, n: int):
    with FakeServer(receiver) as server:
        adapter = WebhookAdapter(WebhookConfig(server.url + "/leads", secret, timeout_s=2))
        outbox = MemoryOutbox()
        outbox.enqueue_many(
            "webhook",
            [
                SyncRecord(f"wh-lead-{i}", {"company": "Acme"}, email=f"x{i}@e.com")
                for i in range(n)
            ],
            datetime.now(UTC),
        )
        cfg = EngineConfig(base_delay_s=0.02, max_delay_s=0.1, breaker_threshold=50)
        return SyncEngine(outbox, adapter, cfg, rng=random.Random(2)).drain(max_seconds=20), outbox


def test_signed_posts_survive_lost_replies_without_duplicates():
    receiver = Receiver(FaultPlan(queue=[Fault.LOST, Fault.SERVER_ERROR, Fault.LOST]))
    report, outbox = run(receiver, SECRET, 20)
    assert report.synced == 20 and report.failed == 0
    assert len(receiver.stored) == 20
    # one repeat per fault; the two after lost replies found the lead stored and were no-ops
    assert sum(receiver.deliveries.values()) == 23
    assert all(i.remote_id == f"wh-{i.lead_id}" for i in outbox.items())


def test_wrong_secret_is_refused_and_nothing_is_stored():
    receiver = Receiver()
    report, outbox = run(receiver, "not-the-secret", 3)
    assert report.stopped == StopReason.AUTH and "signature" in report.message
    assert receiver.stored == {} and outbox.counts("webhook").pending == 3
