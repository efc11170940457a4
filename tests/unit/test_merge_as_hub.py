"""``boothapp merge`` applies the other laptop's file with the event hub's rule (issue 19): two
real SQLite device files whose wall clocks disagree by minutes end the same whether one pulls
the other's changes as the hub delivers them or merges the other's file after the show: the
same lead ids, the same field values, the same aliases; an erased person is not revived."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services.device_merge import merge_device_file
from boothapp.services.events import NewEvent
from boothapp.services.hub_apply import apply_change
from boothapp.services.lead_changes import LEAD_COLUMNS, ChangeOrigin, RemoteChange
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import ChangeLogRow, LeadAliasRow, LeadRow, StaffRow

EVENT = "Merge Rule Expo"
# Compared field by field; staff ids are the one thing a merge maps (to this file's staff of
# the same name), so they are compared by name below.
FIELDS = tuple(c for c in LEAD_COLUMNS if c != "staff_id")


def _device(root: Path, staff: str, skew: timedelta) -> AppContext:
    root.mkdir(parents=True, exist_ok=True)
    ctx = build_context(str(root))
    event = ctx.events.create_event(
        NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
    )
    ctx.staff.add_staff(event.id, staff, "1234")
    ctx.changes.clock = lambda: datetime.now(UTC) + skew  # laptops' clocks disagree
    return ctx


def _event(ctx: AppContext) -> str:
    return ctx.events.find_event(EVENT).id


def _staff(ctx: AppContext) -> str:
    return ctx.staff.list_staff(_event(ctx))[0].id


def _capture(ctx: AppContext, contact: Contact, badge: str | None = None, notes: str = "") -> str:
    draft = LeadDraft(
        _event(ctx), contact, badge_key=badge, badge_id=badge or "", notes=notes,
        staff_id=_staff(ctx),
    )  # fmt: skip
    return ctx.leads.save_lead(draft).id


def _edit(ctx: AppContext, lead_id: str, **values: str) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    contact = {k: v for k, v in values.items() if k in draft.contact.__dataclass_fields__}
    rest = {k: v for k, v in values.items() if k not in contact}
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, **contact), **rest))


def _own_log(ctx: AppContext) -> list[RemoteChange]:
    """The device's changes as the hub hands them to another device (its own order)."""
    with ctx.db.read() as s:
        rows = s.scalars(
            select(ChangeLogRow)
            .where(ChangeLogRow.device_id == ctx.settings.device_id)
            .order_by(ChangeLogRow.device_seq)
        ).all()
        return [
            RemoteChange(
                r.device_id,
                r.device_seq,
                r.hlc,
                "",
                r.lead_id,
                r.field,
                r.value,
                r.old_value,
                r.staff_id,
                r.staff_name,
                "laptop B",
                r.change_id,
                r.at,
            )
            for r in rows
        ]


def _pull(ctx: AppContext, changes: list[RemoteChange]) -> None:
    """What ``HubService`` does with a pulled batch (the same door, origin and rule)."""
    event_id = _event(ctx)
    with ctx.changes.transaction(ChangeOrigin.HUB, "hub", immediate=True) as tx:
        for rc in changes:
            apply_change(tx, replace(rc, event_id=event_id))


def _state(ctx: AppContext) -> tuple[dict[str, tuple[object, ...]], dict[str, str]]:
    with ctx.db.read() as s:
        leads = {r.id: tuple(getattr(r, f) for f in FIELDS) for r in s.scalars(select(LeadRow))}
        aliases = {a.alias_id: a.lead_id for a in s.scalars(select(LeadAliasRow))}
    return leads, aliases


def _staff_names(ctx: AppContext) -> dict[str, str]:
    """Lead id -> the name of who captured it (this device's staff, else the change log's)."""
    with ctx.db.read() as s:
        names: dict[str, str] = {sid: name for sid, name in s.execute(
            select(StaffRow.id, StaffRow.name)
        )}  # fmt: skip
        names.update(
            (sid, name)
            for sid, name in s.execute(select(ChangeLogRow.staff_id, ChangeLogRow.staff_name))
            if sid not in names and name
        )
        return {r.id: names.get(r.staff_id, "?") for r in s.scalars(select(LeadRow))}


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """Laptop A (clock 3 min slow) and laptop B (10 min fast) after a day offline; returns A's
    folder, a copy of it (the manager's copy, to merge into) and B's database file."""
    a = _device(tmp_path / "a", "Deniz", timedelta(minutes=-3))
    b = _device(tmp_path / "b", "Maria", timedelta(minutes=10))
    try:
        # The same badge on both; each edits it, the same field (notes) and different ones.
        ada_a = _capture(a, Contact(first_name="Ada", email="ada@x.io"), "B-100", "demo")
        ada_b = _capture(b, Contact(first_name="Ada", phone="+44 20 7946 0000"), "B-100")
        _edit(b, ada_b, notes="B: pricing", company="Analytical Engines")
        _edit(a, ada_a, notes="A: wants a demo in March", title="CTO")  # later, slower clock
        # The same walk-in typed on both (e-mail, no badge).
        ana = Contact(first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
        _capture(a, ana)
        _capture(b, replace(ana, email="ANA@ruiz.es", company="Ruiz SL"), notes="call Monday")
        # One device's own visitors.
        _capture(a, Contact(first_name="Bob", email="bob@x.io"), "B-200")
        _capture(b, Contact(first_name="Cem", email="cem@x.io"), "B-300")
        # Jonas was captured on both; A erased him (he asked, GDPR) before the merge.
        _capture(a, Contact(first_name="Jonas", email="jonas@weber.de"))
        jonas_b = _capture(b, Contact(first_name="Jonas", email="jonas@weber.de"), "B-400")
        _edit(b, jonas_b, notes="B never heard of the erase")
        a.privacy.erase_person("jonas@weber.de")
    finally:
        a.close()
        b.close()
    shutil.copytree(tmp_path / "a", tmp_path / "a-copy")
    yield tmp_path / "a", tmp_path / "a-copy", tmp_path / "b" / "boothapp.db"


def test_merging_a_file_ends_as_pulling_it_from_the_hub(laptops: tuple[Path, Path, Path]) -> None:
    a_dir, copy_dir, b_file = laptops
    b = build_context(str(b_file.parent))
    b_log, b_key = _own_log(b), b.db_key.raw if b.db_key else b""
    b.close()
    hub = build_context(str(a_dir))  # laptop A pulls B's changes from the hub
    merged = build_context(str(copy_dir))  # A's copy merges B's file
    try:
        _pull(hub, b_log)
        report = merge_device_file(merged.changes, _event(merged), b_file, keys=[b_key])
        assert (report.added, report.combined) == (1, 2)  # Cem; Ada and Ana

        pulled, merged_state = _state(hub), _state(merged)
        assert merged_state == pulled
        leads, aliases = pulled
        assert len(leads) == 4  # Ada, Ana, Bob, Cem: one lead per visitor, Jonas gone
        assert len(aliases) == 2  # B's ids of Ada and Ana stand for A's leads
        by_name = {values[FIELDS.index("first_name")]: values for values in leads.values()}
        assert sorted(by_name) == ["Ada", "Ana", "Bob", "Cem"]
        ada = dict(zip(FIELDS, by_name["Ada"], strict=True))
        # Different fields: both edits kept (the same field: see the next test).
        assert (ada["company"], ada["title"]) == ("Analytical Engines", "CTO")
        assert ada["email"] == "ada@x.io" and ada["phone"] == "+442079460000"
        assert merged.leads.find_by_badge_key(_event(merged), "B-400") is None
        # Who captured what: the merge brought B's staff along by name.
        assert _staff_names(merged) == _staff_names(hub)
        assert set(_staff_names(merged).values()) == {"Deniz", "Maria"}
        # "Scanned before by Maria (b)": the merge names the laptop by its folder.
        ada_id = next(i for i, v in leads.items() if v == by_name["Ada"])
        seen = {(s.staff_name, s.device_name) for s in merged.hub.sightings(ada_id)}
        assert ("Maria", "b") in seen

        again = merge_device_file(merged.changes, _event(merged), b_file, keys=[b_key])
        assert (again.added, again.updated, again.combined) == (0, 0, 0)
        assert _state(merged) == pulled
    finally:
        hub.close()
        merged.close()


def test_the_same_field_edited_on_both_goes_to_the_larger_clock_stamp(
    laptops: tuple[Path, Path, Path],
) -> None:
    """Two notes edits made without seeing each other: the larger stamp wins (B's, whose
    clock is 10 minutes fast, though A typed later): the hub's rule, the same on every
    device; A's text stays in the history."""
    _, copy_dir, b_file = laptops
    b = build_context(str(b_file.parent))
    b_key = b.db_key.raw if b.db_key else b""
    b.close()
    merged = build_context(str(copy_dir))
    try:
        merge_device_file(merged.changes, _event(merged), b_file, keys=[b_key])
        ada = merged.leads.find_by_badge_key(_event(merged), "B-100")
        assert ada is not None
        with merged.db.read() as s:
            ids = {ada.id, *s.scalars(
                select(LeadAliasRow.alias_id).where(LeadAliasRow.lead_id == ada.id)
            )}  # fmt: skip
            stamps = {
                r.value: r.hlc
                for r in s.scalars(
                    select(ChangeLogRow).where(
                        ChangeLogRow.field == "notes", ChangeLogRow.lead_id.in_(ids)
                    )
                )
            }
        assert set(stamps) == {"B: pricing", "A: wants a demo in March"}
        assert ada.notes == max(stamps, key=lambda v: stamps[v]) == "B: pricing"
        history = [c.new_value for c in merged.leads.history(ada.id) if c.field == "notes"]
        assert "A: wants a demo in March" in history and "B: pricing" in history
    finally:
        merged.close()


def test_leads_captured_before_the_change_log_merge_by_the_old_rule(tmp_path: Path) -> None:
    """A file upgraded from before migration 0009 holds leads without a change-log entry:
    they are copied (or, same badge, fill the gaps and join the notes) as merges always did."""
    from boothapp.store.keys import connect_file

    here = _device(tmp_path / "here", "Deniz", timedelta(0))
    old = _device(tmp_path / "old", "Maria", timedelta(0))
    try:
        _capture(here, Contact(first_name="Ada", email="ada@x.io"), "B-100", "demo")
        _capture(old, Contact(first_name="Ada", phone="+44 20 7946 0000"), "B-100", "pricing")
        cem = _capture(old, Contact(first_name="Cem", email="cem@x.io"))
        old_key = old.db_key.raw if old.db_key else b""
    finally:
        old.close()
    db = connect_file(tmp_path / "old" / "boothapp.db")
    db.execute("DELETE FROM change_log")  # as a file from before the change log has none
    db.commit()
    db.close()
    try:
        report = merge_device_file(
            here.changes, _event(here), tmp_path / "old" / "boothapp.db", keys=[old_key]
        )
        assert (report.added, report.combined) == (1, 1)
        ada = here.leads.find_by_badge_key(_event(here), "B-100")
        assert ada is not None and ada.contact.phone == "+442079460000"
        assert ada.notes == "demo\npricing"
        assert here.leads.get_lead(cem).staff_name == "Maria"
        # The copies are this device's changes now: they reach a hub it joins.
        with here.db.read() as s:
            assert s.scalar(select(ChangeLogRow).where(ChangeLogRow.lead_id == cem)) is not None
    finally:
        here.close()
