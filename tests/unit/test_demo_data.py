"""Demo data must save as is: valid emails in every script, one person per badge id."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.core.hygiene.emails import email_problem
from boothapp.demo.build import ROSTER_SIZE, build_demo
from boothapp.demo.people import make_people


def test_every_demo_email_is_valid_even_for_greek_and_persian_names() -> None:
    people = make_people(60, 11)
    assert any(not p.contact.first_name.isascii() for p in people)
    problems = {p.contact.email: email_problem(p.contact.email) for p in people}
    assert {e: p for e, p in problems.items() if p} == {}


def test_video_badges_are_new_visitors_not_someone_elses_lead(ctx: AppContext) -> None:
    summary = build_demo(ctx, leads=300)
    roster_ids = {p.badge_id for p in make_people(ROSTER_SIZE, 11)[:8]}
    leads = ctx.leads.list_leads(summary.event.id)
    assert len(leads) == 300
    assert roster_ids.isdisjoint({lead.badge_id for lead in leads})
    outcome = ctx.leads.record_scan(summary.event.id, sorted(roster_ids)[0])
    assert outcome.existing is None
    assert outcome.draft.contact.full_name == make_people(ROSTER_SIZE, 11)[0].contact.full_name


def test_demo_leads_come_through_the_lead_door(ctx: AppContext) -> None:
    """Issue #13: demo leads were raw inserts, so they had no plan and no routing history."""
    summary = build_demo(ctx, leads=30)
    leads = ctx.leads.list_leads(summary.event.id)
    assert len(leads) == 30
    assert all(lead.owner for lead in leads)  # routed as a scan would be
    planned = {t.lead_id for t in ctx.followups.touches(summary.event.id)}
    contactable = {lead.id for lead in leads if not lead.please_delete}
    assert contactable and contactable <= planned


def test_demo_command_builds_leads_end_to_end(cli, data_dir) -> None:  # type: ignore[no-untyped-def]
    """Issue #23: `boothapp demo --no-gui --leads N` (the bulk path, in chunks with relaxed
    disk flushes) leaves every lead planned and the database back to its durable settings."""
    from sqlalchemy import text

    from boothapp.app import build_context

    run = cli("demo", "--no-gui", "--leads", "45")
    assert run.code == 0, run.err
    assert "45 leads added" in run.out
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.find_event("Demo Expo")
        leads = ctx.leads.list_leads(event.id)
        assert len(leads) == 45
        touches = ctx.followups.touches(event.id)
        assert {lead.id for lead in leads if not lead.please_delete} <= {t.lead_id for t in touches}
        mail = next(t for t in touches if t.channel.value == "email")
        lead = next(lead for lead in leads if lead.id == mail.lead_id)
        # Filled into the shared rendering, when the mail is read (issue 23).
        # (Japanese greets by the family name, most languages by the given one.)
        body = ctx.followups.message(mail.id).text
        assert lead.contact.first_name in body or lead.contact.last_name in body
        with ctx.db.session() as s:
            assert s.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL again
            # Each capture's clock: one row that stands for its captured values (issue 23).
            clocks = text("SELECT count(DISTINCT lead_id) FROM field_clocks WHERE field = '**'")
            assert s.execute(clocks).scalar_one() == 45
    finally:
        ctx.close()


def test_demo_twice_on_one_folder_adds_new_visitors(cli, data_dir) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 walk: a second `demo --leads N` on the same folder stopped on the first run's
    badges (UNIQUE badge_key) with a page of SQL; it adds N more visitors now."""
    from boothapp.app import build_context

    for _ in range(2):
        run = cli("demo", "--no-gui", "--leads", "20")
        assert run.code == 0, run.err
        assert "20 leads added" in run.out
    ctx = build_context(str(data_dir))
    try:
        leads = ctx.leads.list_leads(ctx.events.find_event("Demo Expo").id)
        assert len(leads) == 40
        assert len({lead.badge_id for lead in leads}) == 40
        assert len({lead.contact.email for lead in leads}) == 40  # new people, not the same again
    finally:
        ctx.close()


def test_an_unforeseen_fault_is_one_line_and_a_private_crash_file(  # type: ignore[no-untyped-def]
    cli, data_dir, monkeypatch
) -> None:
    """A verb that fails in a way nobody foresaw prints one line (no traceback quoting
    visitors' data) and keeps the details in logs/, readable by the user only."""
    import boothapp.demo.build as demo_build

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("row for ayse.yilmaz@example.com could not be written")

    monkeypatch.setattr(demo_build, "build_demo", broken)  # fault injection: the only way in
    run = cli("demo", "--no-gui", "--leads", "5")
    assert run.code == 70
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "RuntimeError" in lines[0], run.err
    assert "ayse" not in run.err
    crash = next((data_dir / "logs").glob("crash-*.log"))
    assert str(crash) in lines[0]
    assert "ayse.yilmaz@example.com" in crash.read_text(encoding="utf-8")
    assert crash.stat().st_mode & 0o077 == 0
