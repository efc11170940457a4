"""SqlOutbox on a real SQLite file: the Outbox contract, lead sync_state, attempts, reopening."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.outbox_sql import SqlOutbox, record_from_json, record_to_json
from boothapp.sync.crm.base import BatchOutcome, PushResult, Related, SyncRecord, SyncTask
from boothapp.sync.engine import StopReason, SyncEngine
from boothapp.sync.outbox import (
    Attempt,
    AttemptOutcome,
    Completion,
    ItemState,
    OutboxCounts,
    OutboxItem,
)
from boothapp.sync.settings import CrmSettings

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


def _show_leads(ctx: AppContext, name: str, n: int) -> tuple[str, list[str]]:
    event = ctx.events.create_event(NewEvent(name=name))
    ids = [
        ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name=f"{name}{i}"))).id
        for i in range(n)
    ]
    return event.id, ids


def test_event_scope_claims_counts_and_retries_only_that_events_leads(ctx: AppContext) -> None:
    show_a, a_ids = _show_leads(ctx, "A", 2)
    show_b, b_ids = _show_leads(ctx, "B", 3)
    box = SqlOutbox(ctx.db)
    for i, lead in enumerate([*b_ids, *a_ids]):  # B's are older: first in an unscoped claim
        box.enqueue("hubspot", _rec(lead), T0 + timedelta(seconds=i))
    a, b = box.scoped(show_a), box.scoped(show_b)
    assert (a.counts("hubspot").pending, b.counts("hubspot").pending) == (2, 3)
    assert a.next_due_at("hubspot") == T0 + timedelta(seconds=3)

    claimed = a.claim_due("hubspot", 10, T0 + timedelta(minutes=1))
    assert [i.lead_id for i in claimed] == a_ids
    assert a.claim_due("hubspot", 10, T0 + timedelta(minutes=1)) == []
    assert b.counts("hubspot") == OutboxCounts(pending=3)  # nothing of B leased
    a.complete([
        Completion.failed(i, "Property values were not valid: email", False, None,
                          Attempt(1, T0, T0, AttemptOutcome.FAILED, 207, "invalid email"))
        for i in claimed
    ])  # fmt: skip
    assert b.retry_failed("hubspot", T0) == 0  # B's retry leaves A's failures alone
    assert a.counts("hubspot").failed == 2
    assert a.retry_failed("hubspot", T0) == 2
    assert {i.lead_id for i in b.items("hubspot")} == set(b_ids)
    assert box.counts("hubspot").total == 5  # the unscoped view still sees everything


def test_edit_saved_while_in_flight_is_not_lost_when_the_old_record_is_done(
    ctx: AppContext,
) -> None:
    (lead,) = _leads(ctx, 1)
    box = SqlOutbox(ctx.db)
    box.enqueue("hubspot", _rec(lead, "Ada"), T0)
    (claimed,) = box.claim_due("hubspot", 1, T0)
    box.enqueue("hubspot", _rec(lead, "Adeline"), T0 + timedelta(seconds=1))  # booth edits
    box.mark_done(claimed, "hs-7", _ok(1, "hs-7"))  # the CRM's reply about "Ada"

    item = box.get(claimed.id)
    assert item.state == ItemState.PENDING and item.record.fields == {"firstname": "Adeline"}
    assert item.next_attempt_at == T0  # due at once (the attempt's finish time)
    assert item.remote_id == "hs-7" and [a.outcome for a in item.attempts] == [AttemptOutcome.OK]
    lead_row = ctx.leads.get_lead(lead)
    assert lead_row.sync_state == SyncState.PENDING and lead_row.crm_ids == {"hubspot": "hs-7"}

    (again,) = box.claim_due("hubspot", 1, T0 + timedelta(seconds=2))
    assert again.record.fields == {"firstname": "Adeline"}  # the edit goes out next
    box.mark_done(again, "hs-7", _ok(2, "hs-7"))
    assert box.get(claimed.id).state == ItemState.DONE
    assert ctx.leads.get_lead(lead).sync_state == SyncState.SYNCED


def test_edit_in_flight_reopens_a_permanent_failure_but_an_identical_save_does_not(
    ctx: AppContext,
) -> None:
    fixed, same = _leads(ctx, 2)
    box = SqlOutbox(ctx.db)
    box.enqueue("hubspot", _rec(fixed, "Ada"), T0)
    box.enqueue("hubspot", _rec(same, "Ada"), T0)
    one, two = box.claim_due("hubspot", 2, T0)
    box.enqueue("hubspot", _rec(fixed, "Ada L."), T0)  # the booth fixes the lead meanwhile
    box.enqueue("hubspot", _rec(same, "Ada"), T0)  # saved again, nothing changed
    err = "Property values were not valid: email"
    box.complete([
        Completion.failed(one, err, False, None,
                          Attempt(1, T0, T0, AttemptOutcome.FAILED, 207, err)),
        Completion.done(two, "hs-2", _ok(1, "hs-2")),
    ])  # fmt: skip
    reopened = box.get(one.id)
    assert reopened.state == ItemState.PENDING and reopened.last_error == err
    assert ctx.leads.get_lead(fixed).sync_state == SyncState.PENDING  # not shown as failed
    assert box.get(two.id).state == ItemState.DONE  # no needless resend
    assert ctx.leads.get_lead(same).sync_state == SyncState.SYNCED


def test_a_batch_completes_in_one_transaction_with_every_attempt_and_lead_state(
    ctx: AppContext,
) -> None:
    ids = _leads(ctx, 100)
    box = SqlOutbox(ctx.db)
    for lead in ids:
        box.enqueue("hubspot", _rec(lead), T0)
    claimed = box.claim_due("hubspot", 100, T0)
    bad = "Property values were not valid: email"
    ends = [
        Completion.done(i, f"hs-{n}", _ok(1, f"hs-{n}"))
        if n % 10
        else Completion.failed(i, bad, False, None,
                               Attempt(1, T0, T0, AttemptOutcome.FAILED, 207, bad))
        for n, i in enumerate(claimed)
    ]  # fmt: skip
    commits: list[object] = []

    def on_commit(conn: object) -> None:
        commits.append(conn)

    sa_event.listen(ctx.db.engine, "commit", on_commit)
    try:
        box.complete(ends)
    finally:
        sa_event.remove(ctx.db.engine, "commit", on_commit)
    assert len(commits) == 1  # was one commit (one fsync) per lead
    assert box.counts("hubspot") == OutboxCounts(done=90, failed=10)
    for n, lead in enumerate(ids):
        item = box.items("hubspot")[n]
        got = ctx.leads.get_lead(lead)
        assert item.lead_id == lead and len(item.attempts) == 1
        if n % 10:
            assert item.remote_id == f"hs-{n}" and got.crm_ids == {"hubspot": f"hs-{n}"}
            assert got.sync_state == SyncState.SYNCED
        else:
            assert item.last_error == bad and item.attempts[0].error == bad
            assert got.sync_state == SyncState.FAILED and got.crm_ids == {}


def test_completing_an_unknown_item_changes_nothing(ctx: AppContext) -> None:
    (lead,) = _leads(ctx, 1)
    box = SqlOutbox(ctx.db)
    box.enqueue("hubspot", _rec(lead), T0)
    (item,) = box.claim_due("hubspot", 1, T0)
    ghost = OutboxItem("00000000-0000-4000-8000-00000000dead", "hubspot", _rec(lead))
    with pytest.raises(KeyError, match="no outbox item"):
        box.complete([Completion.done(item, "hs-1", _ok()), Completion.done(ghost, "x", _ok())])
    assert box.get(item.id).state == ItemState.IN_FLIGHT and box.get(item.id).attempts == ()


class EditingCrm:
    """A recording adapter: while its first request is 'on the wire' the booth saves an edit of
    one lead through LeadService (queued in the save's own transaction, as in the app)."""

    name = "bottlecrm"
    batch_size = 100

    def __init__(self, edit: Callable[[], None]) -> None:
        self.sent: list[list[SyncRecord]] = []
        self.related: list[list[Related]] = []
        self._edit: Callable[[], None] | None = edit

    def push_related(self, items: Sequence[Related]) -> BatchOutcome:
        self.related.append(list(items))
        return BatchOutcome(tuple(PushResult(i.record.key, True, "note-1") for i in items))

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        self.sent.append(list(records))
        if self._edit is not None:
            self._edit, edit = None, self._edit
            edit()
        return BatchOutcome(
            tuple(PushResult(r.lead_id, True, f"bc-{r.lead_id[:8]}") for r in records)
        )


def test_engine_on_sqlite_sends_an_edit_saved_during_the_request(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Edit Show"))
    ctx.sync.configure(
        event.id, CrmSettings("bottlecrm", "http://127.0.0.1:9", intake_id="i"), {"intake_key": "k"}
    )
    ids = [
        ctx.leads.save_lead(
            LeadDraft(event.id, Contact(first_name=f"Ada{i}", last_name="Lovelace"), notes="demo")
        ).id
        for i in range(3)
    ]

    def save_edit() -> None:
        draft = ctx.leads.draft_of(ctx.leads.get_lead(ids[1]))
        ctx.leads.save_lead(
            replace(draft, notes="wants a quote", contact=replace(draft.contact, title="CTO"))
        )

    crm = EditingCrm(save_edit)
    report = SyncEngine(ctx.sync.outbox.scoped(event.id), crm).drain(max_seconds=10)
    assert [[r.lead_id for r in batch] for batch in crm.sent] == [ids, [ids[1]]]
    assert crm.sent[1][0].fields["job_title"] == "CTO"  # the CRM ends with the booth's edit
    # The notes are their own items, attached to the lead's CRM id; the edited note went out
    # as it reads after the edit (the edit came before any note was claimed).
    notes = {i.record.lead_id: i for batch in crm.related for i in batch}
    assert set(notes) == set(ids)
    assert notes[ids[1]].record.notes == ("wants a quote",)
    assert notes[ids[1]].parent_id == f"bc-{ids[1][:8]}"
    assert report.stopped == StopReason.IDLE and ctx.sync.status(event.id).done == 3
    assert {i.state for i in ctx.sync.outbox.items("bottlecrm")} == {ItemState.DONE}
    assert ctx.leads.get_lead(ids[1]).sync_state == SyncState.SYNCED


def test_a_restarted_device_reclaims_its_own_leases_and_names_another_devices(
    ctx: AppContext,
) -> None:
    """Issue 17: after a kill -9 the restarted run takes its own leased items at once; items
    another device's run holds still wait out their lease, and the wait says whose they are."""
    now = datetime.now(UTC)
    ids = _leads(ctx, 4)
    mine, theirs = SqlOutbox(ctx.db, "laptop-1"), SqlOutbox(ctx.db, "laptop-2")
    for lead_id in ids:
        mine.enqueue("hubspot", _rec(lead_id), now)
    assert len(mine.claim_due("hubspot", 2, now)) == 2  # laptop-1's run, then killed
    assert len(theirs.claim_due("hubspot", 2, now)) == 2  # laptop-2's run, still going
    assert mine.claim_due("hubspot", 10, now) == []  # all four leased for 5 minutes

    assert mine.reclaim_own_leases("hubspot", now) == 2
    again = mine.claim_due("hubspot", 10, now)
    assert sorted(i.lead_id for i in again) == sorted(ids[:2])  # at once, not in 5 minutes
    held = mine.foreign_leases("hubspot", now)
    assert [(device, n) for device, n, _ in held] == [("laptop-2", 2)]
    assert held[0][2] > now + timedelta(minutes=4)
