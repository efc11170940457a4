"""The default rep's name in the reader's language (issue 21): a new event routes every lead
to ``booth_manager``, named "Booth manager" in the document; the window, the CLI and the
report show it in their reader's words, machine output keeps what is stored."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from boothapp.app import build_context
from boothapp.core.config.defaults import default_config
from boothapp.core.config.model import Rep
from boothapp.core.config.rep_names import rep_names
from boothapp.core.i18n import Language
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft


def test_the_default_rep_reads_in_each_language_a_named_one_as_written() -> None:
    reps = (*default_config().routing.reps, Rep("ayse", "Ayşe Demir"))
    assert rep_names(reps, "fa") == {"booth_manager": "مسئول غرفه", "ayse": "Ayşe Demir"}
    assert rep_names(reps, "el")["booth_manager"] == "Υπεύθυνος περιπτέρου"
    assert rep_names(reps, "tr")["booth_manager"] == "Stant sorumlusu"
    assert rep_names(reps, "de")["booth_manager"] == "Standleitung"
    assert rep_names(reps, "en")["booth_manager"] == "Booth manager"


def _event(data_dir: Path) -> str:
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.create_event(NewEvent(name="Fuar"))
        for name in ("Ann", "Bob"):
            ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name=name)))
        return event.id
    finally:
        ctx.close()


def test_report_and_cli_name_the_default_rep_for_their_reader(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    event_id = _event(data_dir)
    ctx = build_context(str(data_dir))
    try:
        assert {lead.owner for lead in ctx.leads.list_leads(event_id)} == {"booth_manager"}
        ctx.configs.save(event_id, replace(ctx.configs.get(event_id), language=Language.EL))
        pdf = tmp_path / "report.pdf"
        ctx.exports.report(event_id, pdf)
    finally:
        ctx.close()
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Υπεύθυνος περιπτέρου" in text and "Booth manager" not in text
    # Machine output is never translated: the funnel's key is what the document says.
    tree = json.loads(cli("--lang", "fa", "roi", "--event", "Fuar", "--format", "json").out)
    keys = {f["key"] for f in tree["funnel_by_rep"]}
    assert keys == {"Booth manager"}


def test_an_event_is_found_by_its_name_as_people_type_it(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 walk: `--event "δοκιμαστική έκθεση"` found nothing (SQLite lowers ASCII only)."""
    ctx = build_context(str(data_dir))
    try:
        greek = ctx.events.create_event(NewEvent(name="Δοκιμαστική Έκθεση")).id
        turkish = ctx.events.create_event(NewEvent(name="Deneme Fuarı")).id
        assert ctx.events.find_event("δοκιμαστική έκθεση").id == greek
        assert ctx.events.find_event("ΔΟΚΙΜΑΣΤΙΚΗ ΕΚΘΕΣΗ").id == greek
        assert ctx.events.find_event("DENEME FUARI").id == turkish
    finally:
        ctx.close()
    run = cli("--lang", "el", "leads", "list", "--event", "δοκιμαστικη εκθεση")
    assert run.code == 0, run.err
    assert cli("--lang", "el", "leads", "list", "--event", "Άλλη").code != 0
