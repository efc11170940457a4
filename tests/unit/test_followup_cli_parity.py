"""What a rep does in the queue, from the command line too (issue 16): record a call outcome,
resolve an interrupted send, name a colleague by id or name; a dry run changes nothing; the
CLI says where secrets really went; send refuses without opt-out and postal address."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from boothapp.app import build_context
from boothapp.core.config.model import Rep
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.followup_types import TouchState
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import FollowUpRow, LeadRow
from tests.fixtures_followups import PLANNED_AT, make_cast

NOW = PLANNED_AT.isoformat()


def _planned(data_dir: Path, owner_rep: bool = False) -> Any:
    ctx = build_context(str(data_dir))
    try:
        cast = make_cast(ctx)
        if owner_rep:
            cfg = ctx.configs.get(cast.event_id)
            reps = (*cfg.routing.reps, Rep("jonas", "Jonas Weber", "Europe/Berlin"))
            ctx.configs.save(cast.event_id, cfg.edited(routing=replace(cfg.routing, reps=reps)))
            with ctx.db.session() as s:
                row = s.get(LeadRow, cast.hot)
                assert row is not None
                row.owner = "jonas"  # routing stores the rep's id
        ctx.followups.plan(cast.event_id, PLANNED_AT)
        return cast
    finally:
        ctx.close()


def _touches(cli: Any, lead_id: str) -> list[dict[str, Any]]:
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    return [r for r in map(json.loads, listed.lines) if r["lead_id"] == lead_id]


def test_outcome_of_a_call_is_recorded_with_its_note_and_plans_the_next(
    cli: Any, data_dir: Path
) -> None:
    cast = _planned(data_dir)
    call = next(r for r in _touches(cli, cast.hot) if r["channel"] == "call")
    run = cli("followups", "outcome", "--event", "CeMAT", call["touch_id"], "--result",
              "no-answer", "--note", "rang twice", "--now", NOW)  # fmt: skip
    assert run.code == 0, run.err
    assert "No answer recorded" in run.out and "next: Call" in run.out  # labels, as people read
    after = {r["touch_id"]: r for r in _touches(cli, cast.hot)}
    assert after[call["touch_id"]]["state"] == "done"
    assert "note: rang twice" in after[call["touch_id"]]["reason"]
    nxt = next(r for r in _touches(cli, cast.hot) if "call again after no answer" in r["reason"])
    run = cli("followups", "outcome", "--event", "CeMAT", nxt["touch_id"], "--result",
              "wrong-number", "--now", NOW)  # fmt: skip
    assert run.code == 0 and "next: Letter" in run.out
    with pytest.raises(SystemExit):  # argparse names the valid results
        cli("followups", "outcome", "--event", "CeMAT", nxt["touch_id"], "--result", "maybe")


def test_review_list_and_resolve(cli: Any, data_dir: Path) -> None:
    cast = _planned(data_dir)
    touch = _touches(cli, cast.hot)[0]
    ctx = build_context(str(data_dir))
    try:
        with ctx.db.session() as s:
            row = s.get(FollowUpRow, touch["touch_id"])
            assert row is not None
            row.state, row.message_id = TouchState.REVIEW.value, "<followup.x@booth.example.com>"
    finally:
        ctx.close()
    run = cli("followups", "review", "list", "--event", "CeMAT")
    assert run.code == 0 and touch["touch_id"] in run.out and "1 interrupted send" in run.out
    run = cli("followups", "review", "resolve", "--event", "CeMAT", touch["touch_id"],
              "--sent", "yes", "--staff", "Jo Lee")  # fmt: skip
    assert run.code == 0 and "marked sent" in run.out
    assert "0 interrupted" in cli("followups", "review", "list", "--event", "CeMAT").out


def test_ics_and_list_take_a_rep_by_name_or_id(cli: Any, data_dir: Path, tmp_path: Path) -> None:
    _planned(data_dir, owner_rep=True)
    by_name = tmp_path / "name.ics"
    by_id = tmp_path / "id.ics"
    run = cli("followups", "ics", "--event", "CeMAT", "--staff", "Jonas Weber", "-o", str(by_name))
    assert run.code == 0, run.err
    assert (
        cli("followups", "ics", "--event", "CeMAT", "--staff", "jonas", "-o", str(by_id)).code == 0
    )
    assert by_name.read_text().count("BEGIN:VEVENT") >= 1
    assert by_name.read_text().count("BEGIN:VEVENT") == by_id.read_text().count("BEGIN:VEVENT")
    listed = cli("followups", "list", "--event", "CeMAT", "--owner", "jonas weber")
    # The owner column names the rep as people know them (issue 21), not the id "jonas".
    assert listed.code == 0 and listed.lines
    assert all(" Jonas Weber " in line and " jonas " not in line for line in listed.lines)
    unknown = cli("followups", "ics", "--event", "CeMAT", "--staff", "Nobody", "-o", str(by_id))
    assert unknown.code != 0 and "Jonas Weber" in unknown.err  # names the known ones


def test_send_refuses_without_opt_out_address_and_postal_address(cli: Any, data_dir: Path) -> None:
    _planned(data_dir)
    run = cli("followups", "send", "--event", "CeMAT", "--now", NOW,
              "--smtp-host", "127.0.0.1", "--from", "jo@booth.example.com")  # fmt: skip
    assert run.code == 2
    assert "followups.sender.unsubscribe_mailto" in run.err
    assert "followups.sender.address" in run.err
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    assert all(json.loads(line)["state"] == "planned" for line in listed.lines)


def test_sync_dry_run_queues_nothing(cli: Any, data_dir: Path, tmp_path: Path) -> None:
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.create_event(NewEvent(name="Dry Show"))
        for i in range(3):
            ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=Contact(
                first_name=f"Ann{i}", last_name="Berg", email=f"ann{i}@berg.de")))  # fmt: skip
    finally:
        ctx.close()
    drop = tmp_path / "drop"
    assert cli("sync", "configure", "--event", "Dry Show", "--crm", "csvdrop",
               "--folder", str(drop)).code == 0  # fmt: skip
    before = cli("sync", "status", "--event", "Dry Show").out
    run = cli("sync", "--event", "Dry Show", "--dry-run", "--retry-failed")
    assert run.code == 0 and "nothing was changed" in run.out
    assert cli("sync", "status", "--event", "Dry Show").out == before
    assert not drop.exists() or not list(drop.glob("*.csv"))


def test_password_message_names_where_the_secret_went(
    cli: Any, data_dir: Path, monkeypatch: Any
) -> None:
    ctx = build_context(str(data_dir))
    try:
        cast = make_cast(ctx, {"smtp": {"host": "127.0.0.1", "username": "jo", "from": "j@b.de"}})
    finally:
        ctx.close()
    assert cast
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "s3cret")
    run = cli("followups", "password", "--event", "CeMAT")
    assert run.code == 0
    # This machine has no Secret Service: the message says so instead of "system keyring".
    from boothapp.sync.credentials import SecretStore

    store = SecretStore(data_dir / "secrets.json")
    if store.uses_keyring():
        assert "the system keyring (" in run.out
    else:
        assert f"the file {data_dir / 'secrets.json'}" in run.out and "not encrypted" in run.out
