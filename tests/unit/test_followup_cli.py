"""``boothapp followups`` end to end on a real data directory."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from boothapp.app import build_context
from tests.fixtures_followups import PLANNED_AT, make_cast

NOW = PLANNED_AT.isoformat()


def _cast(data_dir: Path):  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir))
    try:
        return make_cast(ctx)
    finally:
        ctx.close()


def test_plan_then_list_json_one_line_per_touch_with_the_leads_offset(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cast = _cast(data_dir)
    run = cli("followups", "plan", "--event", "CeMAT", "--now", NOW)
    assert run.code == 0, run.err
    assert "for 4 leads" in run.out
    run = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    assert run.code == 0, run.err
    records = [json.loads(line) for line in run.lines]
    assert len(records) >= 12
    for r in records:
        assert set(r) >= {"lead_id", "channel", "due", "timezone", "touch", "reason"}
        due = datetime.fromisoformat(r["due"])
        assert due.utcoffset() is not None
    tokyo = [r for r in records if r["lead_id"] == cast.tokyo]
    assert tokyo and all(r["due"].endswith("+09:00") for r in tokyo)
    assert {r["timezone"] for r in tokyo} == {"Asia/Tokyo"}
    chicago = [r for r in records if r["lead_id"] == cast.chicago_no_consent]
    assert all(r["due"].endswith("-06:00") for r in chicago)  # CST in November
    assert all(r["channel"] != "email" for r in chicago)
    assert sorted(r["touch"] for r in tokyo) == list(range(1, len(tokyo) + 1))


def test_send_dry_run_changes_nothing_and_ics_and_metrics(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _cast(data_dir)
    cli("followups", "plan", "--event", "CeMAT", "--now", NOW)
    run = cli(
        "followups", "send", "--event", "CeMAT", "--dry-run", "--now", NOW,
        "--smtp-host", "127.0.0.1", "--from", "jo@booth.example.com",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "1 emails would be sent" in run.out  # the hot lead's thank-you only
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    assert all(json.loads(line)["state"] == "planned" for line in listed.lines)
    ics = tmp_path / "jo.ics"
    run = cli("followups", "ics", "--event", "CeMAT", "--staff", "Jo Lee", "-o", str(ics))
    assert run.code == 0, run.err
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    run = cli("followups", "metrics", "--event", "CeMAT")
    assert run.code == 0 and "4 leads not contacted yet" in run.out


def test_send_without_smtp_host_is_a_clear_error(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _cast(data_dir)
    run = cli("followups", "send", "--event", "CeMAT")
    assert run.code != 0 and "no SMTP host" in run.err


def test_list_due_shows_todays_queue_per_owner(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cast = _cast(data_dir)
    cli("followups", "plan", "--event", "CeMAT", "--now", NOW)
    run = cli(
        "followups", "list", "--event", "CeMAT", "--due", "--owner", "Jo Lee",
        "--format", "json", "--now", NOW,
    )  # fmt: skip
    assert run.code == 0, run.err
    due = [json.loads(line) for line in run.lines]
    # Heike's thank-you and same-day call; Chuck's first call falls on Thursday morning in
    # Chicago, just after the show closed in Berlin.
    assert {r["lead_id"] for r in due} == {cast.hot, cast.chicago_no_consent}
    assert {r["channel"] for r in due if r["lead_id"] == cast.hot} == {"email", "call"}
    assert all(r["owner"] == "Jo Lee" for r in due)
    # Issue 21: the rep reads today's call in their own words, whatever the lead's language.
    greek = cli("--lang", "el", "followups", "list", "--event", "CeMAT", "--due", "--owner",
                "Jo Lee", "--now", NOW)  # fmt: skip
    calls = [line for line in greek.lines if "Κλήση" in line]
    assert calls and all("Κλήση:" in line and " Call " not in line for line in calls), greek.out


def test_the_whole_list_shows_calls_in_the_readers_words(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: without --due too, a call's subject is the rep's heading in their language
    (it was planned in the lead's); emails keep the words the lead will read."""
    _cast(data_dir)
    cli("followups", "plan", "--event", "CeMAT", "--now", NOW)
    planned = [json.loads(line) for line in cli("followups", "list", "--event", "CeMAT",
                                                 "--format", "json").lines]  # fmt: skip
    assert any(r["channel"] == "call" and r["language"] != "el" for r in planned)
    greek = cli("--lang", "el", "followups", "list", "--event", "CeMAT")
    assert greek.code == 0, greek.err
    calls = [line for line in greek.lines if "Κλήση:" in line]
    n_calls = sum(1 for r in planned if r["channel"] == "call")
    assert len(calls) == n_calls, greek.out
    assert not any(" Call " in line or "Anruf" in line for line in greek.lines), greek.out
    persian = cli("--lang", "fa", "followups", "list", "--event", "CeMAT")
    assert sum("تماس:" in line for line in persian.lines) == n_calls, persian.out


def test_a_bad_followups_setting_is_named_and_nothing_is_planned(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(str(data_dir))
    try:
        cast = make_cast(ctx, {"morning": {"start": "07:00", "end": "23:00"}})
    finally:
        ctx.close()
    run = cli("followups", "plan", "--event", "CeMAT", "--now", NOW)
    assert run.code != 0
    assert "follow-up plan: morning: 07:00-23:00 reaches into the night" in run.err
    ctx = build_context(str(data_dir))
    try:
        assert ctx.followups.touches(cast.event_id) == []
    finally:
        ctx.close()
