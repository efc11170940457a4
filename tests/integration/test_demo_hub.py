"""`boothapp demo --hub` (issue 19): the booth demo on an event hub, as a user runs it. The
PostgreSQL is started from the app's own files (no test helper), two laptops' data folders are
joined to it, and a badge saved on laptop 1 is "scanned before by Deniz Aksoy (laptop 1)" on
laptop 2 once their replicators ran. The windows themselves are the `boothapp demo` window,
covered by its own tests; docs/screenshots/hub-demo-two-windows.png shows the two."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.demo.build import ROSTER_SIZE
from boothapp.demo.people import make_people, vcard_payload
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration


def test_the_demo_starts_its_own_postgresql_on_loopback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("demo", "--hub", "--no-gui", "--hub-dir", str(tmp_path / "hub"))
    assert run.code == 0, run.err
    assert "PostgreSQL for the hub on 127.0.0.1:" in run.out
    assert "laptop 1: Demo Expo, data folder" in run.out
    assert "laptop 2: Demo Expo, data folder" in run.out
    for name in ("laptop-1", "laptop-2"):
        ctx = build_context(str(tmp_path / "hub" / "laptops" / name))
        try:
            assert ctx.hub.joined and ctx.settings.device_name == name.replace("-", " ")
        finally:
            ctx.close()


def test_a_badge_saved_on_laptop_1_is_scanned_before_on_laptop_2(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.create_database(f"demo_{uuid.uuid4().hex[:10]}")
    run = cli("demo", "--hub", url, "--no-gui", "--hub-dir", str(tmp_path / "hub"))
    assert run.code == 0, run.err
    one = build_context(str(tmp_path / "hub" / "laptops" / "laptop-1"))
    two = build_context(str(tmp_path / "hub" / "laptops" / "laptop-2"))
    try:
        badge = vcard_payload(make_people(ROSTER_SIZE, 11)[3])
        ev_one, ev_two = (c.events.find_event("Demo Expo").id for c in (one, two))
        deniz = next(s for s in one.staff.list_staff(ev_one) if s.name == "Deniz Aksoy")
        lead, created = one.leads.capture_scan(ev_one, badge, staff_id=deniz.id)
        assert created
        one.hub.replicate_once()
        two.hub.replicate_once()
        again, created = two.leads.capture_scan(ev_two, badge)
        assert not created and again.id == lead.id  # the existing lead, no duplicate
        first = two.hub.sightings(again.id)[0]
        assert (first.staff_name, first.device_name) == ("Deniz Aksoy", "laptop 1")
    finally:
        one.close()
        two.close()
