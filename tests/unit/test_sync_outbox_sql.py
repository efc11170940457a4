"""SqlOutbox on a real SQLite file: the Outbox contract, lead sync_state, attempts, reopening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.outbox_sql import SqlOutbox, record_from_json, record_to_json
from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.outbox import Attempt, AttemptOutcome, ItemState

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _leads(ctx: AppContext, n: int) -> list[str]:
    event = ctx.events.create_event(NewEvent(name="Outbox Show"))
    return [
        ctx.leads.save_lead(
            LeadDraft(event.id, Contact(first_name=f"Ada{i}", last_name="Lovelace"))
        ).id
        for i in range(n)
    ]


def _rec(lead_id: str, name: str = "Ada") -> SyncRecord:
    return SyncRecord(
        lead_id,
        {"firstname": name},
        email="ada@example.com",
        event_name="Show",
        notes=("met at booth",),
        task=SyncTask("Call back", T0, "Ben", "about pumps"),
        owner="Ben",
    )


def _ok(n: int = 1, remote: str = "") -> Attempt:
    return Attempt(n, T0, T0, AttemptOutcome.OK, 200, "", remote)


def test_record_round_trips_through_json() -> None:
    rec = _rec("9b1f0c1e-0000-4000-8000-000000000001")
    assert record_from_json(record_to_json(rec)) == rec


def test_enqueue_is_one_row_per_crm_and_lead_and_claims_lease(ctx: AppContext) -> None:
    ids = _leads(ctx, 3)
    box = SqlOutbox(ctx.db)
    first = box.enqueue("hubspot", _rec(ids[0], "Ada"), T0)
    again = box.enqueue("hubspot", _rec(ids[0], "Adeline"), T0)
    assert first == again and len(first) == 36  # a UUID
    box.enqueue("hubspot", _rec(ids[1]), T0 + timedelta(seconds=1))
    box.enqueue("salesforce", _rec(ids[2]), T0)
    assert box.counts("hubspot").pending == 2
    assert box.get(first).record.fields == {"firstname": "Adeline"}
    assert ctx.leads.get_lead(ids[0]).sync_state == SyncState.PENDING

    claimed = box.claim_due("hubspot", 10, T0 + timedelta(seconds=2), timedelta(minutes=1))
    assert [i.lead_id for i in claimed] == [ids[0], ids[1]]  # oldest first
    assert all(i.state == ItemState.IN_FLIGHT for i in claimed)
    # Leased: nobody else gets them until the lease runs out (a killed worker's batch).
    assert box.claim_due("hubspot", 10, T0 + timedelta(seconds=30)) == []
    assert box.next_due_at("hubspot") == T0 + timedelta(seconds=62)
    again_claimed = box.claim_due("hubspot", 1, T0 + timedelta(minutes=2))
    assert [i.lead_id for i in again_claimed] == [ids[0]]


def test_done_failed_release_retry_and_lead_state(ctx: AppContext) -> None:
    ids = _leads(ctx, 3)
    box = SqlOutbox(ctx.db)
    a, b, c = (box.enqueue("hubspot", _rec(i), T0) for i in ids)
    claimed = {i.id: i for i in box.claim_due("hubspot", 3, T0)}
    a, b, c = claimed[a], claimed[b], claimed[c]
    box.mark_done(a, "hs-1", _ok(1, "hs-1"))
    box.mark_failed(
        b, "Property values were not valid: email", False, None,
        Attempt(1, T0, T0, AttemptOutcome.FAILED, 207, "Property values were not valid: email"),
    )  # fmt: skip
    box.release(c, T0 + timedelta(seconds=10), Attempt(1, T0, T0, AttemptOutcome.THROTTLED, 429))
    assert box.counts("hubspot").done == 1
    assert box.get(a.id).remote_id == "hs-1"
    assert box.get(a.id).attempts[0].outcome == AttemptOutcome.OK
    lead_a = ctx.leads.get_lead(ids[0])
    assert lead_a.sync_state == SyncState.SYNCED and lead_a.crm_ids == {"hubspot": "hs-1"}
    failed = box.get(b.id)
    assert failed.state == ItemState.FAILED and failed.failures == 1
    assert failed.last_error == "Property values were not valid: email"
    assert ctx.leads.get_lead(ids[1]).sync_state == SyncState.FAILED
    released = box.get(c.id)
    assert released.state == ItemState.PENDING and released.failures == 0
    assert released.next_attempt_at == T0 + timedelta(seconds=10)

    assert box.retry_failed("hubspot", T0) == 1
    assert box.get(b.id).state == ItemState.PENDING and box.get(b.id).failures == 0
    assert ctx.leads.get_lead(ids[1]).sync_state == SyncState.PENDING


def test_transient_failure_waits_for_its_retry_time(ctx: AppContext) -> None:
    (lead,) = _leads(ctx, 1)
    box = SqlOutbox(ctx.db)
    box.enqueue("hubspot", _rec(lead), T0)
    (item,) = box.claim_due("hubspot", 1, T0)
    box.mark_failed(
        item, "HubSpot answered 503", True, T0 + timedelta(seconds=30),
        Attempt(1, T0, T0, AttemptOutcome.FAILED, 503, "HubSpot answered 503"),
    )  # fmt: skip
    assert box.claim_due("hubspot", 5, T0 + timedelta(seconds=29)) == []
    assert len(box.claim_due("hubspot", 5, T0 + timedelta(seconds=30))) == 1
    assert ctx.leads.get_lead(lead).sync_state == SyncState.PENDING


def test_queue_survives_reopening_the_file(data_dir: Path) -> None:
    ctx = build_context(str(data_dir))
    ids = _leads(ctx, 2)
    box = SqlOutbox(ctx.db)
    item = box.enqueue("bottlecrm", _rec(ids[0]), T0)
    box.claim_due("bottlecrm", 1, T0, timedelta(seconds=5))
    ctx.close()  # as if the process died holding the lease

    ctx2 = build_context(str(data_dir))
    try:
        box2 = SqlOutbox(ctx2.db)
        got = box2.get(item)
        assert got.state == ItemState.IN_FLIGHT and got.record == _rec(ids[0])
        assert [i.id for i in box2.claim_due("bottlecrm", 5, T0 + timedelta(seconds=6))] == [item]
    finally:
        ctx2.close()


def test_enqueue_of_unknown_lead_is_refused_and_changes_nothing(ctx: AppContext) -> None:
    from sqlalchemy.exc import IntegrityError

    box = SqlOutbox(ctx.db)
    with pytest.raises(IntegrityError):
        box.enqueue("hubspot", _rec("00000000-0000-4000-8000-00000000dead"), T0)
    assert box.counts("hubspot").total == 0
