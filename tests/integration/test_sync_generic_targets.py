"""The generic targets as a user sets them up: a signed JSON webhook (Zapier/n8n-style glue) and a
CSV folder another tool watches, configured through SyncService / the CLI, fed by the same outbox.

The receiver is a real HTTP server on loopback that checks the HMAC-SHA256 signature and keeps
one row per Idempotency-Key, as documented in boothapp/sync/crm/webhook.py.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Contact, SyncState
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.crm.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from boothapp.sync.engine import EngineConfig, StopReason
from boothapp.sync.settings import CrmSettings, CrmSettingsError
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan, JsonHandler

pytestmark = pytest.mark.integration

SECRET = "whsec-booth-42"
FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, breaker_threshold=50)


@dataclass
class Receiver:
    secret: str = SECRET
    faults: FaultPlan = field(default_factory=FaultPlan)
    stored: dict[str, dict] = field(default_factory=dict)
    deliveries: Counter[str] = field(default_factory=Counter)
    pings: int = 0

    def handle(self, h: JsonHandler) -> None:
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        stamp, signature = h.headers.get(TIMESTAMP_HEADER, ""), h.headers.get(SIGNATURE_HEADER, "")
        if not verify(self.secret, stamp, raw, signature):
            h.send_json(401, {"error": "bad signature"})
            return
        body = json.loads(raw)
        if body.get("type") == "ping":
            self.pings += 1
            h.send_json(200, {"ok": True})
            return
        key = h.headers["Idempotency-Key"]
        self.deliveries[key] += 1
        self.stored.setdefault(key, body)
        if self.faults.next() == Fault.LOST:
            h.drop()  # stored, but the reply never arrives: the retry must not double it
            return
        h.send_json(201, {"id": f"wh-{key[:8]}"})


def _save(ctx: AppContext, event_id: str, n: int) -> list[str]:
    return [
        ctx.leads.save_lead(
            LeadDraft(
                event_id,
                Contact(first_name=f"Ada{i}", last_name="Byron", email=f"ada{i}@example.com"),
                answers={"budget": "50k_250k", "interests": ["analytics", "platform"]},
            )
        ).id
        for i in range(n)
    ]


def test_webhook_set_up_tested_and_fed_with_no_duplicates(ctx: AppContext) -> None:
    receiver = Receiver(faults=FaultPlan(queue=[Fault.LOST, Fault.LOST]))
    event_id = ctx.events.create_event(NewEvent(name="Webhook Show")).id
    with FakeServer(receiver) as server:
        ctx.sync.configure(event_id, CrmSettings("webhook", server.url + "/hooks/leads"),
                           {"secret": "not-the-shared-one"})  # fmt: skip
        check = ctx.sync.test_connection(event_id)
        assert not check.ok and "401" in check.message and "bad signature" in check.message
        ctx.sync.configure(event_id, CrmSettings("webhook", server.url + "/hooks/leads"),
                           {"secret": SECRET})  # fmt: skip
        check = ctx.sync.test_connection(event_id)
        assert check.ok and receiver.pings == 1
        ids = _save(ctx, event_id, 25)  # queued as they are saved (auto sync)
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=60)
    assert summary.stopped == StopReason.IDLE and summary.ok
    assert set(receiver.stored) == set(ids)  # nothing dropped
    assert max(receiver.deliveries.values()) == 2  # the lost replies were sent again...
    assert len(receiver.stored) == 25  # ...and the Idempotency-Key kept them single
    body = receiver.stored[ids[0]]
    assert body["fields"]["answer_budget"] == "50k_250k"  # every answer, by default
    assert body["fields"]["answer_interests"] == "analytics;platform"
    assert body["fields"]["first_name"] == "Ada0" and body["event"] == "Webhook Show"
    assert ctx.leads.get_lead(ids[0]).sync_state == SyncState.SYNCED
    with pytest.raises(ValidationError, match="only receives leads"):
        ctx.sync.pull_back(event_id)


def test_csv_folder_from_the_command_line(ctx: AppContext, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event_id = ctx.events.create_event(NewEvent(name="CSV Show")).id
    ids = _save(ctx, event_id, 12)
    ctx.close()
    drop = tmp_path / "crm-drop"
    out = cli("sync", "configure", "--event", "CSV Show", "--crm", "csvdrop",
              "--folder", str(drop))  # fmt: skip
    assert out.code == 0 and f"files go to {drop}" in out.out
    out = cli("sync", "--event", "CSV Show")
    assert out.code == 0, out.err
    rows = [
        row
        for path in sorted(drop.glob("*.csv"))
        for row in csv.DictReader(path.open(encoding="utf-8-sig"))
    ]
    assert Counter(r["lead_id"] for r in rows) == Counter(ids)  # each lead exactly once
    assert {r["answer_budget"] for r in rows} == {"50k_250k"}
    assert not list(drop.glob(".*.tmp"))  # no half-written file left behind
    out = cli("sync", "status", "--event", "CSV Show")
    assert "synced 12, waiting 0, failed 0" in out.out


def test_csv_folder_settings_are_checked(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(CrmSettingsError, match=r"crm\.folder: the CSV folder must be a full path"):
        CrmSettings("csvdrop", "", folder="relative/drop")
    event_id = ctx.events.create_event(NewEvent(name="CSV Check")).id
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ctx.sync.configure(event_id, CrmSettings("csvdrop", "", folder=str(blocker / "drop")))
    check = ctx.sync.test_connection(event_id)
    assert not check.ok and "cannot write to" in check.message
    ctx.sync.configure(event_id, CrmSettings("csvdrop", "", folder=str(tmp_path / "ok")))
    check = ctx.sync.test_connection(event_id)
    assert check.ok and "takes files" in check.message
    assert list((tmp_path / "ok").iterdir()) == []  # the probe cleaned up after itself
