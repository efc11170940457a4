"""Sync throughput under published rate limits with 5 % injected faults.

10,000 leads go through the real engine + adapters to the HubSpot and Salesforce fakes on
loopback. Limits keep the published *rate* on a shorter window so the run stays short:
HubSpot 100 req / 10 s -> 10 req / 1 s (burst window, X-HubSpot-RateLimit-* headers);
Salesforce's rolling allocation -> 10 req / 1 s (Sforce-Limit-Info, 403 when exceeded).
Faults (5 % of upsert requests): 503, lost reply after the write, reply after the client's
timeout, and for Salesforce per-record UNABLE_TO_LOCK_ROW. Leads carry no notes/tasks so one
request = one batch and the ceiling is batch size x allowed requests per window.

Figures per CRM: leads/s, ceiling leads/s, share of ceiling, duplicates (leads created more than
once in the CRM), losses (leads neither in the CRM nor shown as failed), throttle replies.
The peer is the same engine with the vendor budget signal ignored (no pacing): it reaches the
same data but spends requests on 429/403 replies. HubSpot also runs on the app's own SqlOutbox
(a real SQLite file, scoped to the event as a sync run is); ``hubspot_sqlite_vs_memory`` is its
throughput as a share of the in-memory outbox's.

    python bench/sync.py [--quick] [--leads N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boothapp.app import build_context
from boothapp.services.events import NewEvent
from boothapp.services.outbox_sql import SqlOutbox, enqueue_in
from boothapp.store.tables import LeadRow
from boothapp.sync.crm.base import BatchOutcome, CrmAdapter, CrmError, SyncRecord
from boothapp.sync.crm.hubspot import HubSpotAdapter, HubSpotConfig
from boothapp.sync.crm.salesforce import SalesforceAdapter, SalesforceConfig
from boothapp.sync.engine import EngineConfig, SyncEngine
from boothapp.sync.outbox import ItemState, MemoryOutbox
from tests.integration.fakes.common import FakeServer, Fault, FaultPlan
from tests.integration.fakes.hubspot_server import HubSpotFake
from tests.integration.fakes.salesforce_server import SalesforceFake

LIMIT, WINDOW_S, FAULT_RATE = 10, 1.0, 0.05
ENGINE = EngineConfig(
    base_delay_s=0.05,
    max_delay_s=0.5,
    throttle_delay_s=0.1,
    breaker_threshold=20,
    breaker_cooldown_s=0.5,
    max_failures=20,
)


class Unpaced:
    """The peer: same adapter, but the engine never sees the vendor's budget signal."""

    def __init__(self, inner: CrmAdapter) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch_size = inner.batch_size

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        try:
            return replace(self.inner.push(records), budget=None)
        except CrmError as exc:
            exc.budget = None
            raise


def leads(n: int, tag: str) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"{tag}-{i:06d}-4b7a-9c1d-5e2f3a4b5c6d",
            {"firstname": f"F{i}", "lastname": f"L{i}", "LastName": f"L{i}", "Company": "Acme"},
            email=f"visitor{i}@{tag}.example.com",
            event_name="MedTech 2026",
        )
        for i in range(n)
    ]


def sql_outbox(crm: str, recs: list[SyncRecord], root: Path) -> SqlOutbox:
    """The app's own outbox on a real SQLite file (synchronous=FULL), leads saved as rows,
    scoped to the event like ``SyncService.run``; a second event's queued leads sit beside it
    so the scope's filter does real work."""
    ctx = build_context(str(root))
    event = ctx.events.create_event(NewEvent(name=f"Bench {crm}"))
    other = ctx.events.create_event(NewEvent(name=f"Bench {crm} other"))
    now = datetime.now(UTC)
    with ctx.db.session() as s:
        s.add_all(LeadRow(id=r.lead_id, event_id=event.id) for r in recs)
        s.flush()
        for r in recs:
            enqueue_in(s, crm, r, now)
        others = [replace(r, lead_id=f"x{r.lead_id[1:]}") for r in recs[: len(recs) // 10]]
        s.add_all(LeadRow(id=r.lead_id, event_id=other.id) for r in others)
        s.flush()
        for r in others:
            enqueue_in(s, crm, r, now)
    return SqlOutbox(ctx.db).scoped(event.id)


def run(crm: str, n: int, paced: bool, store: str = "memory") -> dict[str, float | int | str]:
    kinds = (Fault.SERVER_ERROR, Fault.LOST, Fault.TIMEOUT) + (
        (Fault.PARTIAL,) if crm == "salesforce" else ()
    )
    faults = FaultPlan(rate=FAULT_RATE, kinds=kinds, timeout_sleep_s=0.35, seed=11)
    if crm == "hubspot":
        fake = HubSpotFake(limit=LIMIT, window_s=WINDOW_S, faults=faults)
    else:
        fake = SalesforceFake(
            allocation=LIMIT, window_s=WINDOW_S, faults=faults, partial_code="UNABLE_TO_LOCK_ROW"
        )
    tag = f"{crm[:2]}{'p' if paced else 'u'}{store[0]}"
    recs = leads(n, tag)
    with FakeServer(fake) as server:
        adapter: CrmAdapter
        if crm == "hubspot":
            adapter = HubSpotAdapter(HubSpotConfig(fake.token, server.url, timeout_s=0.3))
        else:
            adapter = SalesforceAdapter(
                SalesforceConfig(
                    server.url,
                    "00Dfake!session",
                    timeout_s=0.3,
                    allocation_window_s=WINDOW_S,
                    auto_campaign=False,  # one request = one batch: campaign members cost more
                )
            )
        if not paced:
            adapter = Unpaced(adapter)
        outbox: MemoryOutbox | SqlOutbox
        if store == "sqlite":
            tmp = tempfile.TemporaryDirectory(prefix="bench-sync-")
            outbox = sql_outbox(crm, recs, Path(tmp.name))
        else:
            outbox = MemoryOutbox()
            outbox.enqueue_many(crm, recs, datetime.now(UTC))
        engine = SyncEngine(outbox, adapter, ENGINE, rng=random.Random(4))
        t0 = time.perf_counter()
        report = engine.drain(max_seconds=150)
        elapsed = time.perf_counter() - t0
    if crm == "hubspot":
        creations = fake.creations
        in_crm = set(fake.contacts_by())
        throttled = fake.requests["429"]
        upserts = fake.requests["/crm/v3/objects/contacts/batch/upsert"] - throttled
    else:
        creations = {k.split(":", 1)[1]: v for k, v in fake.creations.items()}
        in_crm = set(fake.leads_by_external_id())
        throttled = fake.requests["403"]
        upserts = sum(v for k, v in fake.requests.items() if "/composite/" in k) - throttled
    failed = {i.lead_id for i in outbox.items() if i.state == ItemState.FAILED}
    duplicates = sum(v - 1 for v in creations.values() if v > 1)
    losses = sum(1 for r in recs if r.lead_id not in in_crm and r.lead_id not in failed)
    ceiling = adapter.batch_size * LIMIT / WINDOW_S
    rate = report.synced / elapsed
    return {
        "leads": n,
        "synced": report.synced,
        "failed_visible": len(failed),
        "seconds": round(elapsed, 2),
        "leads_per_s": round(rate, 1),
        "ceiling_leads_per_s": ceiling,
        "share_of_ceiling": round(rate / ceiling, 3),
        "duplicates": duplicates,
        "losses": losses,
        "upsert_requests": upserts,
        "throttle_replies": throttled,
        "faults_injected": sum(faults.injected.values()),
        "stopped": str(report.stopped),
        "outbox": store,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 leads instead of 10,000")
    ap.add_argument("--leads", type=int, default=0)
    args = ap.parse_args()
    n = args.leads or (2000 if args.quick else 10_000)
    figures: dict[str, object] = {}
    runs = [(crm, paced, "memory") for crm in ("hubspot", "salesforce") for paced in (True, False)]
    runs.append(("hubspot", True, "sqlite"))  # the app's SqlOutbox on a real file
    for crm, paced, store in runs:
        key = f"{crm}_{'paced' if paced else 'unpaced_peer'}"
        key += "_sqlite" if store == "sqlite" else ""
        figures[key] = run(crm, n, paced, store)
        f = figures[key]
        print(
            f"{key:26} {f['synced']}/{n} in {f['seconds']} s = {f['leads_per_s']}/s "
            f"({f['share_of_ceiling']:.0%} of {f['ceiling_leads_per_s']:.0f}/s) "
            f"dup={f['duplicates']} lost={f['losses']} throttled={f['throttle_replies']} "
            f"faults={f['faults_injected']}",
            file=sys.stderr,
        )
    # Side by side: what the app's SQLite outbox keeps of the in-memory outbox's throughput.
    memory, sqlite = figures["hubspot_paced"], figures["hubspot_paced_sqlite"]
    assert isinstance(memory, dict) and isinstance(sqlite, dict)
    figures["hubspot_sqlite_vs_memory"] = round(sqlite["leads_per_s"] / memory["leads_per_s"], 3)
    print(f"hubspot sqlite/memory      {figures['hubspot_sqlite_vs_memory']:.0%}", file=sys.stderr)
    print(json.dumps({"bench": "sync", "figures": figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
