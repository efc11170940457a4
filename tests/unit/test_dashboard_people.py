"""The dashboard across devices (issue 19): the same staff member signed in on two laptops is
one row on the leaderboard and the per-staff bars, whichever laptop captured the lead; the
hub's pulled leads and a merged laptop file count alike. Real SQLite files per device; the
pull is the hub's own apply (``hub_apply``) of the other laptop's change log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.booth_status import booth_status
from boothapp.services.dashboard import people
from boothapp.services.device_merge import merge_device_file
from boothapp.services.events import NewEvent
from boothapp.services.hub_apply import apply_change
from boothapp.services.lead_changes import ChangeOrigin, RemoteChange
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import ChangeLogRow

EVENT = "People Expo"
TZ = "UTC"


def _laptop(root: Path, *staff: str) -> AppContext:
    root.mkdir(parents=True)
    ctx = build_context(str(root))
    event = ctx.events.create_event(NewEvent(name=EVENT, timezone=TZ, starts_on=date.today()))
    for n, name in enumerate(staff):
        ctx.staff.add_staff(event.id, name, f"{n + 1}" * 4)
    return ctx


def _event(ctx: AppContext) -> str:
    return ctx.events.find_event(EVENT).id


def _capture(ctx: AppContext, staff: str, email: str, rating: Rating = Rating.WARM) -> None:
    person = next(p for p in ctx.staff.list_staff(_event(ctx)) if p.name == staff)
    ctx.leads.save_lead(
        LeadDraft(
            _event(ctx), Contact(first_name=email.split("@")[0], email=email), rating=rating,
            rating_overridden=True, staff_id=person.id,
        )
    )  # fmt: skip


def _pull(into: AppContext, source: AppContext, device_name: str) -> None:
    """What a hub pull does with ``source``'s changes (the hub names the device)."""
    with source.db.read() as s:
        rows = s.scalars(
            select(ChangeLogRow)
            .where(ChangeLogRow.device_id == source.settings.device_id)
            .order_by(ChangeLogRow.device_seq)
        ).all()
        changes = [
            RemoteChange(
                r.device_id,
                r.device_seq,
                r.hlc,
                _event(into),
                r.lead_id,
                r.field,
                r.value,
                r.old_value,
                r.staff_id,
                r.staff_name,
                device_name,
                r.change_id,
                r.at,
            )
            for r in rows
        ]
    with into.changes.transaction(ChangeOrigin.HUB, "hub") as tx:
        for rc in changes:
            apply_change(tx, rc)


@pytest.fixture
def booth(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    one = _laptop(tmp_path / "one", "Ayşe", "Deniz")
    two = _laptop(tmp_path / "two", "AYSE", "Mehmet")  # her own spelling on laptop 2
    three = _laptop(tmp_path / "three", "Mehmet")
    _capture(one, "Ayşe", "a1@x.io", Rating.HOT)
    _capture(one, "Deniz", "d1@x.io")
    _capture(two, "AYSE", "a2@x.io", Rating.HOT)
    _capture(two, "AYSE", "a3@x.io")
    _capture(two, "Mehmet", "m1@x.io")
    _capture(three, "Mehmet", "m2@x.io", Rating.HOT)
    yield one, two, three
    for ctx in (one, two, three):
        ctx.close()


def _today() -> date:
    return datetime.now(UTC).date()


def test_the_same_person_on_two_laptops_is_one_row(
    booth: tuple[AppContext, AppContext, AppContext],
) -> None:
    one, two, three = booth
    _pull(one, two, "laptop 2")
    _pull(one, three, "laptop 3")
    stats = one.dashboard.booth_stats(_event(one), _today(), TZ)
    board = [(e.rank, e.name, e.leads, e.hot) for e in stats.leaderboard]
    # Ayşe: 1 here + 2 on laptop 2, under this laptop's name; Mehmet on laptops 2 and 3 is
    # not on this laptop's staff list: one row naming both devices.
    assert board == [(1, "Ayşe", 3, 2), (2, "Mehmet (laptop 2, laptop 3)", 2, 1),
                     (3, "Deniz", 1, 0)]  # fmt: skip
    assert [(p.name, p.leads, p.hot) for p in stats.per_staff] == [
        ("Ayşe", 3, 2), ("Deniz", 1, 0), ("Mehmet (laptop 2, laptop 3)", 2, 1),
    ]  # fmt: skip
    # The scan page's strip ranks Ayşe by all her leads, on every laptop.
    ayse = next(p for p in one.staff.list_staff(_event(one)) if p.name == "Ayşe")
    status = booth_status(one.sync, one.dashboard, _event(one), ayse.id, _today(), TZ)
    assert (status.my_rank, status.ranked) == (1, 3)


def test_a_merged_laptop_file_counts_its_staff_by_name_too(
    booth: tuple[AppContext, AppContext, AppContext],
) -> None:
    one, two, _ = booth
    two_file = Path(two.paths.db_url.removeprefix("sqlite:///"))
    key = two.db_key.raw if two.db_key else b""
    two.close()
    report = merge_device_file(one.changes, _event(one), two_file, keys=[key])
    assert report.staff_added == 1  # Mehmet
    board = {e.name: e.leads for e in one.dashboard.booth_stats(_event(one), _today(), TZ)
             .leaderboard}  # fmt: skip
    # The merge maps laptop 2's "AYSE" to this laptop's Ayşe (the same folded name).
    assert board == {"Ayşe": 3, "Mehmet": 1, "Deniz": 1}


def test_people_fold_names_and_name_other_devices() -> None:
    who = people(
        [("s1", "Ayşe Yılmaz")],
        {
            "x1": ("AYSE YILMAZ", "laptop 2"),
            "x2": ("Jonas", "laptop 2"),
            "x3": ("jonas", "kiosk"),
            "x4": ("Cem", ""),
        },
    )
    assert who["x1"] == who["s1"] and who["s1"].name == "Ayşe Yılmaz" and who["s1"].local
    assert who["x2"] == who["x3"] and who["x2"].name == "Jonas (kiosk, laptop 2)"
    assert who["x4"].name == "Cem" and not who["x4"].local
