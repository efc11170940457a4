"""SqlOutbox on a real PostgreSQL server: concurrent claimers never lease the same lead
(SELECT ... FOR UPDATE OF outbox SKIP LOCKED), claim only their event's leads, and the queue
drains to done with lead states kept."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.outbox_sql import SqlOutbox
from boothapp.sync.crm.base import SyncRecord
from boothapp.sync.outbox import Attempt, AttemptOutcome, Completion
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration


def test_concurrent_claims_on_postgresql_never_overlap(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.create_database(f"sync_{uuid.uuid4().hex[:8]}")
    ctx = build_context(str(tmp_path / "d"), url)
    try:
        event = ctx.events.create_event(NewEvent(name="PG Sync Show"))
        ids = [
            ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name=f"P{i}"))).id
            for i in range(200)
        ]
        other = ctx.events.create_event(NewEvent(name="PG Other Show"))
        other_ids = [
            ctx.leads.save_lead(LeadDraft(other.id, Contact(first_name=f"O{i}"))).id
            for i in range(20)
        ]
        queue = SqlOutbox(ctx.db)
        now = datetime.now(UTC)
        for lead_id in other_ids + ids:  # the other show's leads are the oldest in the queue
            queue.enqueue("hubspot", SyncRecord(lead_id, {"firstname": "P"}), now)
        box = queue.scoped(event.id)  # what a sync run of this show drains
        claimed: list[str] = []
        lock = threading.Lock()

        def claimer() -> None:
            while True:
                items = box.claim_due("hubspot", 7, datetime.now(UTC), timedelta(minutes=5))
                if not items:
                    return
                t = datetime.now(UTC)
                box.complete([  # the engine's batch path: one transaction per claimed batch
                    Completion.done(item, f"hs-{item.lead_id[:8]}", Attempt(
                        1, t, t, AttemptOutcome.OK, 200, "", f"hs-{item.lead_id[:8]}"))
                    for item in items
                ])  # fmt: skip
                with lock:
                    claimed.extend(i.lead_id for i in items)

        threads = [threading.Thread(target=claimer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        counts = Counter(claimed)
        assert set(counts) == set(ids) and max(counts.values()) == 1
        assert box.counts("hubspot").done == 200
        other_counts = queue.scoped(other.id).counts("hubspot")
        assert (other_counts.pending, other_counts.total) == (20, 20)  # never claimed
        assert {ctx.leads.get_lead(i).sync_state for i in ids[:10]} == {SyncState.SYNCED}
    finally:
        ctx.close()
