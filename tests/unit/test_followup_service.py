"""FollowUpService over a real SQLite file: planning, consent, outcomes, letters, calendar."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from boothapp.app import AppContext
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Channel, Stage
from boothapp.services.followup_types import TouchState
from boothapp.store.tables import LeadRow
from tests.fixtures_followups import CAPTURED, PLANNED_AT, fix_name, make_cast


def test_plan_puts_every_touch_on_a_weekday_in_working_hours_of_the_leads_zone(
    ctx: AppContext,
) -> None:
    cast = make_cast(ctx)
    summary = ctx.followups.plan(cast.event_id, PLANNED_AT)
    assert summary.leads_planned == 4 and not summary.problems
    touches = ctx.followups.touches(cast.event_id)
    zones = {t.lead_id: t.tz for t in touches}
    assert zones[cast.tokyo] == "Asia/Tokyo" and zones[cast.istanbul] == "Europe/Istanbul"
    for t in touches:
        if t.template_id == "hot_thank_you":
            continue  # answered at once, by design
        local = t.due_utc.astimezone(ZoneInfo(t.tz))
        assert local.weekday() < 5, (t.lead_id, local)
        assert time(8, 30) <= local.time() <= time(17, 0), (t.lead_id, local)
        assert t.subject and ctx.followups.message(t.id).text and t.reason
    # The first follow-up of a non-hot lead: a midweek morning within 48 h of the show end.
    first_tokyo = min((t for t in touches if t.lead_id == cast.tokyo), key=lambda t: t.due_utc)
    local = first_tokyo.due_utc.astimezone(ZoneInfo("Asia/Tokyo"))
    assert local.weekday() in (1, 2, 3) or "no midweek morning" in first_tokyo.reason
    assert time(8, 30) <= local.time() < time(11, 30)
    # Turkish lead gets the Turkish template; every lead gets at least three touches.
    ayse = [t for t in touches if t.lead_id == cast.istanbul]
    assert "Ayşe" in ctx.followups.message(ayse[0].id).text and len(ayse) >= 3
    assert all(len([t for t in touches if t.lead_id == lid]) >= 3 for lid in zones)


def test_hot_lead_gets_the_immediate_thank_you(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    hot = ctx.followups.lead_touches(cast.hot)
    first = hot[0]
    assert first.template_id == "hot_thank_you" and first.channel is Channel.EMAIL
    assert first.due_utc - CAPTURED <= timedelta(minutes=5)
    assert "Heike" in ctx.followups.message(first.id).text and first.owner == "Jo Lee"
    assert any(t.channel is Channel.CALL for t in hot)


def test_planning_keeps_the_subject_and_the_body_is_rendered_when_read(ctx: AppContext) -> None:
    """Issue 23: a plan stores each touch's subject (the lists show it), no body: the rep
    still reads the whole message, the e-mail as HTML, rendered from the lead when asked."""
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    hot = ctx.followups.lead_touches(cast.hot)
    emails = [t for t in hot if t.channel is Channel.EMAIL]
    others = [t for t in hot if t.channel is not Channel.EMAIL]
    assert emails and others
    assert all(t.subject and t.text == t.html == "" for t in hot)  # the row: no body
    for t in emails:
        preview = ctx.followups.preview(t.id)
        assert "<html" in preview.html and "Hallo Heike," in preview.text
        assert preview.subject == t.subject
    assert all("Heike" in ctx.followups.message(t.id).text for t in others)


def test_a_name_fixed_after_planning_is_in_the_letter_and_the_calendar(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A badge misread fixed after the plan: the letter printed and the rep's calendar carry
    the fixed name; the printed letter is kept as printed when the lead changes again."""
    cast = make_cast(ctx)
    with ctx.db.session() as s:
        row = s.get(LeadRow, cast.chicago_no_consent)
        assert row is not None
        row.phone = ""  # no consent, no phone: the show follow-up goes by post
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    letter = next(
        t
        for t in ctx.followups.lead_touches(cast.chicago_no_consent)
        if t.channel is Channel.LETTER
    )
    fix_name(ctx, cast.chicago_no_consent, "Charles", "Corn Inc.")
    assert ctx.followups.get_touch(letter.id).state is TouchState.PLANNED  # not re-planned
    cal = ctx.followups.calendar(cast.event_id, "Jo Lee", PLANNED_AT)
    assert "Dear Charles Demir" in cal and "Chuck" not in cal
    out = tmp_path / "letters.pdf"
    assert ctx.followups.letters_pdf(cast.event_id, out, letter.due_utc + timedelta(hours=1)) == 1
    text = PdfReader(str(out)).pages[0].extract_text()
    assert "Dear Charles Demir" in text and "Chuck" not in text
    fix_name(ctx, cast.chicago_no_consent, "Charlie", "Corn Inc.")
    printed = ctx.followups.message(letter.id)
    assert "Dear Charles Demir" in printed.text and "Charlie" not in printed.text


def test_a_touch_planned_with_its_body_shows_that_body(ctx: AppContext) -> None:
    """Databases planned before bodies were rendered when read hold each planned body: it is
    what the queue shows and what would be sent, as before (no migration needed)."""
    from boothapp.store.tables import FollowUpRow

    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    mail = ctx.followups.lead_touches(cast.hot)[0]
    with ctx.db.session() as s:
        row = s.get(FollowUpRow, mail.id)
        assert row is not None
        row.body_text, row.body_html = (
            "Hallo Heike, as planned.\n",
            "<p>Hallo Heike, as planned.</p>",
        )
    assert ctx.followups.message(mail.id).text == "Hallo Heike, as planned.\n"
    preview = ctx.followups.preview(mail.id)
    assert preview.text.startswith("Hallo Heike, as planned.") and "as planned." in preview.html


def test_no_email_touch_without_consent(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    chuck = ctx.followups.lead_touches(cast.chicago_no_consent)
    assert chuck and all(t.channel is not Channel.EMAIL for t in chuck)
    assert "no marketing consent" in chuck[0].reason


def test_plan_twice_keeps_one_plan_and_replan_keeps_done_touches(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    before = ctx.followups.touches(cast.event_id)
    assert ctx.followups.plan(cast.event_id, PLANNED_AT).touches_planned == 0
    call = next(t for t in before if t.lead_id == cast.hot and t.channel is Channel.CALL)
    ctx.followups.record_outcome(call.id, Outcome.REACHED, now=PLANNED_AT)
    ctx.followups.plan(cast.event_id, PLANNED_AT, replan=True, lead_ids=[cast.hot])
    after = ctx.followups.lead_touches(cast.hot)
    kept = [t for t in after if t.id == call.id]
    assert kept and kept[0].state is TouchState.DONE and kept[0].outcome == "reached"
    numbers = [t.touch_number for t in after]
    assert len(numbers) == len(set(numbers))


def test_five_unanswered_calls_mark_not_interested_and_keep_the_lead(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    touch = next(
        t for t in ctx.followups.lead_touches(cast.chicago_no_consent) if t.channel is Channel.CALL
    )
    now = PLANNED_AT
    results = []
    for _ in range(5):
        now += timedelta(days=1)
        result = ctx.followups.record_outcome(touch.id, Outcome.NO_ANSWER, "staff-1", now=now)
        results.append(result)
        if result.next_touch is not None:
            touch = result.next_touch
    assert all(r.next_touch is not None for r in results[:4])
    assert results[-1].new_stage == Stage.NOT_INTERESTED.value and results[-1].next_touch is None
    lead = ctx.leads.get_lead(cast.chicago_no_consent)  # still there
    assert lead.stage is Stage.NOT_INTERESTED
    assert any(
        c.field == "stage" and c.new_value == "not_interested" for c in ctx.leads.history(lead.id)
    )
    left = ctx.followups.lead_touches(lead.id)
    assert not [t for t in left if t.state in (TouchState.PLANNED, TouchState.APPROVED)]
    assert any(t.state is TouchState.CANCELLED for t in left)  # kept, not deleted


def test_call_outcome_schedules_the_next_call_and_metrics_count_it(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    call = next(t for t in ctx.followups.lead_touches(cast.hot) if t.channel is Channel.CALL)
    result = ctx.followups.record_outcome(call.id, "voicemail", now=PLANNED_AT + timedelta(hours=2))
    assert result.next_touch is not None and result.next_touch.channel is Channel.CALL
    local = result.next_touch.due_utc.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.weekday() < 5 and time(9, 0) <= local.time() < time(17, 0)
    # The next call reaches them: the first contact still counts (the earliest done touch).
    ctx.followups.record_outcome(
        result.next_touch.id, "reached", now=PLANNED_AT + timedelta(days=3)
    )
    # Another show's lead called sooner is not this show's (issue 23: read without the join).
    other = make_cast(ctx, name="LogiMAT")
    ctx.followups.plan(other.event_id, PLANNED_AT)
    theirs = next(t for t in ctx.followups.lead_touches(other.hot) if t.channel is Channel.CALL)
    ctx.followups.record_outcome(theirs.id, "reached", now=PLANNED_AT + timedelta(minutes=30))
    metrics = ctx.followups.metrics(cast.event_id)
    assert metrics.per_lead[cast.hot] == timedelta(hours=2, minutes=5)
    assert metrics.per_staff["Jo Lee"].median == timedelta(hours=2, minutes=5)
    assert metrics.per_event[cast.event_id].contacted == 1
    assert other.hot not in metrics.per_lead and list(metrics.per_event) == [cast.event_id]
    assert cast.tokyo in metrics.not_contacted


def test_queue_lists_due_and_overdue_per_owner(ctx: AppContext) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    today = PLANNED_AT.astimezone(ZoneInfo("Europe/Berlin")).date()
    mine = ctx.followups.queue(cast.event_id, "Jo Lee", today)
    assert mine and all(i.touch.owner == "Jo Lee" for i in mine)
    assert any(i.touch.template_id == "hot_thank_you" for i in mine)
    later = ctx.followups.queue(cast.event_id, "Jo Lee", today + timedelta(days=9))
    assert any(i.overdue for i in later)


def test_letters_and_calendar_files(ctx: AppContext, tmp_path: Path) -> None:
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    cal = ctx.followups.calendar(cast.event_id, "Jo Lee", PLANNED_AT)
    assert cal.startswith("BEGIN:VCALENDAR") and "SUMMARY:Call Chuck Demir" in cal
    assert "Yuki" not in cal  # Ana's lead
    # Without any letter due there is nothing to print: a clear error.
    try:
        ctx.followups.letters_pdf(cast.event_id, tmp_path / "none.pdf", PLANNED_AT)
    except ValueError as exc:
        assert "no letters" in str(exc)
    else:
        raise AssertionError("expected no letters")


def test_due_letters_print_into_one_pdf_once(ctx: AppContext, tmp_path: Path) -> None:
    cast = make_cast(ctx)
    with ctx.db.session() as s:
        row = s.get(LeadRow, cast.chicago_no_consent)
        assert row is not None
        row.phone = ""  # no consent, no phone: the show follow-up goes by post
        row.city = "Chicago"
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    letters = [
        t
        for t in ctx.followups.lead_touches(cast.chicago_no_consent)
        if t.channel is Channel.LETTER
    ]
    assert letters and "letter instead of email" in letters[0].reason
    out = tmp_path / "letters.pdf"
    when = letters[0].due_utc + timedelta(hours=1)
    assert ctx.followups.letters_pdf(cast.event_id, out, when) == 1
    text = PdfReader(str(out)).pages[0].extract_text()
    assert "Chuck Demir" in text and "Chicago" in text
    assert ctx.followups.get_touch(letters[0].id).outcome == "printed"
    try:
        ctx.followups.letters_pdf(cast.event_id, tmp_path / "again.pdf", when)
    except ValueError as exc:
        assert "no letters" in str(exc)
    else:
        raise AssertionError("a printed letter must not print again")
