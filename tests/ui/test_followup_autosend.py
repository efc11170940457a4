"""The booth laptop sends due follow-ups by itself (real SMTP server on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.workers.followup_autosend import FollowUpAutoSender
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import PLANNED_AT, make_cast
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.test_mail_smtp import Recorder, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server
SECTION = {"sender": {"company": "Acme Booth",
                      "unsubscribe_url": "https://booth.example.com/u/{lead_id}",
                      # Required before any mail goes out (issue 16).
                      "unsubscribe_mailto": "unsubscribe@booth.example.com",
                      "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg"}}  # fmt: skip


def test_due_emails_go_out_without_anyone_pressing_send(
    qtbot,
    smtp_server: tuple[Controller, Recorder],
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    try:
        cast = make_cast(ctx, SECTION)
        ctx.followups.plan(cast.event_id, PLANNED_AT)  # the hot lead's thank-you is due now
        # The run's clock: Thursday 14:05 in Berlin, inside the hot lead's sending window.
        sender = FollowUpAutoSender(ctx.followups, runner, cast.event_id, clock=lambda: PLANNED_AT)
        sender.configure(None, None)
        assert not sender.active  # no SMTP set up: nothing runs
        sender.configure(settings_for(controller), None)
        assert sender.active
        with qtbot.waitSignal(sender.sent, timeout=10_000) as done:
            sender.run_now()
        report = done.args[0]
        assert report.sent >= 1 and report.failed == 0
        assert len(recorder.messages) == report.sent
        assert "heike@acme.de" in {r for _, rcpts, _ in recorder.messages for r in rcpts}
        sender.run_now()  # nothing new is due: nothing is sent twice
        runner.wait()
        assert len(recorder.messages) == report.sent
        sender.stop()
    finally:
        runner.wait()
        ctx.close()
