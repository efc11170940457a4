"""The lead door (issue #13): every way a lead changes leaves one history entry per changed
field, re-queues the CRM when a synced field changed, and (re)plans follow-ups when it must.

Real SQLite file per test (``ctx``); the CRM is configured but never reached (queueing only),
the CRM pull is fed records as a puller returns them.
"""

from __future__ import annotations

import ast
import csv
import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.config.model import Rep
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import CONTACT_FIELDS, CONTACT_LABELS, Contact, Rating, Stage
from boothapp.services.errors import NotFoundError
from boothapp.services.events import NewEvent
from boothapp.services.exports import ExportRequest
from boothapp.services.followup_types import OPEN_STATES, OutcomeRequest, TouchState
from boothapp.services.lead_changes import ChangeOrigin, LeadsChanged
from boothapp.services.leads import LeadDraft
from boothapp.services.sync_pull import merge_remote
from boothapp.store.keys import connect_file
from boothapp.store.tables import LeadChangeRow, LeadRow, OutboxRow
from boothapp.sync.crm.mapping import FieldMapping
from boothapp.sync.pull import RemoteLead
from boothapp.sync.settings import CrmSettings

REPO = Path(__file__).resolve().parents[2]

FULL_VCARD = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Yılmaz;Ayşe;;;",
        "FN:Ayşe Yılmaz",
        "ORG:Anadolu Lojistik A.Ş.",
        "TITLE:Head of Procurement",
        "EMAIL;TYPE=INTERNET:ayse.yilmaz@anadolu.com.tr",
        "TEL;TYPE=CELL:+90 532 123 45 67",
        "ADR;TYPE=WORK:;;Büyükdere Cd. 1;İstanbul;;34330;Türkiye",
        "URL:https://anadolu.example",
        "END:VCARD",
    ]
)


def _event(ctx: AppContext, *, auto_sync: bool = True) -> str:
    event = ctx.events.create_event(
        NewEvent(
            name="Door Expo",
            timezone="Europe/Istanbul",
            country="TR",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 3),
        )
    )
    ctx.sync.configure(
        event.id,
        CrmSettings("bottlecrm", "http://127.0.0.1:9", auto_sync=auto_sync, intake_id="i-1"),
        {"intake_key": "k"},
    )
    return event.id


def _history(ctx: AppContext, lead_id: str) -> Counter[str]:
    return Counter(change.field for change in ctx.leads.history(lead_id))


def _queued(ctx: AppContext, lead_id: str) -> bool:
    with ctx.db.read() as s:
        row = s.query(OutboxRow).filter_by(lead_id=lead_id).one_or_none()
        return row is not None and row.state == "pending"


def _mark_synced(ctx: AppContext, lead_id: str) -> None:
    """As a finished sync run leaves it: the queue item done."""
    with ctx.db.session() as s:
        for item in s.query(OutboxRow).filter_by(lead_id=lead_id):
            item.state = "done"
            item.remote_id = "remote-1"
        row = s.get(LeadRow, lead_id)
        assert row is not None
        row.sync_state = "synced"


def _open_touches(ctx: AppContext, lead_id: str) -> list[object]:
    return [t for t in ctx.followups.lead_touches(lead_id) if t.state in OPEN_STATES]


def _walk_in(ctx: AppContext, event_id: str, **contact: str) -> str:
    values = {
        "first_name": "Jonas",
        "last_name": "Weber",
        "email": "jonas@weber.de",
        "phone": "+49 30 1234567",
        "company": "Weber GmbH",
        **contact,
    }
    draft = LeadDraft(event_id, Contact(**values), consent_given=True, consent_text="Mail me.")
    return ctx.leads.save_lead(draft).id


def test_a_scanned_vcard_keeps_every_contact_field_to_export_and_crm_payloads(
    ctx: AppContext, cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    event_id = _event(ctx)
    lead, created = ctx.leads.capture_scan(event_id, FULL_VCARD, symbology="QRCode")
    assert created
    stored = ctx.leads.get_lead(lead.id).contact
    assert stored.website == "https://anadolu.example"
    filled = {name: getattr(stored, name) for name in CONTACT_FIELDS if getattr(stored, name)}
    # The card carries every field but the zone, which the app derives from the country.
    assert set(filled) == set(CONTACT_FIELDS), filled

    # Reload through a new context on the same file, as the next start would.
    again = build_context(str(data_dir))
    try:
        assert again.leads.get_lead(lead.id).contact == stored
    finally:
        again.close()

    run = cli("leads", "list", "--event", "Door Expo", "--format", "json")
    listed = json.loads(run.lines[0])
    assert listed["website"] == "https://anadolu.example"

    out = tmp_path / "leads.csv"
    ctx.exports.export(ExportRequest(event_id, out))
    with out.open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    for name, value in filled.items():
        # A leading "+" is neutralised against spreadsheet formulas ('+90...).
        assert row[CONTACT_LABELS[name]].removeprefix("'") == value, name

    saved = ctx.leads.get_lead(lead.id)
    event = ctx.events.find_event(event_id)
    for crm in ("hubspot", "salesforce", "bottlecrm"):
        fields = FieldMapping.default(crm).values(saved, event)
        sent = set(fields.values())
        # No CRM has a standard time-zone field; ``contact.timezone`` can be mapped by hand.
        missing = {n for n, v in filled.items() if n != "timezone" and v not in sent}
        assert not missing, (crm, missing)


def test_contact_labels_cover_every_contact_field() -> None:
    assert set(CONTACT_LABELS) == set(CONTACT_FIELDS)


def test_new_lead_is_planned_and_queued_in_its_own_transaction(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    assert _queued(ctx, lead_id)
    assert _open_touches(ctx, lead_id), "a new lead gets its follow-up plan at once"
    assert _history(ctx, lead_id) == Counter()  # creation is audited, not a field change


def test_edit_writes_one_entry_per_changed_field_requeues_and_keeps_the_plan(
    ctx: AppContext,
) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    _mark_synced(ctx, lead_id)
    before = {t.id for t in _open_touches(ctx, lead_id)}
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, company="Weber AG")))
    assert _history(ctx, lead_id) == Counter({"company": 1})
    assert _queued(ctx, lead_id)
    # Company is not something the plan depends on: the touches stay as they were.
    assert {t.id for t in _open_touches(ctx, lead_id)} == before


def test_rating_change_replans_and_consent_withdrawn_stops_email(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, rating=Rating.HOT, rating_overridden=True))
    touches = _open_touches(ctx, lead_id)
    assert any(t.template_id == "hot_thank_you" for t in touches)  # type: ignore[attr-defined]
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, consent_given=False))
    history = _history(ctx, lead_id)
    assert history["consent_given_at"] == 1 and history["consent_text"] == 1
    channels = {t.channel.value for t in _open_touches(ctx, lead_id)}  # type: ignore[attr-defined]
    assert channels and "email" not in channels


def test_please_delete_cancels_touches_without_requeueing(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    _mark_synced(ctx, lead_id)
    ctx.leads.set_please_delete(lead_id, True, staff_id="s1")
    assert _history(ctx, lead_id) == Counter({"please_delete": 1})
    assert not _queued(ctx, lead_id)  # a local flag: nothing new for the CRM
    assert not _open_touches(ctx, lead_id)
    cancelled = [t for t in ctx.followups.lead_touches(lead_id) if t.state == TouchState.CANCELLED]
    assert cancelled and all("flagged for deletion" in t.reason for t in cancelled)


def test_unsubscribe_stops_every_touch_and_tells_the_crm(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    _mark_synced(ctx, lead_id)
    ctx.leads.set_unsubscribed(lead_id)
    assert _history(ctx, lead_id) == Counter({"unsubscribed_at": 1})
    assert _queued(ctx, lead_id)
    assert not _open_touches(ctx, lead_id)


def test_reroute_moves_owner_and_open_touches(ctx: AppContext) -> None:
    event_id = _event(ctx)
    cfg = ctx.configs.get(event_id)
    ayse, bob = Rep("ayse", "Ayşe Kaya"), Rep("bob", "Bob Stone")
    ctx.configs.save(
        event_id, replace(cfg, routing=replace(cfg.routing, reps=(ayse,), fallback="ayse"))
    )
    lead_id = _walk_in(ctx, event_id)
    assert ctx.leads.get_lead(lead_id).owner == "ayse"
    assert {t.owner for t in _open_touches(ctx, lead_id)} == {"ayse"}  # type: ignore[attr-defined]
    _mark_synced(ctx, lead_id)
    ctx.configs.save(
        event_id, replace(cfg, routing=replace(cfg.routing, reps=(bob,), fallback="bob"))
    )
    new_owner = "bob"
    changes = ctx.routing.reroute(event_id, staff_id="manager")
    assert [c.new_owner for c in changes] == [new_owner]
    assert _history(ctx, lead_id) == Counter({"owner": 1})
    assert _queued(ctx, lead_id)
    assert {t.owner for t in _open_touches(ctx, lead_id)} == {new_owner}  # type: ignore[attr-defined]


def test_followup_outcome_changes_stage_through_the_door(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    _mark_synced(ctx, lead_id)
    touch = _open_touches(ctx, lead_id)[0]
    result = ctx.followups.record_outcome(touch.id, "not_interested", staff_id="s1")  # type: ignore[attr-defined]
    assert result.new_stage == Stage.NOT_INTERESTED.value
    assert _history(ctx, lead_id) == Counter({"stage": 1})
    assert _queued(ctx, lead_id)
    assert not _open_touches(ctx, lead_id)


def test_many_outcomes_are_one_change_and_all_or_none(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ana = _walk_in(ctx, event_id, email="ana@ruiz.es", first_name="Ana")
    jonas = _walk_in(ctx, event_id)
    heard: list[LeadsChanged] = []
    ctx.changes.subscribe(heard.append)
    first = [_open_touches(ctx, lead)[0] for lead in (ana, jonas)]
    results = ctx.followups.record_outcomes(
        [
            OutcomeRequest(first[0].id, Outcome.NOT_INTERESTED),  # type: ignore[attr-defined]
            OutcomeRequest(first[1].id, Outcome.MEETING_BOOKED),  # type: ignore[attr-defined]
        ]
    )
    assert [r.new_stage for r in results] == [Stage.NOT_INTERESTED.value, Stage.FOLLOW_UP.value]
    assert [c.origin for c in heard] == [ChangeOrigin.OUTCOME]  # one commit for both
    assert set(heard[0].updated) == {ana, jonas}
    assert _history(ctx, ana) == Counter({"stage": 1}) == _history(ctx, jonas)
    assert not _open_touches(ctx, ana) and not _open_touches(ctx, jonas)
    # A touch already closed fails the whole batch: the open one beside it stays open.
    other = _walk_in(ctx, event_id, email="eva@lund.se", first_name="Eva")
    still_open = _open_touches(ctx, other)[0]
    with pytest.raises(ValueError, match="already done"):
        ctx.followups.record_outcomes(
            [
                OutcomeRequest(still_open.id, Outcome.REPLIED),  # type: ignore[attr-defined]
                OutcomeRequest(first[0].id, Outcome.REPLIED),  # type: ignore[attr-defined]
            ]
        )
    assert ctx.followups.get_touch(still_open.id).state is TouchState.PLANNED  # type: ignore[attr-defined]
    assert _history(ctx, other) == Counter()


def test_stages_of_many_leads_in_one_change_stop_their_mail(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ana = _walk_in(ctx, event_id, email="ana@ruiz.es", first_name="Ana")
    jonas = _walk_in(ctx, event_id)
    _mark_synced(ctx, jonas)
    heard: list[LeadsChanged] = []
    ctx.changes.subscribe(heard.append)
    ctx.leads.set_stages({ana: Stage.WON, jonas: Stage.QUOTE_SENT}, staff_id="s1")
    assert [c.origin for c in heard] == [ChangeOrigin.EDIT]
    assert ctx.leads.get_lead(ana).stage is Stage.WON
    assert ctx.leads.get_lead(jonas).stage is Stage.QUOTE_SENT
    assert ctx.leads.history(ana)[0].staff_id == "s1"
    assert not _open_touches(ctx, ana)  # a won lead gets no more mail
    assert _queued(ctx, jonas)  # the CRM hears of the new stage
    with pytest.raises(NotFoundError):
        ctx.leads.set_stages({ana: Stage.NOT_INTERESTED, "no-such-lead": Stage.WON})
    assert ctx.leads.get_lead(ana).stage is Stage.WON  # all or none


def test_touches_of_many_leads_read_as_each_leads_own(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ana = _walk_in(ctx, event_id, email="ana@ruiz.es", first_name="Ana")
    jonas = _walk_in(ctx, event_id)
    both = ctx.followups.touches_of([ana, jonas, "no-such-lead"])  # type: ignore[attr-defined]
    assert both == {
        ana: ctx.followups.lead_touches(ana),
        jonas: ctx.followups.lead_touches(jonas),
        "no-such-lead": [],
    }
    assert both[ana] and [t.due_utc for t in both[ana]] == sorted(t.due_utc for t in both[ana])


def test_crm_pull_won_stops_mail_and_is_not_sent_back(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    _mark_synced(ctx, lead_id)
    remote = RemoteLead(
        remote_id="remote-1",
        owner=None,
        stage=Stage.WON,
        updated_at=None,
        field_times={"stage": datetime.now(UTC)},
        exact_times=True,
    )
    counts = merge_remote(ctx.changes, "bottlecrm", {lead_id: remote}, {})
    assert counts.updated == 1
    assert ctx.leads.get_lead(lead_id).stage is Stage.WON
    assert _history(ctx, lead_id) == Counter({"stage": 1})
    assert ctx.leads.history(lead_id)[0].staff_id == "crm:bottlecrm"
    assert not _queued(ctx, lead_id)  # the CRM told us: nothing to send back
    assert not _open_touches(ctx, lead_id)  # a won lead gets no more mail


def test_merged_lead_is_planned_and_queued(ctx: AppContext, tmp_path: Path) -> None:
    event_id = _event(ctx)
    device = build_context(str(tmp_path / "laptop2"))
    try:
        dev_event = device.events.create_event(NewEvent(name="Door Expo"))
        lead_id = _walk_in(device, dev_event.id, email="ana@ruiz.es", first_name="Ana")
        device_file = Path(device.paths.db_url.removeprefix("sqlite:///"))
        assert device.db_key is not None  # the laptop's own key (issue #18)
        laptop_key = device.db_key.raw
    finally:
        device.close()
    from boothapp.services.device_merge import merge_device_file

    report = merge_device_file(ctx.changes, event_id, device_file, keys=[laptop_key])
    assert report.added == 1
    assert _queued(ctx, lead_id)
    assert _open_touches(ctx, lead_id)


def test_one_broadcast_per_committed_change_and_none_for_a_dry_run(ctx: AppContext) -> None:
    event_id = _event(ctx)
    heard: list[LeadsChanged] = []
    ctx.changes.subscribe(heard.append)
    lead_id = _walk_in(ctx, event_id)
    assert [(c.origin, c.created) for c in heard] == [(ChangeOrigin.WALK_IN, (lead_id,))]
    ctx.routing.reroute(event_id, dry_run=True)
    ctx.leads.set_please_delete(lead_id, True)
    assert [c.origin for c in heard] == [ChangeOrigin.WALK_IN, ChangeOrigin.PLEASE_DELETE]
    assert heard[-1].updated == (lead_id,) and heard[-1].fields == {"please_delete"}


def test_a_listener_that_fails_never_undoes_the_change(ctx: AppContext) -> None:
    event_id = _event(ctx)

    def broken(_change: LeadsChanged) -> None:
        raise RuntimeError("view bug")

    ctx.changes.subscribe(broken)
    lead_id = _walk_in(ctx, event_id)
    assert ctx.leads.get_lead(lead_id).contact.company == "Weber GmbH"


def test_auto_sync_off_marks_an_edited_synced_lead_for_the_next_run(ctx: AppContext) -> None:
    event_id = _event(ctx, auto_sync=False)
    lead_id = _walk_in(ctx, event_id)
    assert ctx.sync.enqueue_event(event_id) == 1
    _mark_synced(ctx, lead_id)
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, notes="asked for a quote"))
    assert ctx.sync.status(event_id).not_queued == 1
    assert ctx.sync.enqueue_event(event_id) == 1


@pytest.mark.parametrize("table", ["LeadChangeRow", "OutboxRow"])
def test_only_the_door_writes_history_and_only_the_outbox_writes_queue_rows(table: str) -> None:
    """History rows are made in services/lead_changes.py only; queue rows in the outbox store
    only (services/outbox_sql.py), reached from the door's enqueuer and the sync run."""
    allowed = {
        "LeadChangeRow": {"boothapp/services/lead_changes.py"},
        "OutboxRow": {"boothapp/services/outbox_sql.py"},
    }[table]
    writers = set()
    for path in sorted((REPO / "boothapp").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == table
            ):
                writers.add(path.relative_to(REPO).as_posix())
    assert writers == allowed


def test_enqueue_is_reached_only_from_the_sync_service() -> None:
    callers = set()
    for path in sorted((REPO / "boothapp").rglob("*.py")):
        if "enqueue_in(" in path.read_text(encoding="utf-8"):
            callers.add(path.relative_to(REPO).as_posix())
    assert callers == {"boothapp/services/outbox_sql.py", "boothapp/services/sync.py"}


def test_history_values_are_json_and_carry_the_device(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _walk_in(ctx, event_id)
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, consent_given=False, staff_id="s9"))
    db_file = ctx.paths.db_url.removeprefix("sqlite:///")
    con = connect_file(db_file)
    try:
        rows = con.execute(
            "SELECT field, old_value, staff_id, device_id FROM lead_changes WHERE lead_id = ?",
            (lead_id,),
        ).fetchall()
    finally:
        con.close()
    consent = next(r for r in rows if r[0] == "consent_given_at")
    assert json.loads(consent[1]).startswith("20")  # an ISO time, not a repr
    assert consent[2] == "s9" and consent[3] == ctx.settings.device_id
    assert LeadChangeRow.__tablename__ == "lead_changes"


def test_please_delete_review_through_the_cli(ctx: AppContext, cli) -> None:  # type: ignore[no-untyped-def]
    event_id = _event(ctx)
    junk = _walk_in(ctx, event_id, first_name="Mickey", last_name="Mouse", email="m@m.com")
    real = _walk_in(ctx, event_id, first_name="Selin", email="selin@kaya.com.tr")
    ctx.leads.set_please_delete(real, True, staff_id="s1")  # ticked by mistake at the booth
    assert ctx.leads.get_lead(junk).please_delete  # the hygiene rule flagged it on save
    listed = cli("leads", "review", "--event", "Door Expo")
    assert "2 leads flagged for deletion" in listed.out
    assert cli("leads", "review", "--event", "Door Expo", junk, "--junk").code == 0
    kept = cli("leads", "review", "--event", "Door Expo", real, "--keep")
    assert kept.code == 0 and "kept and unflagged" in kept.out
    assert ctx.leads.get_lead(junk).stage is Stage.NOT_INTERESTED
    assert ctx.leads.get_lead(junk).please_delete  # the record stays, flagged
    assert _history(ctx, real) == Counter({"please_delete": 2})
    assert _open_touches(ctx, real)  # planned again
    again = cli("leads", "review", "--event", "Door Expo", real, "--keep")
    assert again.code != 0 and "not flagged" in (again.out + again.err)
