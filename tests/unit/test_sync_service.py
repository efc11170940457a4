"""SyncService without a network: CRM settings, queueing in the lead save, secrets, CLI."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Contact, SyncState
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.lead_changes import LeadChanges
from boothapp.services.leads import LeadDraft, LeadService
from boothapp.store.tables import LeadRow, OutboxRow
from boothapp.sync.crm.base import ItemKind
from boothapp.sync.outbox import ItemState
from boothapp.sync.settings import CrmSettings, CrmSettingsError
from tests.helpers.database_text import database_text

SECRET = "bcrm_intake_SECRET-3f9a1c77d2"


def _event(ctx: AppContext, name: str = "Sync Show") -> str:
    return ctx.events.create_event(NewEvent(name=name)).id


def _bottle(auto: bool = True) -> CrmSettings:
    return CrmSettings("bottlecrm", "http://127.0.0.1:9", auto_sync=auto, intake_id="intake-1")


def _save(ctx: AppContext, event_id: str, i: int) -> str:
    draft = LeadDraft(
        event_id,
        Contact(first_name=f"Ada{i}", last_name="Lovelace", email=f"ada{i}@example.com",
                company="Analytical"),
        notes="wants a demo",
    )  # fmt: skip
    return ctx.leads.save_lead(draft).id


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"name": "zoho", "base_url": "https://x"}, "crm.name: unknown CRM 'zoho'"),
        ({"name": "hubspot", "base_url": "ftp://x"}, "crm.base_url"),
        ({"name": "bottlecrm", "base_url": "http://x"}, "crm.intake_id"),
        ({"name": "hubspot", "mapping": {"email": "contact.emial"}}, "crm.mapping"),
        ({"name": "hubspot", "auto_sync": "yes"}, "crm.auto_sync"),
        ({"name": "hubspot", "token": "t"}, "unknown setting(s) token"),
    ],
)
def test_bad_crm_section_names_the_field(tree: dict[str, object], message: str) -> None:
    with pytest.raises(CrmSettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CrmSettings.from_tree(tree)


def test_settings_round_trip_and_hubspot_default_url() -> None:
    s = CrmSettings.from_tree({"name": "HubSpot", "portal": "123"})
    assert s is not None and s.base_url == "https://api.hubapi.com" and s.portal == "123"
    assert CrmSettings.from_tree(s.to_tree()) == s
    assert CrmSettings.from_tree({}) is None


def test_saved_lead_is_queued_with_its_mapped_record(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ctx.sync.configure(event_id, _bottle(), {"intake_key": SECRET})
    lead_id = _save(ctx, event_id, 1)
    items = ctx.sync.outbox.items("bottlecrm")
    # A CRM gets the lead and its note as two items, keyed by the lead UUID (issue 17).
    assert [(i.lead_id, i.kind) for i in items] == [
        (lead_id, ItemKind.LEAD), (lead_id, ItemKind.NOTE),
    ]  # fmt: skip
    rec = items[0].record
    assert rec.fields["first_name"] == "Ada1" and rec.fields["company_name"] == "Analytical"
    assert rec.event_name == "Sync Show" and rec.notes == ()
    assert items[1].record.notes == ("wants a demo",) and items[1].key == f"{lead_id}:note"
    assert ctx.leads.get_lead(lead_id).sync_state == SyncState.PENDING
    # Editing the lead refreshes the queued records; still one row each.
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, notes="wants a quote"))
    items = ctx.sync.outbox.items("bottlecrm")
    assert len(items) == 2 and items[1].record.notes == ("wants a quote",)


def test_a_failing_queue_never_costs_the_lead_and_the_next_sync_queues_it(
    ctx: AppContext,
) -> None:
    event_id = _event(ctx)
    ctx.sync.configure(event_id, _bottle(), {"intake_key": SECRET})

    class BrokenQueue:
        def on_lead_saved(self, s, row):  # type: ignore[no-untyped-def]
            s.add(OutboxRow(crm="bottlecrm", lead_id=row.id, record={}))  # half-written
            raise RuntimeError("disk full while queueing")

    door = LeadChanges(ctx.db, "dev", enqueuer=BrokenQueue())
    leads = LeadService(ctx.db, "dev", configs=ctx.configs, changes=door)
    lead = leads.save_lead(LeadDraft(event_id, Contact(first_name="Kept", last_name="Lead")))
    with ctx.db.read() as s:
        assert s.query(LeadRow).count() == 1  # a lead saved is a lead kept
        assert s.query(OutboxRow).count() == 0  # nothing half-queued: the savepoint rolled back
    assert leads.get_lead(lead.id).sync_state == SyncState.NOT_QUEUED
    assert ctx.sync.enqueue_event(event_id) == 1  # the next sync run picks it up


def test_no_queueing_when_auto_sync_is_off_until_enqueue_event(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ctx.sync.configure(event_id, _bottle(auto=False), {"intake_key": SECRET})
    ids = [_save(ctx, event_id, i) for i in range(3)]
    assert ctx.sync.outbox.counts("bottlecrm").total == 0
    assert ctx.sync.status(event_id).not_queued == 3
    assert ctx.sync.enqueue_event(event_id) == 3
    assert {i.lead_id for i in ctx.sync.outbox.items("bottlecrm")} == set(ids)  # leads + notes
    assert all(i.state == ItemState.PENDING for i in ctx.sync.outbox.items("bottlecrm"))


def test_event_without_crm_is_a_clear_error(ctx: AppContext) -> None:
    event_id = _event(ctx)
    _save(ctx, event_id, 1)  # no CRM: saving works, nothing queued
    with pytest.raises(ValidationError, match="no CRM is configured"):
        ctx.sync.run(event_id)
    assert ctx.sync.test_connection(event_id).ok is False


def test_secret_never_in_database_file_config_or_log(
    ctx: AppContext, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event_id = _event(ctx)
    ctx.sync.configure(event_id, _bottle(), {"intake_key": SECRET})
    for i in range(5):
        _save(ctx, event_id, i)
    assert ctx.sync.status(event_id).secrets_set == ("intake_key",)
    ctx.sync.run(event_id, max_seconds=1)  # nothing listens on port 9: connection refused
    assert SECRET not in ctx.configs.export_text(event_id)
    ctx.close()
    # The database is encrypted on disk (issue #18): look inside it, decrypted, too.
    dump = database_text(data_dir / "boothapp.db")
    assert "intake_key" in dump or "bottlecrm" in dump  # the CRM settings are in there...
    assert SECRET not in dump  # ...but never its secret
    for f in data_dir.rglob("*"):
        if f.is_file() and f.name != "secrets.json":  # the announced no-keyring fallback
            assert SECRET.encode() not in f.read_bytes(), f
    assert SECRET not in caplog.text


def test_cli_configure_status_and_dry_run(cli, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    event_id = _event(ctx, "Cli Sync Show")
    _save(ctx, event_id, 1)
    monkeypatch.setenv("BOOTHAPP_CRM_TOKEN", SECRET)
    r = cli("sync", "configure", "--event", "Cli Sync Show", "--crm", "bottlecrm",
            "--url", "http://127.0.0.1:9", "--intake", "intake-7")  # fmt: skip
    assert r.code == 0 and "bottlecrm configured" in r.out and SECRET not in r.out + r.err
    r = cli("sync", "--event", "Cli Sync Show", "--dry-run")
    assert r.code == 0 and "1 lead would be sent" in r.out
    r = cli("sync", "status", "--event", "Cli Sync Show")
    # The dry run queued nothing (issue 16): the lead saved before configuring still waits
    # to be queued by a real run.
    assert "CRM: bottlecrm (auto sync on)" in r.out and "not queued 1" in r.out
    r = cli("sync", "configure", "--event", "Cli Sync Show", "--crm", "bottlecrm", "--url", "x")
    assert r.code != 0 and "crm.base_url" in r.err


def test_broken_crm_section_never_blocks_a_lead_save(ctx: AppContext) -> None:
    event_id = _event(ctx)
    cfg = ctx.configs.get(event_id)
    ctx.configs.save(event_id, replace(cfg, crm={"name": "zoho", "base_url": "https://z"}))
    lead_id = _save(ctx, event_id, 1)
    assert ctx.leads.get_lead(lead_id).sync_state == SyncState.NOT_QUEUED
    with pytest.raises(ValidationError, match="unknown CRM 'zoho'"):
        ctx.sync.run(event_id)


def test_planned_call_follow_up_goes_to_the_crm_as_the_owners_task(ctx: AppContext) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from boothapp.services.outbox_sql import record_from_json

    event_id = _event(ctx, "Task Show")
    ctx.sync.configure(event_id, _bottle(), {"intake_key": SECRET})
    lead_id = ctx.leads.save_lead(
        LeadDraft(event_id, Contact(first_name="Grace", last_name="Hopper", phone="+12025550143",
                                    email="grace@navy.example", country="US"))
    ).id  # fmt: skip
    ctx.followups.plan(event_id, datetime.now(UTC), lead_ids=[lead_id])
    calls = [t for t in ctx.followups.lead_touches(lead_id) if t.channel.value == "call"]
    assert calls, "every show lead gets at least one call in its plan"
    ctx.sync.enqueue_event(event_id)  # what a sync run does first: records are rebuilt
    with ctx.db.read() as s:
        # The task is its own item, keyed <lead uuid>:task (issue 17).
        stored = s.scalar(select(OutboxRow.record).where(OutboxRow.item_key == f"{lead_id}:task"))
    record = record_from_json(stored)
    assert record.task is not None
    first_call = min(calls, key=lambda t: t.due_utc)
    assert record.task.due_at == first_call.due_utc
    assert record.task.subject  # what the rep sees in the CRM task list
