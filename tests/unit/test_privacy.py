"""Person export and erase, tombstones, retention and the audit of them (issue 18, finding 9).

Real SQLite file per test; the CRM is configured but never reached here (the delete request
is queued; tests/integration/test_privacy_bottlecrm.py sends it to a real BottleCRM).
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from boothapp.app import AppContext
from boothapp.core.config.dump import to_tree
from boothapp.core.config.loader import load_config
from boothapp.core.models import Attendee, Contact, StaffRole, Stage
from boothapp.core.textfold import fold_email
from boothapp.services.audit import AuditAction
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.services.privacy import ErasureState
from boothapp.store.tables import LeadRow
from boothapp.sync.settings import CrmSettings
from tests.helpers.residue import find_traces

AYSE = "Ayşe.Yılmaz@Örnek.com.tr"
PAYLOAD = "BADGE-7781|Ayşe|Yılmaz|Anadolu Lojistik|ayse.yilmaz@xn--rnek-4qa.com.tr"


def _event(ctx: AppContext, name: str = "Privacy Expo") -> str:
    event = ctx.events.create_event(
        NewEvent(name=name, timezone="Europe/Istanbul", country="TR",
                 starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 3))
    )  # fmt: skip
    ctx.sync.configure(
        event.id,
        CrmSettings("bottlecrm", "http://127.0.0.1:9", auto_sync=True, intake_id="i-1"),
        {"intake_key": "k", "api_token": "t"},
    )
    return event.id


def _lead(ctx: AppContext, event_id: str, email: str, **more: str) -> str:
    first = more.pop("first_name", "Ayşe")
    ayse = first == "Ayşe"
    contact = Contact(first_name=first, last_name="Yılmaz" if ayse else "Weber", email=email,
                      company="Anadolu Lojistik" if ayse else "Weber GmbH",
                      phone="+90 532 123 45 67" if ayse else "+49 30 1234567")  # fmt: skip
    draft = LeadDraft(event_id, contact, consent_given=True, consent_text="Mail me.",
                      notes=more.pop("notes", "wants a quote for Ayşe's team"))  # fmt: skip
    return ctx.leads.save_lead(draft).id


def _att(badge: str, email: str, first: str = "Ayşe") -> Attendee:
    ayse = first == "Ayşe"
    contact = Contact(first_name=first, last_name="Yılmaz" if ayse else "Weber",
                      email=email, company="Anadolu Lojistik" if ayse else "")  # fmt: skip
    return Attendee(id="", event_id="", badge_id=badge, contact=contact)


def _db_file(ctx: AppContext) -> Path:
    return Path(ctx.paths.db_url.removeprefix("sqlite:///"))


def test_email_folding_meets_case_and_idn_forms() -> None:
    assert fold_email(AYSE) == fold_email("ayşe.yılmaz@xn--rnek-4qa.com.tr")
    assert fold_email("STRASSE@Example.DE") == fold_email("straße@example.de")
    assert fold_email("a@b.com") != fold_email("a@c.com")


def test_export_holds_every_record_about_the_person_and_is_audited(ctx: AppContext) -> None:
    event_id = _event(ctx)
    lead_id = _lead(ctx, event_id, "AYŞE.Yılmaz@xn--rnek-4qa.com.tr")
    other = _lead(ctx, event_id, "jonas@weber.de", first_name="Jonas")
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    ctx.leads.save_lead(replace(draft, notes="second visit"))
    data = ctx.privacy.export_person(AYSE, staff_id="m1")
    json.dumps(data)  # JSON as it is
    assert [lead["id"] for lead in data["leads"]] == [lead_id]
    lead = data["leads"][0]
    assert lead["consent"]["text"] == "Mail me." and lead["consent"]["given_at"]
    assert lead["followups"], "planned follow-ups are part of what is held"
    assert lead["crm_queue"] and lead["audit"]
    assert other not in json.dumps(data)
    entry = [e for e in ctx.audit.entries() if e.action is AuditAction.PERSON_EXPORT][-1]
    assert entry.staff_id == "m1" and entry.detail["leads"] == 1
    assert "ayse" not in json.dumps(entry.detail).casefold()  # the log names no one


def test_erase_leaves_no_trace_and_a_reimport_does_not_revive(ctx: AppContext) -> None:
    event_id = _event(ctx)
    ctx.attendees.import_attendees(
        event_id,
        [
            _att("BADGE-7781", "AYŞE.Yılmaz@örnek.com.tr"),
            _att("BADGE-1", "jonas@weber.de", "Jonas"),
        ],
    )
    scanned, _ = ctx.leads.capture_scan(event_id, "BADGE-7781", symbology="QRCode")
    photo = ctx.paths.photos_dir / "badge-7781.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8 a badge photo")
    # An unfinished visitor, no lead: the badge scanned again, with its photo.
    ctx.leads.record_scan(event_id, "BADGE-7781 again", image_path=str(photo))
    keep = _lead(ctx, event_id, "jonas@weber.de", first_name="Jonas", notes="keep me")
    with ctx.db.session() as s:  # as a finished sync run leaves it
        row = s.get(LeadRow, scanned.id)
        assert row is not None
        row.crm_ids, row.sync_state = {"bottlecrm": "remote-42"}, "synced"

    summary = ctx.privacy.erase_person(AYSE, staff_id="m1")
    assert summary.leads == 1 and summary.attendees == 1 and summary.scans >= 2
    assert summary.crm_requests == ("bottlecrm",)
    assert summary.images == 1 and not photo.exists()

    needles = ["Yılmaz", "Yilmaz", "örnek", "xn--rnek", "BADGE-7781", "Anadolu", "+90 532"]
    traces = find_traces(_db_file(ctx), needles)
    assert not traces, "\n".join(map(str, traces))
    assert ctx.leads.get_lead(keep).notes == "keep me"  # nobody else touched
    assert [e.state for e in ctx.privacy.crm_erasures()] == [ErasureState.PENDING]
    erase = [e for e in ctx.audit.entries() if e.action is AuditAction.ERASE][-1]
    assert erase.staff_id == "m1" and erase.detail["leads"] == 1

    again = ctx.attendees.import_attendees(
        event_id, [_att("BADGE-7781", "ayşe.yılmaz@ÖRNEK.com.tr")]
    )
    assert again.erased_skipped == 1 and ctx.attendees.find(event_id, "BADGE-7781") is None
    assert not find_traces(_db_file(ctx), ["Yılmaz"])
    assert ctx.privacy.erase_person(AYSE).already_erased


def test_erase_refuses_what_is_not_an_address(ctx: AppContext) -> None:
    with pytest.raises(ValidationError, match="not an e-mail address"):
        ctx.privacy.erase_person("nobody")


def test_retention_erases_old_leads_neither_synced_nor_won(ctx: AppContext) -> None:
    event_id = _event(ctx)
    cfg = to_tree(ctx.configs.get(event_id))
    cfg["privacy"] = {"retain_days": 30}
    ctx.configs.save(event_id, load_config(json.dumps(cfg), "cfg.json"))
    old, synced, won, fresh = (
        _lead(ctx, event_id, f"{n}@x.com", first_name=n) for n in ("old", "sync", "won", "new")
    )
    long_ago = datetime.now(UTC) - timedelta(days=45)
    with ctx.db.session() as s:
        for lead_id in (old, synced, won):
            row = s.get(LeadRow, lead_id)
            assert row is not None
            row.created_at = long_ago
        s.get(LeadRow, synced).crm_ids = {"bottlecrm": "r-1"}  # type: ignore[union-attr]
        s.get(LeadRow, won).stage = Stage.WON.value  # type: ignore[union-attr]
    due = ctx.privacy.retain(dry_run=True)
    assert [d.lead_id for d in due] == [old]
    assert ctx.leads.get_lead(old)  # a dry run changes nothing
    ctx.privacy.retain(staff_id="m1")
    remaining = {lead.id for lead in ctx.leads.list_leads(event_id)}
    assert remaining == {synced, won, fresh}
    entry = [e for e in ctx.audit.entries() if e.action is AuditAction.RETENTION][-1]
    assert entry.detail == {"erased": 1}


# -- the command line: roles, person verbs, audit --------------------------------------------


def _staffed(ctx: AppContext) -> str:
    event_id = _event(ctx)
    ctx.staff.add_staff(event_id, "Deniz", "4321", role=StaffRole.MANAGER)
    ctx.staff.add_staff(event_id, "Ali", "1234")
    return event_id


def test_manager_verbs_refuse_staff_in_one_line(ctx: AppContext, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    event_id = _staffed(ctx)
    _lead(ctx, event_id, AYSE)
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    run = cli("--as", "Ali", "person", "erase", AYSE, "--yes")
    assert run.code != 0
    assert run.err.strip().splitlines() == [
        "boothapp: error: person erase is a manager action; Ali is staff"
    ]
    assert ctx.leads.list_leads(event_id)  # nothing erased
    monkeypatch.setattr("sys.stdin", io.StringIO("0000\n"))
    wrong = cli("--as", "Deniz", "person", "export", AYSE)
    assert wrong.code != 0 and "wrong PIN for Deniz" in wrong.err
    refused = [e for e in ctx.audit.entries() if e.action is AuditAction.REFUSED]
    assert refused and refused[0].detail["action"] == "person erase"


def test_refusals_in_the_readers_language(ctx: AppContext, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: a refused verb says why in Persian / Turkish, names kept as written."""
    event_id = _staffed(ctx)
    _lead(ctx, event_id, AYSE)
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    run = cli("--lang", "fa", "--as", "Ali", "person", "erase", AYSE, "--yes")
    assert run.err.strip().splitlines() == [
        "boothapp: خطا: person erase کار مدیر است؛ Ali کارکن غرفه است"
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("0000\n"))
    wrong = cli("--lang", "tr", "--as", "Deniz", "person", "export", AYSE)
    assert wrong.code != 0 and wrong.err.strip().endswith("Deniz için PIN yanlış")
    assert "wrong" not in wrong.err and "PIN for" not in wrong.err


def test_manager_erases_by_cli_and_audit_list_shows_who(ctx: AppContext, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    event_id = _staffed(ctx)
    _lead(ctx, event_id, AYSE)
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    exported = cli("--as", "Deniz", "person", "export", AYSE)
    assert exported.code == 0 and json.loads(exported.out)["leads"][0]["last_name"] == "Yılmaz"
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    erased = cli("--as", "Deniz", "person", "erase", "ayşe.yılmaz@ÖRNEK.COM.TR", "--yes")
    assert erased.code == 0 and "erased: 1 lead," in erased.out
    assert not ctx.leads.list_leads(event_id)
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    listed = cli("--as", "Deniz", "audit", "list", "--action", "erase", "--action", "person_export")
    lines = listed.lines
    assert len(lines) == 2 and "Personal data export" in lines[0] and "Deniz" in lines[0]
    assert "Erased" in lines[1] and "Yılmaz" not in listed.out
    # Issue 21: the text list in the reader's words (--action and the JSON keep the ids).
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    farsi = cli("--lang", "fa", "--as", "Deniz", "audit", "list", "--action", "person_export")
    assert "خروجی داده‌های شخصی" in farsi.out and "person_export" not in farsi.out


def test_os_user_mapping_turns_the_gate_on(ctx: AppContext, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    event_id = _staffed(ctx)
    monkeypatch.setattr("getpass.getuser", lambda: "booth-cron")
    assert cli("audit", "list").code == 0  # no roles set up on this laptop yet: open
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    mapped = cli("--as", "Deniz", "staff", "map-os-user", "--event", "Privacy Expo", "Ali",
                 "--os-user", "ali-laptop")  # fmt: skip
    assert mapped.code == 0 and "ali-laptop now acts as Ali" in mapped.out
    closed = cli("audit", "list")  # booth-cron is nobody now
    assert closed.code != 0 and "manager action" in closed.err and "booth-cron" in closed.err
    monkeypatch.setattr("getpass.getuser", lambda: "ali-laptop")
    ali = cli("person", "retain", "--dry-run")
    assert ali.code != 0 and "Ali is staff" in ali.err
    listed = cli("staff", "list", "--event", "Privacy Expo")
    assert "Ali" in listed.out and "ali-laptop" in listed.out and "Manager" in listed.out
    assert event_id


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "between 1 and 3650, got 0"), ('"soon"', "must be an integer")],
)
def test_retain_days_is_checked_with_its_field(value: str, message: str) -> None:
    from boothapp.core.config.defaults import default_config
    from boothapp.core.config.errors import ConfigError

    tree = to_tree(default_config())
    text = json.dumps(tree)[:-1] + f', "privacy": {{"retain_days": {value}}}}}'
    with pytest.raises(ConfigError) as err:
        load_config(text, "cfg.json")
    problems = [str(p) for p in err.value.problems]
    assert any("privacy.retain_days" in p and message in p for p in problems), problems
    kept = load_config(json.dumps({**tree, "privacy": {"retain_days": 180}}), "cfg.json")
    assert kept.privacy.retain_days == 180
    assert to_tree(kept)["privacy"] == {"retain_days": 180}


# -- an erased person does not come back from another laptop or the hub ----------------------


def test_device_merge_and_hub_pull_do_not_revive_an_erased_person(
    ctx: AppContext, tmp_path: Path
) -> None:
    from boothapp.app import build_context
    from boothapp.services.device_merge import merge_device_file
    from boothapp.services.hub_apply import Applied, apply_change
    from boothapp.services.lead_changes import CREATED, ChangeOrigin, RemoteChange

    event_id = _event(ctx)
    _lead(ctx, event_id, AYSE)
    laptop = build_context(str(tmp_path / "laptop2"))
    try:  # the other laptop captured her too, before the erase
        other_event = laptop.events.create_event(NewEvent(name="Privacy Expo"))
        theirs = _lead(laptop, other_event.id, "ayşe.yılmaz@örnek.com.tr")
        jonas = _lead(laptop, other_event.id, "jonas@weber.de", first_name="Jonas")
        laptop_file = Path(laptop.paths.db_url.removeprefix("sqlite:///"))
        laptop_key = laptop.db_key.raw if laptop.db_key else b""  # its recovery key, issue 18
    finally:
        laptop.close()
    ctx.privacy.erase_person(AYSE)

    report = merge_device_file(ctx.changes, event_id, laptop_file, keys=[laptop_key])
    assert report.added == 1  # Jonas only
    assert {lead.id for lead in ctx.leads.list_leads(event_id)} == {jonas}
    assert theirs not in {lead.id for lead in ctx.leads.list_leads(event_id)}

    snapshot = {"first_name": "Ayşe", "last_name": "Yılmaz", "email": "AYŞE.yılmaz@örnek.com.tr"}
    stamp = f"{int(datetime.now(UTC).timestamp() * 1000):015d}-000000-laptop3"
    rc = RemoteChange("laptop3", 1, stamp, event_id, "lead-x", CREATED,
                      snapshot, None, "", "", "", None, datetime.now(UTC))  # fmt: skip
    with ctx.changes.transaction(ChangeOrigin.HUB) as tx:
        assert apply_change(tx, rc) is Applied.ERASED
    assert {lead.id for lead in ctx.leads.list_leads(event_id)} == {jonas}
    assert not find_traces(_db_file(ctx), ["Yılmaz"])


def test_an_erase_reaches_the_other_devices_through_the_change_log(
    ctx: AppContext, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from boothapp.app import build_context
    from boothapp.services.hub_apply import Applied, apply_change
    from boothapp.services.lead_changes import ChangeOrigin, RemoteChange
    from boothapp.store.tables import ChangeLogRow

    def own_log(device: AppContext, after: int = 0) -> list[ChangeLogRow]:
        with device.db.read() as s:
            rows = list(s.scalars(
                select(ChangeLogRow).where(
                    ChangeLogRow.device_id == device.settings.device_id,
                    ChangeLogRow.device_seq > after,
                ).order_by(ChangeLogRow.device_seq)
            ))  # fmt: skip
            s.expunge_all()
            return rows

    def apply(target: AppContext, event_id: str, rows: list[ChangeLogRow]) -> list[Applied]:
        found = []
        with target.changes.transaction(ChangeOrigin.HUB, "hub") as tx:
            for e in rows:
                rc = RemoteChange(
                    e.device_id, e.device_seq, e.hlc, event_id, e.lead_id, e.field, e.value,
                    e.old_value, e.staff_id, e.staff_name, "", e.change_id, e.at,
                )  # fmt: skip
                found.append(apply_change(tx, rc))
        return found

    event_id = _event(ctx)
    lead_id = _lead(ctx, event_id, AYSE)
    other = build_context(str(tmp_path / "laptop2"))
    try:
        their_event = other.events.create_event(NewEvent(name="Privacy Expo")).id
        shipped = own_log(ctx)
        apply(other, their_event, shipped)
        assert other.leads.get_lead(lead_id).contact.last_name == "Yılmaz"
        ctx.privacy.erase_person(AYSE)
        news = own_log(ctx, after=shipped[-1].device_seq)
        assert [e.field for e in news] == ["-"] and news[0].value is None
        assert apply(other, their_event, news) == [Applied.ERASED]
        assert other.leads.list_leads(their_event) == []
        assert not find_traces(_db_file(other), ["Yılmaz", "Anadolu"])
        assert [e.field for e in own_log(other)] == []  # applied, not re-broadcast
    finally:
        other.close()


def test_event_import_by_a_manager_is_audited_with_who_and_what(
    ctx: AppContext, cli, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    event_id = _staffed(ctx)
    tree = to_tree(ctx.configs.get(event_id))
    tree["privacy"] = {"retain_days": 120}
    conf = tmp_path / "event.json"
    conf.write_text(json.dumps(tree), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    refused = cli("--as", "Ali", "event", "import", str(conf), "--event", "Privacy Expo")
    assert refused.code != 0 and "event import is a manager action" in refused.err
    assert ctx.configs.get(event_id).privacy.retain_days is None
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    done = cli("--as", "Deniz", "event", "import", str(conf), "--event", "Privacy Expo")
    assert done.code == 0, done.err
    assert ctx.configs.get(event_id).privacy.retain_days == 120
    deniz = next(s for s in ctx.staff.list_staff(event_id) if s.name == "Deniz")
    change = [e for e in ctx.audit.entries(event_id) if e.action is AuditAction.SETTINGS_CHANGED]
    assert change[-1].staff_id == deniz.id and change[-1].detail["sections"] == ["privacy"]


def test_database_key_verbs_are_for_managers(ctx: AppContext, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The recovery key and a decrypted copy hand over every lead (issue 18)."""
    _staffed(ctx)
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    shown = cli("--as", "Ali", "db", "recovery-key")
    assert shown.code != 0 and "db recovery-key is a manager action; Ali is staff" in shown.err
    assert shown.out == ""  # not a character of the key
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    plain = cli("--as", "Ali", "db", "decrypt")
    assert plain.code != 0 and "db decrypt is a manager action" in plain.err
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    ok = cli("--as", "Deniz", "db", "recovery-key")
    assert ok.code == 0, ok.err
    assert ok.out.strip() == ctx.db_key.recovery_text  # type: ignore[union-attr]
