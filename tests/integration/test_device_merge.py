"""Merging the booth laptops' database files after the show (real SQLite files, the CLI as an
event manager runs it): every lead arrives once, a visitor scanned on two laptops stays one
lead, staff come along, merging again changes nothing, a bad file merges nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft

pytestmark = pytest.mark.integration

EVENT = "Merge Expo"


def _device(root: Path, staff: str, leads: list[tuple[str, str | None, Contact, str]]) -> Path:
    """A laptop's data folder with its own event of the same name; returns its database,
    encrypted with the laptop's own key, whose recovery key goes into the manager's
    ``keys.txt`` beside the laptops' folders (as `boothapp db recovery-key` prints it)."""
    ctx = build_context(str(root))
    assert ctx.db_key is not None
    with open(root.parent / "keys.txt", "a", encoding="utf-8") as fh:
        fh.write(f"{root.name}: {ctx.db_key.recovery_text}\n")
    try:
        event = ctx.events.create_event(NewEvent(name=EVENT))
        person = ctx.staff.add_staff(event.id, staff, "1234")
        for _name, badge, contact, notes in leads:
            ctx.leads.save_lead(
                LeadDraft(event.id, contact, badge_key=badge, badge_id=badge or "",
                          notes=notes, staff_id=person.id)
            )  # fmt: skip
    finally:
        ctx.close()
    return root / "boothapp.db"


def keys(tmp_path: Path) -> tuple[str, str]:
    return ("--key-file", str(tmp_path / "keys.txt"))


def test_two_laptops_merge_into_the_managers_database(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = _device(tmp_path / "laptop-a", "Deniz", [
        ("ada", "B-100", Contact(first_name="Ada", last_name="Byron", email="ada@x.io"), "demo"),
        ("bob", "B-200", Contact(first_name="Bob", last_name="Ross", email="bob@x.io"), ""),
    ])  # fmt: skip
    b = _device(tmp_path / "laptop-b", "Maria", [
        # Ada came back to the booth and was scanned on the other laptop too.
        ("ada", "B-100", Contact(first_name="Ada", phone="+44 20 7946 0000"), "pricing"),
        ("cem", None, Contact(first_name="Cem", last_name="Kaya", email="cem@x.io"), ""),
    ])  # fmt: skip
    assert cli("event", "create", "--name", EVENT).code == 0

    dry = cli("merge", str(a), str(b), "--event", EVENT, *keys(tmp_path), "--dry-run")
    assert dry.code == 0 and "would merge 2 new lead(s)" in dry.out
    ctx = build_context(str(data_dir))
    event = ctx.events.find_event(EVENT)
    assert ctx.leads.list_leads(event.id) == []  # a dry run changes nothing
    ctx.close()

    out = cli("merge", str(a), str(b), "--event", EVENT, *keys(tmp_path))
    assert out.code == 0, out.err
    assert f"{a}: merged 2 new lead(s)" in out.out  # each laptop's file by its path
    assert "2 new lead(s)" in out.out and "1 scanned on both devices combined" in out.out
    ctx = build_context(str(data_dir))
    try:
        leads = {lead.contact.first_name: lead for lead in ctx.leads.list_leads(event.id)}
        assert sorted(leads) == ["Ada", "Bob", "Cem"]
        ada = leads["Ada"]
        assert (ada.contact.email, ada.contact.phone) == ("ada@x.io", "+442079460000")
        # The hub's rule (issue 19; the old merge joined the notes): the later capture's
        # notes win the field, and the history keeps what they replaced.
        assert ada.notes == "pricing"
        notes = [
            (c.old_value, c.new_value) for c in ctx.leads.history(ada.id) if c.field == "notes"
        ]
        assert ("demo", "pricing") in notes
        assert leads["Cem"].staff_name == "Maria" and leads["Bob"].staff_name == "Deniz"
        assert all(lead.sync_state == SyncState.NOT_QUEUED for lead in leads.values())
        assert {s.name for s in ctx.staff.list_staff(event.id)} >= {"Deniz", "Maria"}
    finally:
        ctx.close()

    again = cli("merge", str(a), str(b), "--event", EVENT, *keys(tmp_path))
    assert again.code == 0
    # Issue #18: a file merged before reads as such, not as 0 in every bucket.
    assert (
        f"{a}: merged 0 new lead(s), 0 updated, 0 scanned on both devices combined, "
        "already merged 2;" in again.out
    )
    assert (
        f"{b}: merged 0 new lead(s), 0 updated, 0 scanned on both devices combined, "
        "already merged 2;" in again.out
    )


def test_newer_edit_on_a_device_wins_and_bad_files_merge_nothing(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    a = _device(tmp_path / "laptop-a", "Deniz", [
        ("ada", "B-100", Contact(first_name="Ada", email="ada@x.io"), ""),
    ])  # fmt: skip
    assert cli("event", "create", "--name", EVENT).code == 0
    assert cli("merge", str(a), "--event", EVENT, *keys(tmp_path)).code == 0
    # Later that evening the laptop's owner corrected the company, then sent the file again.
    dev = build_context(str(tmp_path / "laptop-a"))
    lead = dev.leads.list_leads(dev.events.find_event(EVENT).id)[0]
    draft = dev.leads.draft_of(lead)
    dev.leads.save_lead(replace(draft, contact=replace(draft.contact, company="Analytical")))
    dev.close()
    out = cli("merge", str(a), "--event", EVENT, *keys(tmp_path))
    assert out.code == 0 and "0 new lead(s), 1 updated" in out.out
    junk = tmp_path / "notes.db"
    junk.write_text("not a database")
    wrong = cli("merge", str(junk), str(tmp_path / "missing.db"), "--event", EVENT, *keys(tmp_path))
    assert wrong.code == 1
    assert f"{junk}: not merged: " in wrong.out and "not an SQLite file" in wrong.out
    assert "missing.db: not merged: " in wrong.out and "no such file" in wrong.out
    # Another laptop's encrypted file without its recovery key: one clear line, nothing merged.
    locked = cli("merge", str(a), "--event", EVENT)
    assert locked.code == 1 and "is encrypted and none of the keys given opens it" in locked.out
    other = cli("merge", str(a), "--event", EVENT, *keys(tmp_path), "--from-event", "Other Show")
    assert other.code == 1 and "has no event 'Other Show' (it has: Merge Expo)" in other.out
    ctx = build_context(str(data_dir))
    try:
        leads = ctx.leads.list_leads(ctx.events.find_event(EVENT).id)
        assert [(x.contact.first_name, x.contact.company) for x in leads] == [("Ada", "Analytical")]
    finally:
        ctx.close()
