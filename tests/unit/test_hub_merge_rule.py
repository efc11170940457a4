"""The hub's merge rule converges (issue 19): devices that apply the same changes, each in its
own order (any interleaving that keeps each device's own order, as the hub's does), end with
the same leads: the same winner id per visitor and the same value per field."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services import hub_apply
from boothapp.services.events import NewEvent
from boothapp.services.hub_apply import apply_change
from boothapp.services.lead_changes import ChangeOrigin, RemoteChange
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import (
    ChangeLogRow,
    FieldClockRow,
    LeadAliasRow,
    LeadChangeRow,
    LeadRow,
)

NAMES = ("A", "B", "C", "D")


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[dict[str, AppContext]]:
    devices = {}
    for n, name in enumerate(NAMES):
        (tmp_path / name).mkdir()
        ctx = build_context(str(tmp_path / name))
        ctx.events.create_event(
            NewEvent(name="Rule Expo", timezone="UTC", starts_on=date(2026, 12, 1))
        )
        # Wall clocks that disagree by minutes, as laptops at a booth do.
        skew = timedelta(minutes=(n * 7) % 11 - 5)
        ctx.changes.clock = lambda skew=skew: datetime.now(UTC) + skew
        devices[name] = ctx
    yield devices
    for ctx in devices.values():
        ctx.close()


def _event(ctx: AppContext) -> str:
    return ctx.events.find_event("Rule Expo").id


def _edit(ctx: AppContext, lead_id: str, **values: str) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    contact = {k: v for k, v in values.items() if k in draft.contact.__dataclass_fields__}
    rest = {k: v for k, v in values.items() if k not in contact}
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, **contact), **rest))


def _own_log(ctx: AppContext) -> list[ChangeLogRow]:
    with ctx.db.read() as s:
        rows = list(s.scalars(
            select(ChangeLogRow).where(ChangeLogRow.device_id == ctx.settings.device_id)
            .order_by(ChangeLogRow.device_seq)
        ))  # fmt: skip
        s.expunge_all()
        return rows


def _apply(target: AppContext, entries: list[ChangeLogRow], prefetch: bool = False) -> None:
    event_id = _event(target)
    with target.changes.transaction(ChangeOrigin.HUB, "hub") as tx:
        remotes = [_remote(e, event_id) for e in entries]
        if prefetch:  # as the replicator applies a pulled page: its lookups read at once
            hub_apply.prefetch(tx, remotes)
        for rc in remotes:
            apply_change(tx, rc)


def _remote(e: ChangeLogRow, event_id: str) -> RemoteChange:
    return RemoteChange(
        e.device_id, e.device_seq, e.hlc, event_id, e.lead_id, e.field, e.value,
        e.old_value, e.staff_id, e.staff_name, "", e.change_id, e.at,
    )  # fmt: skip


def _interleave(logs: list[list[ChangeLogRow]], rng: random.Random) -> list[ChangeLogRow]:
    queues = [list(log) for log in logs if log]
    out = []
    while queues:
        q = rng.choice(queues)
        out.append(q.pop(0))
        if not q:
            queues.remove(q)
    return out


def _state(ctx: AppContext) -> list[tuple[str, str | None, str, str, str, str]]:
    with ctx.db.read() as s:
        return [
            (r.id, r.badge_key, r.email, r.company, r.notes, r.title)
            for r in s.scalars(select(LeadRow).order_by(LeadRow.id))
        ]


@pytest.mark.parametrize("prefetch", [False, True], ids=["one-by-one", "batch-prefetched"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_device_ends_with_the_same_leads_whatever_the_order(
    fleet: dict[str, AppContext], seed: int, prefetch: bool
) -> None:
    a, b, c, _ = (fleet[n] for n in NAMES)
    # The same badge scanned offline on three devices, each editing something.
    la, _ = a.leads.capture_scan(_event(a), "BADGE-77")
    lb, _ = b.leads.capture_scan(_event(b), "BADGE-77")
    lc, _ = c.leads.capture_scan(_event(c), "BADGE-77")
    _edit(a, la.id, notes="A: wants pricing")
    _edit(b, lb.id, company="Weber GmbH")
    _edit(c, lc.id, notes="C: call after the show", title="CFO")
    # The same walk-in (e-mail, no badge) typed on two devices.
    walk = Contact(first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
    wa = a.leads.save_lead(LeadDraft(_event(a), walk))
    b.leads.save_lead(LeadDraft(_event(b), replace(walk, email="ANA@ruiz.es", company="Ruiz SL")))
    _edit(a, wa.id, notes="met at the bar")
    # Leads of one device only.
    c.leads.capture_scan(_event(c), "BADGE-88")

    logs = {name: _own_log(fleet[name]) for name in NAMES}
    rng = random.Random(seed)
    for name, ctx in fleet.items():
        others = [logs[o] for o in NAMES if o != name]
        _apply(ctx, _interleave(others, rng), prefetch)

    states = {name: _state(ctx) for name, ctx in fleet.items()}
    assert states["A"] == states["B"] == states["C"] == states["D"], states
    final = states["D"]
    assert len(final) == 3  # BADGE-77, BADGE-88 and Ana: one lead per visitor
    badge77 = next(row for row in final if row[1] and "77" in row[1])
    assert badge77[3] == "Weber GmbH" and badge77[5] == "CFO"
    assert badge77[0] in {la.id, lb.id, lc.id}
    # The later of the two notes edits (by clock stamp, not wall clock) won everywhere.
    notes = [
        e
        for log in logs.values()
        for e in log
        if e.field == "notes" and e.lead_id in {la.id, lc.id}
    ]
    assert badge77[4] == max(notes, key=lambda e: e.hlc).value
    ana = next(row for row in final if row[1] is None)
    assert ana[3] == "Ruiz SL" and ana[4] == "met at the bar"


def _everything(ctx: AppContext) -> dict[str, list[tuple[object, ...]]]:
    """What a device holds of the leads: leads, aliases, history, field clocks, change log
    (history ids aside: a pulled change of several fields gets fresh ones)."""
    with ctx.db.read() as s:
        return {
            "leads": _state(ctx),
            "aliases": sorted(s.execute(select(LeadAliasRow.alias_id, LeadAliasRow.lead_id)).all()),
            "history": sorted(
                s.execute(
                    select(
                        LeadChangeRow.lead_id,
                        LeadChangeRow.field,
                        LeadChangeRow.old_value,
                        LeadChangeRow.new_value,
                        LeadChangeRow.device_id,
                        LeadChangeRow.created_at,
                    )
                ).all(),
                key=repr,
            ),
            "clocks": sorted(
                s.execute(select(FieldClockRow.lead_id, FieldClockRow.field, FieldClockRow.hlc))
            ),
            "log": sorted(
                s.execute(
                    select(
                        ChangeLogRow.device_id,
                        ChangeLogRow.device_seq,
                        ChangeLogRow.lead_id,
                        ChangeLogRow.field,
                        ChangeLogRow.hlc,
                    )
                ).all()
            ),
        }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_page_applied_at_once_ends_as_change_by_change(
    fleet: dict[str, AppContext], tmp_path: Path, seed: int
) -> None:
    """The pull applies a page in one transaction with its lookups read at once and its rows
    written one insert per table (#19): the same end state, aliases and history included, as
    applying each change in a transaction of its own."""
    a, b, c, by_one = (fleet[n] for n in NAMES)
    (tmp_path / "E").mkdir()
    at_once = build_context(str(tmp_path / "E"))
    at_once.events.create_event(
        NewEvent(name="Rule Expo", timezone="UTC", starts_on=date(2026, 12, 1))
    )
    try:
        # A capture and an edit of it in one page; the same badge on two devices with edits
        # addressed to both ids; a walk-in whose e-mail moves, then another device's walk-in
        # with the new e-mail (one visitor); a lead only one device has.
        la, _ = a.leads.capture_scan(_event(a), "BADGE-1")
        _edit(a, la.id, notes="A: pricing")
        lb, _ = b.leads.capture_scan(_event(b), "BADGE-1")
        _edit(b, lb.id, company="Weber GmbH", notes="B: demo")
        bo = a.leads.save_lead(
            LeadDraft(_event(a), Contact(first_name="Bo", last_name="Li", email="bo@old.example"))
        )
        _edit(a, bo.id, email="bo@new.example")
        c.leads.save_lead(
            LeadDraft(_event(c), Contact(first_name="Bo", last_name="Li", email="BO@new.example"))
        )
        c.leads.capture_scan(_event(c), "BADGE-2")
        logs = [_own_log(ctx) for ctx in (a, b, c)]
        entries = _interleave(logs, random.Random(seed))

        for e in entries:  # change by change, each its own transaction
            _apply(by_one, [e])
        _apply(at_once, entries, prefetch=True)  # one page

        one, page = _everything(by_one), _everything(at_once)
        assert one == page
        # (Bo is one lead when C's capture came after A's e-mail moved: the order decides.)
        badge1s = [row for row in page["leads"] if row[1] and row[1].endswith("1")]
        assert len(badge1s) == 1  # one lead per visitor; the other capture its alias
        assert {la.id, lb.id} & {alias for alias, _lead in page["aliases"]}
        assert len(page["log"]) == len(entries)
        badge1 = badge1s[0]
        assert badge1[3] == "Weber GmbH"
        assert {h[1] for h in page["history"] if h[0] == badge1[0]} >= {"notes", "company"}
    finally:
        at_once.close()
