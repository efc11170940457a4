"""``person erase`` with the event hub (issue 18), on a real PostgreSQL on loopback: the other
laptop erases its copy when it pulls the erase, and the hub's own change log keeps no value
of the lead (blanked by the hub's trigger as the erase arrives)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from tests.helpers.residue import find_traces
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration


def _device(root: Path, name: str, hub_url: str) -> AppContext:
    ctx = build_context(str(root / name))
    event = ctx.events.create_event(NewEvent(name="Hub Privacy", starts_on=date(2026, 12, 1)))
    ctx.hub.join(hub_url, event.id, name)
    return ctx


def test_an_erase_empties_the_hub_and_the_other_laptop(pg_server: PgServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    from boothapp.services.hub import HubService
    from boothapp.sync.hub.client import conninfo

    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    a, b = _device(tmp_path, "laptop-a", url), _device(tmp_path, "laptop-b", url)
    try:
        event_a = a.events.find_event("Hub Privacy").id
        contact = Contact(first_name="Zeynep", last_name="Karaçalı", company="Kuzey Tekstil",
                          email="zeynep@kuzey-tekstil.com.tr")  # fmt: skip
        lead = a.leads.save_lead(LeadDraft(event_a, contact, notes="met Zeynep at 10:40"))
        keep = a.leads.save_lead(LeadDraft(event_a, Contact(first_name="Jonas", last_name="Weber")))
        for _ in range(2):
            a.hub.replicate_once()
            b.hub.replicate_once()
        assert b.leads.get_lead(lead.id).contact.last_name == "Karaçalı"

        a.privacy.erase_person("Zeynep@Kuzey-Tekstil.com.tr")
        for _ in range(2):
            a.hub.replicate_once()
            b.hub.replicate_once()

        event_b = b.events.find_event("Hub Privacy").id
        assert [x.id for x in b.leads.list_leads(event_b)] == [keep.id]
        b_file = Path(b.paths.db_url.removeprefix("sqlite:///"))
        assert not find_traces(b_file, ["Zeynep", "Karaçalı", "Kuzey"])
        with psycopg.connect(conninfo(url)) as conn:
            rows = conn.execute("SELECT value::text, old_value::text FROM hub.changes").fetchall()
        held = " ".join(str(v) for row in rows for v in row)
        assert "Zeynep" not in held and "Kuzey" not in held and "Jonas" in held
    finally:
        a.close()
        b.close()


def test_export_and_erase_on_a_postgresql_database(pg_server: PgServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = pg_server.create_database(f"booth_{uuid.uuid4().hex[:8]}")
    ctx = build_context(str(tmp_path / "pg"), url)
    try:
        event_id = ctx.events.create_event(NewEvent(name="PG Privacy")).id
        contact = Contact(first_name="Ayşe", last_name="Yılmaz", email="AYŞE@örnek.com.tr")
        lead = ctx.leads.save_lead(LeadDraft(event_id, contact, notes="PG"))
        ctx.leads.set_please_delete(lead.id, True)
        assert ctx.privacy.export_person("ayşe@xn--rnek-4qa.com.tr")["leads"][0]["id"] == lead.id
        done = ctx.privacy.erase_person("ayşe@ÖRNEK.com.tr")
        assert done.leads == 1 and ctx.leads.list_leads(event_id) == []
        assert ctx.privacy.erase_person("ayşe@örnek.com.tr").already_erased
    finally:
        ctx.close()
