"""``boothapp merge`` and the event hub give the same leads (issue 19: "the same rule as
`boothapp merge`, from the same code"). Two laptops joined to a real PostgreSQL on loopback
capture offline with clocks 3 minutes slow and 10 minutes fast; a copy of laptop A's data
folder is taken before they meet. Laptop A then syncs through the hub, and the copy merges
laptop B's file instead: the same lead ids, field values and aliases."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services.device_merge import merge_device_file
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.services.lead_changes import LEAD_COLUMNS
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadAliasRow, LeadRow
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration

EVENT = "Merge Hub Expo"
FIELDS = tuple(c for c in LEAD_COLUMNS if c != "staff_id")  # the merge maps staff by name


def _laptop(root: Path, name: str, staff: str, url: str) -> AppContext:
    ctx = build_context(str(root / name))
    event = ctx.events.create_event(
        NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
    )
    ctx.staff.add_staff(event.id, staff, "1234")
    ctx.hub.join(url, event.id, name)
    return ctx


def _event(ctx: AppContext) -> str:
    return ctx.events.find_event(EVENT).id


def _save(ctx: AppContext, contact: Contact, badge: str | None = None, notes: str = "") -> str:
    staff = ctx.staff.list_staff(_event(ctx))[0].id
    draft = LeadDraft(_event(ctx), contact, badge_key=badge, badge_id=badge or "",
                      notes=notes, staff_id=staff)  # fmt: skip
    return ctx.leads.save_lead(draft).id


def _edit(ctx: AppContext, lead_id: str, **values: str) -> None:
    draft = ctx.leads.draft_of(ctx.leads.get_lead(lead_id))
    contact = {k: v for k, v in values.items() if k in draft.contact.__dataclass_fields__}
    rest = {k: v for k, v in values.items() if k not in contact}
    ctx.leads.save_lead(replace(draft, contact=replace(draft.contact, **contact), **rest))


def _state(ctx: AppContext) -> tuple[dict[str, tuple[object, ...]], dict[str, str]]:
    with ctx.db.read() as s:
        leads = {r.id: tuple(getattr(r, f) for f in FIELDS) for r in s.scalars(select(LeadRow))}
        aliases = {a.alias_id: a.lead_id for a in s.scalars(select(LeadAliasRow))}
    return leads, aliases


def test_merging_laptop_bs_file_equals_pulling_it_through_the_hub(
    tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    a = _laptop(tmp_path, "laptop-a", "Deniz", url)
    b = _laptop(tmp_path, "laptop-b", "Maria", url)
    a.changes.clock = lambda: datetime.now(UTC) - timedelta(minutes=3)
    b.changes.clock = lambda: datetime.now(UTC) + timedelta(minutes=10)
    # Offline: the same badge on both, each edited; the same walk-in typed on both; one
    # visitor each; a person both captured whom A erased on request.
    ada_a = _save(a, Contact(first_name="Ada", email="ada@x.io"), "B-100", "demo")
    ada_b = _save(b, Contact(first_name="Ada", phone="+44 20 7946 0000"), "B-100")
    _edit(b, ada_b, notes="B: pricing", company="Analytical Engines")
    _edit(a, ada_a, notes="A: wants a demo in March", title="CTO")
    ana = Contact(first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
    _save(a, ana)
    _save(b, replace(ana, email="ANA@ruiz.es", company="Ruiz SL"), notes="call Monday")
    _save(a, Contact(first_name="Bob", email="bob@x.io"), "B-200")
    _save(b, Contact(first_name="Cem", email="cem@x.io"), "B-300")
    _save(a, Contact(first_name="Jonas", email="jonas@weber.de"))
    _edit(b, _save(b, Contact(first_name="Jonas", email="jonas@weber.de"), "B-400"), notes="?")
    a.privacy.erase_person("jonas@weber.de")
    a.close()
    shutil.copytree(tmp_path / "laptop-a", tmp_path / "manager")  # before they meet
    a = build_context(str(tmp_path / "laptop-a"))
    try:
        for _ in range(2):  # B pushes, A pulls (and B pulls A's, so B's log holds A's too)
            b.hub.replicate_once()
            a.hub.replicate_once()
        b_file = Path(b.paths.db_url.removeprefix("sqlite:///"))
        b_key = b.db_key.raw if b.db_key else b""
        b.close()
        manager = build_context(str(tmp_path / "manager"))
        try:
            report = merge_device_file(manager.changes, _event(manager), b_file, keys=[b_key])
            assert (report.added, report.combined) == (1, 2)
            merged, pulled = _state(manager), _state(a)
            assert merged == pulled
            leads, aliases = pulled
            assert len(leads) == 4 and len(aliases) == 2  # Ada, Ana, Bob, Cem; Jonas erased
        finally:
            manager.close()
    finally:
        a.close()
