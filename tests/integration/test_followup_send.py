"""Follow-up emails through a real aiosmtpd server on 127.0.0.1, including a crash mid-send."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.services.followup_types import TouchState
from boothapp.store.tables import LeadRow
from boothapp.sync.mail import Pacer, SmtpSender, SmtpSettings
from tests.fixtures_followups import PLANNED_AT, fix_name, make_cast, planned_cast
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.test_mail_smtp import FROM, Recorder, parsed, settings_for

pytestmark = pytest.mark.integration

# The real aiosmtpd server fixture of the mail tests, reused as is.
smtp_server = mail_tests.smtp_server

REPO = Path(__file__).resolve().parents[2]
SECTION = {
    "sender": {
        "company": "Acme Booth",
        "unsubscribe_url": "https://booth.example.com/u/{lead_id}",
        "unsubscribe_mailto": "unsubscribe@booth.example.com",
        "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg, Germany",
    }
}
# Tuesday 24 Nov 2026 07:30 UTC: inside the sending window in Tokyo (16:30), Istanbul (10:30)
# and Berlin (08:30) alike (Monday the 23rd is a public holiday in Japan).
TUESDAY_MORNING = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)


def test_due_email_arrives_personalised_with_both_parts_and_unsubscribe(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        report = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert (report.sent, report.failed, report.flagged_review) == (1, 0, 0)
        _, rcpts, raw = recorder.messages[0]
        assert rcpts == ["heike@acme.de"]
        msg = parsed(raw)
        touch = ctx.followups.lead_touches(cast.hot)[0]
        assert touch.state is TouchState.SENT and touch.outcome == "email_sent"
        assert msg["Message-ID"] == touch.message_id == f"<followup.{touch.id}@booth.example.com>"
        assert msg["Subject"] == touch.subject
        assert str(msg["List-Unsubscribe"]).strip() == (
            f"<mailto:unsubscribe@booth.example.com?subject=unsubscribe%20{cast.hot}>, "
            f"<https://booth.example.com/u/{cast.hot}>"
        )
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg.get_content_type() == "multipart/alternative"
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Heike" in text and "Heike" in html
        # German lead, German template, personalised with name and show.
        assert msg["Subject"] == "Schön, Sie kennengelernt zu haben – CeMAT"
        assert "Hallo Heike," in text
        # Sending again sends nothing more: the touch is sent.
        again = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert again.sent == 0 and len(recorder.messages) == 1
    finally:
        ctx.close()


def test_no_email_after_consent_is_withdrawn(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        with ctx.db.session() as s:
            row = s.get(LeadRow, cast.tokyo)
            assert row is not None
            row.consent_given_at = None
        report = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=TUESDAY_MORNING
        )
        assert report.skipped_no_consent >= 1
        assert all(rcpt != ["yuki@nihon.jp"] for _, rcpt, _ in recorder.messages)
        assert any(rcpt == ["ayse@anadolu.com.tr"] for _, rcpt, _ in recorder.messages)
    finally:
        ctx.close()


def test_bounce_is_visible_and_schedules_a_call(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = make_cast(ctx, SECTION)
        with ctx.db.session() as s:
            row = s.get(LeadRow, cast.hot)
            assert row is not None
            row.email = "nobody@acme.de"  # the test server refuses it with 550
        ctx.followups.plan(cast.event_id, PLANNED_AT)
        report = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert report.failed == 1 and "550" in report.problems[0]
        touches = ctx.followups.lead_touches(cast.hot)
        bounced = touches[0]
        assert bounced.state is TouchState.FAILED and bounced.outcome == "bounced"
        assert "bounced" in bounced.reason
        assert any("email bounced" in t.reason for t in touches if t.state is TouchState.PLANNED)
        assert recorder.messages == []
    finally:
        ctx.close()


_CRASH = textwrap.dedent(
    """
    import os, signal, sys
    from boothapp.app import build_context
    from boothapp.sync import mail
    from boothapp.sync.mail import SmtpSecurity, SmtpSettings
    from tests.fixtures_followups import PLANNED_AT

    original = mail.SmtpSender.send

    def send_then_die(self, msg):
        original(self, msg)  # the server has accepted DATA
        os.kill(os.getpid(), signal.SIGKILL)  # before "sent" is recorded

    mail.SmtpSender.send = send_then_die
    ctx = build_context(sys.argv[1])
    event = ctx.events.find_event("CeMAT")
    settings = SmtpSettings("127.0.0.1", int(sys.argv[2]), SmtpSecurity.NONE, "",
                            "jo@booth.example.com", per_minute_limit=100)
    ctx.followups.send_due(event.id, settings, None, now=PLANNED_AT)
    """
)


def test_crash_between_send_and_record_never_sends_twice(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
    finally:
        ctx.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH, str(data_dir), str(controller.port)],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr.decode()
    assert len(recorder.messages) == 1
    ctx = build_context(str(data_dir))
    try:
        stuck = ctx.followups.lead_touches(cast.hot)[0]
        assert stuck.state is TouchState.SENDING and stuck.message_id
        report = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert report.flagged_review == 1 and report.sent == 0
        assert len(recorder.messages) == 1  # exactly one message on the server
        flagged = ctx.followups.get_touch(stuck.id)
        assert flagged.state is TouchState.REVIEW and stuck.message_id in flagged.reason
        # A third run still does not resend; a person resolves it.
        ctx.followups.send_due(cast.event_id, settings_for(controller), None, now=PLANNED_AT)
        assert len(recorder.messages) == 1
        assert ctx.followups.resolve_review(stuck.id, was_sent=True).state is TouchState.SENT
    finally:
        ctx.close()


def test_crash_reconciled_as_sent_when_the_server_knows_the_message_id(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        touch = ctx.followups.lead_touches(cast.hot)[0]
        with ctx.db.session() as s:
            from boothapp.store.tables import FollowUpRow

            row = s.get(FollowUpRow, touch.id)
            assert row is not None
            row.state, row.message_id = "sending", f"<followup.{touch.id}@booth.example.com>"
        accepted = {f"<followup.{touch.id}@booth.example.com>"}
        report = ctx.followups.send_due(
            cast.event_id,
            settings_for(controller),
            None,
            now=PLANNED_AT,
            lookup=lambda mid: mid in accepted,
        )
        assert report.reconciled_sent == 1 and report.sent == 0
        assert ctx.followups.get_touch(touch.id).state is TouchState.SENT
        assert recorder.messages == []
    finally:
        ctx.close()


def test_per_minute_limit_spaces_the_sends(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    clock = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    def factory(settings: SmtpSettings, password: str | None) -> SmtpSender:
        pacer = Pacer(settings.per_minute_limit, clock=lambda: clock[0], sleep=sleep)
        return SmtpSender(settings, password, pacer=pacer)

    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        # Tokyo's and Istanbul's thank-yous are due too, all inside their windows.
        report = ctx.followups.send_due(
            cast.event_id,
            settings_for(controller, per_minute_limit=1),
            None,
            now=TUESDAY_MORNING,
            sender_factory=factory,
        )
        assert report.sent == len(recorder.messages) >= 3
        assert len(slept) == report.sent - 1 and all(s == pytest.approx(60.0) for s in slept)
    finally:
        ctx.close()


def test_cli_send_logs_in_with_the_password_from_the_environment(
    smtp_server: tuple[Controller, Recorder],
    data_dir: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, recorder = smtp_server
    smtp = {
        "host": "127.0.0.1",
        "port": controller.port,
        "security": "none",
        "username": "jo",
        "from": FROM,
        "from_name": "Jo Lee",
    }
    ctx = build_context(str(data_dir))
    try:
        cast = make_cast(ctx, {**SECTION, "smtp": smtp})
    finally:
        ctx.close()
    now = PLANNED_AT.isoformat()
    assert cli("followups", "plan", "--event", "CeMAT", "--now", now).code == 0
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "wrong")
    run = cli("followups", "send", "--event", "CeMAT", "--now", now)
    assert run.code == 1 and "AUTH: 535" in run.err and "stopped" in run.err
    assert recorder.messages == [] and "0 deferred" in run.out
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    assert all(json.loads(line)["state"] == "planned" for line in listed.lines)  # not a bounce
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "s3cret")
    run = cli("followups", "send", "--event", "CeMAT", "--now", now)
    assert run.code == 0, run.err
    assert run.out.startswith("1 sent, 0 bounced")
    assert [rcpt for _, rcpt, _ in recorder.messages] == [["heike@acme.de"]]
    assert parsed(recorder.messages[0][2])["From"] == f"Jo Lee <{FROM}>"
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    states = {r["lead_id"]: r["state"] for r in map(json.loads, listed.lines) if r["touch"] == 1}
    assert states[cast.hot] == "sent"


def test_a_name_fixed_after_planning_goes_out_fixed_and_the_sent_mail_is_kept(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    """Issue 23: the body is rendered just before sending, so a badge misread fixed after
    planning reaches the lead fixed; what went out is then kept on the touch, whatever the
    lead becomes later."""
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        touch = ctx.followups.lead_touches(cast.hot)[0]
        fix_name(ctx, cast.hot, "Hanna", "Hanna Werke")
        assert "Hallo Hanna," in ctx.followups.preview(touch.id).text  # what the rep checks
        report = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert report.sent == 1
        msg = parsed(recorder.messages[0][2])
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Hallo Hanna," in text and "Hanna" in html and "Heike" not in text + html
        fix_name(ctx, cast.hot, "Greta", "Greta AG")
        sent = ctx.followups.message(touch.id)
        assert "Hallo Hanna," in sent.text and "Greta" not in sent.text + sent.html
        assert sent.subject == msg["Subject"]
        preview = ctx.followups.preview(touch.id)  # the sent mail, as the queue shows it
        assert "Hallo Hanna," in preview.text and "Greta" not in preview.text
        # The touches still to come are written to the lead as it is now.
        call = next(t for t in ctx.followups.lead_touches(cast.hot) if t.channel.value == "call")
        assert "Greta AG" in ctx.followups.message(call.id).text
    finally:
        ctx.close()
