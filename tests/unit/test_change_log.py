"""The device change log (issue 19): every change the lead door commits is numbered without
gaps and stamped with a clock that never goes backwards, even after a restart with the wall
clock set back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core import hlc
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.lead_changes import ChangeOrigin
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import ChangeLogRow, LeadRow


def _log(ctx: AppContext) -> list[ChangeLogRow]:
    with ctx.db.read() as s:
        rows = list(s.scalars(select(ChangeLogRow).order_by(ChangeLogRow.device_seq)))
        s.expunge_all()  # plain values after the read ends
        return rows


def _event(ctx: AppContext) -> str:
    return ctx.events.create_event(
        NewEvent(name="Log Expo", timezone="UTC", starts_on=date(2026, 12, 1))
    ).id


def test_each_committed_change_is_numbered_and_stamped_in_order(
    ctx: AppContext, data_dir: Path
) -> None:
    event_id = _event(ctx)
    contact = Contact(first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
    lead = ctx.leads.save_lead(LeadDraft(event_id, contact))
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead.id))
    ctx.leads.save_lead(replace(draft, notes="wants a demo", contact=replace(contact, company="R")))

    log = _log(ctx)
    assert [e.device_seq for e in log] == list(range(1, len(log) + 1))
    assert {e.device_id for e in log} == {ctx.settings.device_id}
    assert log[0].field == "*" and log[0].value["email"] == "ana@ruiz.es"
    assert {"notes", "company"} <= {e.field for e in log[1:]}
    notes = next(e for e in log if e.field == "notes")
    assert (notes.old_value, notes.value) == ("", "wants a demo")
    stamps = [hlc.decode(e.hlc) for e in log]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    # The history row of the edit is the one the log names (other devices keep its id).
    history_ids = {c.field: c for c in ctx.leads.history(lead.id)}
    assert "notes" in history_ids

    # Restart with the wall clock an hour back: numbers go on, stamps still go forward.
    again = build_context(str(data_dir))
    try:
        again.changes.clock = lambda: datetime.now(UTC) - timedelta(hours=1)
        back = again.leads.draft_of(again.leads.get_lead(lead.id))
        again.leads.save_lead(replace(back, notes="demo on Tuesday"))
        after = _log(again)
    finally:
        again.close()
    assert [e.device_seq for e in after] == list(range(1, len(after) + 1))
    assert hlc.decode(after[-1].hlc) > max(stamps)


def test_a_failed_change_leaves_no_number_behind(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ctx.leads.save_lead(LeadDraft(event_id, Contact(first_name="Ana", email="ana@ruiz.es")))
    before = _log(ctx)
    try:
        with ctx.changes.transaction(ChangeOrigin.EDIT) as tx:
            row = tx.session.get(LeadRow, before[0].lead_id)
            assert row is not None
            tx.update(row, {"notes": "never saved"})
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    ctx.leads.save_lead(LeadDraft(event_id, Contact(first_name="Bo", email="bo@x.se")))
    after = _log(ctx)
    assert [e.device_seq for e in after] == list(range(1, len(after) + 1))
    assert "never saved" not in [e.value for e in after]


def test_a_pull_holds_the_write_lock_from_its_first_read(ctx: AppContext) -> None:
    """The hub's pull merges into what it read: a local save may not slip in between its
    reads and its writes (issue 19, the 20-device run that did not converge)."""
    import threading

    event_id = _event(ctx)
    lead = ctx.leads.save_lead(LeadDraft(event_id, Contact(first_name="Ana", last_name="Ruiz")))
    saved = threading.Event()

    def local_edit() -> None:
        draft = ctx.leads.draft_of(ctx.leads.get_lead(lead.id))
        ctx.leads.save_lead(replace(draft, notes="edited at the booth"))
        saved.set()

    with ctx.changes.transaction(ChangeOrigin.HUB, "hub", immediate=True) as tx:
        before = tx.session.get(LeadRow, lead.id)
        assert before is not None and before.notes == ""
        editor = threading.Thread(target=local_edit)
        editor.start()
        # The edit waits for the lock (busy timeout) instead of committing under the pull.
        assert not saved.wait(0.5)
        assert tx.session.scalar(select(LeadRow.notes).where(LeadRow.id == lead.id)) == ""
    editor.join(timeout=10)
    assert saved.is_set()
    assert ctx.leads.get_lead(lead.id).notes == "edited at the booth"
