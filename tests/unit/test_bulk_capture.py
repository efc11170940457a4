"""Issue #23: leads captured in bulk (the demo build, `add_captured`) end up exactly as leads
captured one by one through the lead door: the same rows in every table the door and the
scanner write (lead, search index, history, change log, field clocks, scan, audit, routing,
follow-ups with their rendered subjects, CRM outbox), modulo ids and timestamps.

Two real (encrypted) SQLite files, one per path, with the same event, config and clock.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from boothapp.app import AppContext, build_context
from boothapp.core.followups import timing
from boothapp.core.models import LeadSource
from boothapp.demo.build import DEMO_STAFF, _random_answers, demo_config
from boothapp.demo.people import Draws, make_people, vcard_payload
from boothapp.services import bulk_worker
from boothapp.services.events import NewEvent
from boothapp.services.lead_changes import CAPTURED, CREATED, ChangeOrigin
from boothapp.services.lead_queries import LeadQuery
from boothapp.services.leads import CapturedLead, LeadDraft
from boothapp.store.search_schema import INSERT_TRIGGER, SEARCH_VALUES
from boothapp.sync.settings import CrmSettings

NOW = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)
LEADS = 12
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Per-row identity and clock values: equal only in meaning, compared through the id map.
_DROPPED = {
    "id",
    "created_at",
    "updated_at",
    "hlc",
    "at",
    "change_id",
    "item_id",
    "next_attempt_at",
}
_TABLES = ("leads", "lead_changes", "change_log", "field_clocks", "scans", "audit_log",
           "followups", "outbox")  # fmt: skip


def _setup(data_dir: Path) -> tuple[AppContext, str]:
    ctx = build_context(str(data_dir))
    ctx.changes.clock = lambda: NOW
    event = ctx.events.create_event(
        NewEvent(
            name="Bulk Expo", timezone="Europe/Istanbul", country="TR",
            starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 3),
        )
    )  # fmt: skip
    cfg = demo_config(ctx.configs.get(event.id))
    # One mail per slot: leads of one zone share their first slot, so touches move.
    followups = {**cfg.followups, "spreading": {"max_sends_per_slot": 1}}
    ctx.configs.save(event.id, replace(cfg, followups=followups))
    for name, pin in DEMO_STAFF:
        ctx.staff.add_staff(event.id, name, pin)
    ctx.sync.configure(
        event.id,
        CrmSettings("bottlecrm", "http://127.0.0.1:9", auto_sync=True, intake_id="i-1"),
        {"intake_key": "k"},
    )
    return ctx, event.id


def _drafts(ctx: AppContext, event_id: str) -> list[LeadDraft]:
    draw = Draws(5)
    cfg = ctx.configs.get(event_id)
    staff = ctx.staff.list_staff(event_id)
    people = make_people(LEADS, 3)
    drafts = []
    for i, person in enumerate(people):
        consent = i % 4 != 3
        contact = person.contact
        if i == 5:
            contact = replace(contact, first_name="Mickey", last_name="Mouse")  # junk: flagged
        if i == 7:
            contact = replace(contact, email="")  # no mail: calls and letters
        drafts.append(
            LeadDraft(
                event_id=event_id,
                contact=contact,
                source=LeadSource.BADGE_SCAN,
                badge_key=f"id:{900 + i}",
                badge_id=str(900 + i),
                raw_payload=vcard_payload(person),
                answers=_random_answers(draw, cfg),
                notes=("", "wants a demo", "budget in Q3")[i % 3],
                consent_given=consent,
                consent_text=cfg.consent_text if consent else "",
                staff_id=staff[i % len(staff)].id,
            )
        )
    return drafts


def _dump(ctx: AppContext, event_id: str, drafts: list[LeadDraft]) -> dict[str, Any]:
    """Every row the captures wrote, ids replaced by names that mean the same on both sides."""
    with ctx.db.read() as s:
        names = {event_id: "<event>"}
        for staff_id, name in s.execute(text("SELECT id, name FROM staff")):
            names[staff_id] = f"<staff {name}>"
        for i, d in enumerate(drafts):
            lead_id = s.execute(
                text("SELECT id FROM leads WHERE badge_key = :k"), {"k": d.badge_key}
            ).scalar_one()
            names[lead_id] = f"<lead {i}>"

        device = ctx.changes.device_id

        def norm(value: Any) -> Any:
            if isinstance(value, str):
                value = _UUID.sub(lambda m: names.get(m.group(0), "<other id>"), value)
                return value.replace(device, "<device>") if device else value
            return value

        out: dict[str, Any] = {}
        for table in _TABLES:
            result = s.execute(text(f"SELECT * FROM {table}"))
            keys = list(result.keys())
            rows = [
                json.dumps(
                    {k: norm(v) for k, v in zip(keys, row, strict=True) if k not in _DROPPED},
                    sort_keys=True,
                    default=str,
                )
                for row in result
            ]
            if table == "audit_log":  # the event's own set-up (staff, CRM) is not a capture
                rows = [r for r in rows if "<lead" in r]
            out[table] = sorted(rows)
        out["lead_search"] = sorted(
            json.dumps([norm(v) for v in row])
            for row in s.execute(
                text(
                    "SELECT l.id, f.name, f.company, f.email, f.notes FROM lead_search f "
                    "JOIN leads l ON l.rowid = f.rowid"
                )
            )
        )
        out["routing_state"] = [
            norm(json.dumps(json.loads(v), sort_keys=True) if isinstance(v, str) else v)
            for v in s.execute(text("SELECT last_assigned FROM routing_state")).scalars()
        ]
    return out


def _differences(got: list[str], want: list[str]) -> list[str]:
    """Which columns differ, row by row (both sides sorted the same way)."""
    if len(got) != len(want):
        return [f"{len(got)} rows, one by one wrote {len(want)}"]
    out = []
    for g, w in zip(got, want, strict=True):
        gd, wd = json.loads(g), json.loads(w)
        if isinstance(gd, dict) and isinstance(wd, dict):
            out += [f"{k}: {gd.get(k)!r} != {wd.get(k)!r}" for k in wd if gd.get(k) != wd.get(k)]
        elif gd != wd:
            out.append(f"{gd!r} != {wd!r}")
    return out


def _first_slot() -> None:
    """Every touch in the first slot of its morning (see below), in a worker process too."""
    timing.spread_fraction = lambda key: 0.0


# ``parallel``: the later chunks evaluated, and every chunk's follow-ups planned and rendered,
# in a worker process (a big demo build); "started": that worker started by the caller first.
@pytest.mark.parametrize("parallel", [False, True, "started"])
def test_bulk_captured_leads_equal_leads_captured_one_by_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    parallel: bool | str,
) -> None:
    # Touches spread over the morning by a hash of the lead's id, which differs between the
    # two files: all in the first slot instead, so the slot limit decides (in capture order).
    monkeypatch.setattr(timing, "spread_fraction", lambda key: 0.0)
    monkeypatch.setattr(bulk_worker, "WORKER_SETUP", _first_slot)
    one, event_one = _setup(tmp_path / "one")
    bulk, event_bulk = _setup(tmp_path / "bulk")
    try:
        # One by one, as the live scanner does: the scan kept, then the lead saved with it.
        drafts_one = _drafts(one, event_one)
        for d in drafts_one:
            scan = one.leads.record_scan(event_one, d.raw_payload, staff_id=d.staff_id)
            one.leads.save_lead(d, scan_id=scan.scan.id)
        with bulk_worker.bulk_worker(parallel == "started") as worker:
            worker.start()
            drafts_bulk = _drafts(bulk, event_bulk)
            added = bulk.leads.add_captured(
                event_bulk, [CapturedLead(d, NOW) for d in drafts_bulk], chunk=5,
                parallel=parallel is True, worker=worker if parallel == "started" else None,
            )  # fmt: skip
        assert added == LEADS
        assert "worker failed" not in caplog.text  # the worker's own rows, not this process's
        a, b = _dump(one, event_one, drafts_one), _dump(bulk, event_bulk, drafts_bulk)
        assert a["followups"] and a["outbox"] and a["change_log"] and a["field_clocks"]
        assert any("moved" in r for r in a["followups"])  # the slot limit was reached
        assert any('"please_delete": 1' in r for r in a["leads"])  # the junk lead is flagged
        for table in a:
            assert _differences(b[table], a[table]) == [], table
    finally:
        one.close()
        bulk.close()


def test_bulk_capture_keeps_each_capture_time(tmp_path: Path) -> None:
    ctx, event_id = _setup(tmp_path / "d")
    try:
        drafts = _drafts(ctx, event_id)[:3]
        times = [NOW - timedelta(hours=h) for h in (30, 5, 1)]
        ctx.leads.add_captured(
            event_id, [CapturedLead(d, t) for d, t in zip(drafts, times, strict=True)]
        )
        by_badge = {lead.badge_id: lead.created_at for lead in ctx.leads.list_leads(event_id)}
        assert [by_badge[d.badge_id] for d in drafts] == times
    finally:
        ctx.close()


def test_a_capture_keeps_one_clock_row_that_stands_for_each_captured_value(
    tmp_path: Path,
) -> None:
    """Issue 23: a lead captured here keeps one field clock row (``CAPTURED``), not one per
    captured value; the merge rule reads it as those rows read (a non-empty captured value
    at the creation stamp, an empty one never written), and a later write has its own row."""
    ctx, event_id = _setup(tmp_path / "d")
    ctx.changes.clock = lambda: datetime.now(UTC)  # stamps that rise from capture to edit
    try:
        drafts = _drafts(ctx, event_id)[6:8]  # the second one has no e-mail
        ctx.leads.add_captured(event_id, [CapturedLead(d, NOW) for d in drafts])
        leads = {lead.badge_id: lead for lead in ctx.leads.list_leads(event_id)}
        first, no_mail = (leads[d.badge_id] for d in drafts)
        with ctx.db.read() as s:
            rows = s.execute(text("SELECT field FROM field_clocks")).scalars().all()
        assert rows == [CAPTURED, CAPTURED]
        with ctx.changes.transaction(ChangeOrigin.EDIT) as tx:
            created = tx.clock_of(no_mail.id, CREATED)
            assert created
            row = tx.lead(no_mail.id)
            assert row is not None and row.email == "" and row.company
            assert tx.clock_of(no_mail.id, "email") == ""  # never written: any write wins
            assert tx.clock_of(no_mail.id, "company") == created
            tx.set_clock(no_mail.id, "company", "0")  # an older stamp never moves it back
            assert tx.clock_of(no_mail.id, "company") == created
            tx.discard()
        draft = ctx.leads.draft_of(first)
        ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, company="Renamed")))
        with ctx.changes.transaction(ChangeOrigin.EDIT) as tx:
            created = tx.clock_of(first.id, CREATED)
            assert tx.clock_of(first.id, "company") > created  # the edit's own stamp
            assert tx.clock_of(first.id, "last_name") == created
            tx.discard()
    finally:
        ctx.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_a_broken_followup_section_costs_no_bulk_captured_lead(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, parallel: bool
) -> None:
    # The door's promise for one lead holds for a chunk planned ahead (in the worker too):
    # the leads, their history and CRM queue are saved; no touch is planned; the log says why.
    ctx, event_id = _setup(tmp_path / "d")
    try:
        cfg = ctx.configs.get(event_id)
        broken = {**cfg.followups, "spreading": {"max_sends_per_slot": "x"}}
        ctx.configs.save(event_id, replace(cfg, followups=broken))
        drafts = _drafts(ctx, event_id)
        added = ctx.leads.add_captured(
            event_id, [CapturedLead(d, NOW) for d in drafts], chunk=5, parallel=parallel
        )
        assert added == len(ctx.leads.list_leads(event_id)) == LEADS
        assert ctx.followups.touches(event_id) == []
        assert "follow-ups not planned" in caplog.text
        assert "max_sends_per_slot" in caplog.text
        with ctx.db.read() as s:
            logged = s.execute(text("SELECT count(*) FROM change_log")).scalar_one()
        assert logged >= LEADS  # each capture logged for the event hub
    finally:
        ctx.close()


def test_the_leads_search_finds_bulk_leads_and_later_saves(tmp_path: Path) -> None:
    # Issue 23: a chunk's leads join the search index in one statement at its end, with the
    # per-row trigger dropped meanwhile; it must be back for the next lead saved.
    ctx, event_id = _setup(tmp_path / "d")
    try:
        drafts = _drafts(ctx, event_id)
        ctx.leads.add_captured(event_id, [CapturedLead(d, NOW) for d in drafts[:8]], chunk=3)
        later = replace(drafts[8], contact=replace(drafts[8].contact, company="Zyxwv Robotik"))
        ctx.leads.save_lead(later)

        def found(words: str) -> list[str]:
            query = LeadQuery(event_id, text=words)
            return [r.email for r in ctx.queries.page(query, 0, 50)]

        first = drafts[0].contact
        assert found(f"{first.first_name} {first.last_name}") == [first.email]
        assert found(drafts[6].contact.email) == [drafts[6].contact.email]
        assert found("zyxwv") == [later.contact.email]
        assert ctx.queries.count(LeadQuery(event_id, text="budget in q3")) == len(
            [d for d in drafts[:9] if d.notes == "budget in Q3"]
        )
        with ctx.db.read() as s:
            trigger = s.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": INSERT_TRIGGER}
            ).scalar_one()
        # The catch-up indexes what the trigger does (one rule, two spellings of it).
        from_new = SEARCH_VALUES.replace("fold(", "fold(new.").replace("|| last", "|| new.last")
        assert f"VALUES (new.rowid, {from_new})" in trigger
    finally:
        ctx.close()


def test_a_chunk_asks_no_touches_of_the_leads_it_inserted(tmp_path: Path) -> None:
    # Issue 23: new leads have new ids, so none has a touch yet; planning a chunk reads
    # no follow-up rows for them (it asked 500 ids at a time, 100 reads at 50k leads).
    seen = _statements_of_a_capture(tmp_path)
    reads = [st for st, _ in seen if st.lstrip().startswith("SELECT") and "FROM followups" in st]
    assert not [st for st in reads if "followups.lead_id IN" in st], reads


def test_a_bulk_capture_counts_each_slot_of_the_database_once(tmp_path: Path) -> None:
    # Issue 23: each chunk's capacity pass counted its slots' open emails again, walking the
    # due index over every earlier chunk's touches; the capture keeps the counts instead
    # (``SlotBook``), and the slots come out as one by one (the test above).
    asked = [
        p  # the due times asked (the channel and the states are the other parameters)
        for statement, params in _statements_of_a_capture(tmp_path)
        if "FROM followups" in statement and "GROUP BY followups.due_at" in statement
        for p in params
        if re.fullmatch(r"\d{4}-\d\d-\d\d .*", str(p))
    ]
    assert asked and len(asked) == len(set(asked)), sorted(asked)


def _statements_of_a_capture(tmp_path: Path) -> list[tuple[str, Any]]:
    """The statements (and their parameters) a bulk capture of ``_drafts`` in chunks of 5
    sends; every lead planned."""
    ctx, event_id = _setup(tmp_path / "d")
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, *_rest: Any) -> None:
        seen.append((statement, params))

    try:
        drafts = _drafts(ctx, event_id)
        event.listen(ctx.db.engine, "before_cursor_execute", capture)
        try:
            ctx.leads.add_captured(event_id, [CapturedLead(d, NOW) for d in drafts], chunk=5)
        finally:
            event.remove(ctx.db.engine, "before_cursor_execute", capture)
        assert len(ctx.followups.touches(event_id)) > LEADS  # and every lead was planned
    finally:
        ctx.close()
    return seen
