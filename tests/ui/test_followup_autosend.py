"""The booth laptop sends due follow-ups by itself (real SMTP server on loopback)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.workers import followup_autosend as autosend_module
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


def _due_backlog(ctx, runner: TaskRunner, controller: Controller):  # type: ignore[no-untyped-def]
    """The cast's follow-ups planned and due, what a dry run would send, and a sender set up
    for the test server."""
    cast = make_cast(ctx, SECTION)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    settings = settings_for(controller)
    due = ctx.followups.send_due(cast.event_id, settings, None, dry_run=True, now=PLANNED_AT)
    assert due.would_send
    sender = FollowUpAutoSender(ctx.followups, runner, cast.event_id, clock=lambda: PLANNED_AT)
    sender.configure(settings, None)
    return cast.event_id, settings, due, sender


def test_a_run_gives_way_to_the_gui_thread_before_each_mail_and_sends_them_all(
    qtbot,
    smtp_server: tuple[Controller, Recorder],
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 23: a days-old event's backlog goes out in one run on a pool thread; before each
    due mail the run sleeps (the GIL released for the scanning GUI thread), and every mail
    that was due still reaches the server."""
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    pauses: list[tuple[int, int, int]] = []  # (done, total, thread)
    real = autosend_module.give_way

    def recorded(done: int, total: int) -> None:
        pauses.append((done, total, threading.get_ident()))
        real(done, total)

    monkeypatch.setattr(autosend_module, "give_way", recorded)
    try:
        _event_id, _settings, due, sender = _due_backlog(ctx, runner, controller)
        with qtbot.waitSignal(sender.sent, timeout=10_000) as done:
            sender.run_now()
        report = done.args[0]
        assert report.sent == len(due.would_send) and report.failed == 0
        assert len(recorder.messages) == len(due.would_send)
        total = pauses[0][1]
        # One pause before each due touch (sent, re-planned or skipped), none on the GUI thread.
        assert [d for d, _t, _who in pauses if d < total] == list(range(total))
        assert threading.get_ident() not in {who for _d, _t, who in pauses}
        sender.stop()
    finally:
        runner.wait()
        ctx.close()


def test_stopping_the_sender_ends_its_run_before_the_next_mail_and_keeps_the_rest_due(
    qtbot,
    smtp_server: tuple[Controller, Recorder],
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 23: the app closing stops a paced backlog run before its next mail; before, the
    pool thread went on sending for minutes and the app did not quit until it was done. What
    was not sent stays due and goes out on the next start."""
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    reached, go = threading.Event(), threading.Event()
    real = autosend_module.give_way

    def held(done: int, total: int) -> None:
        real(done, total)
        if done == 0:  # the app closes while the run waits to send its first due mail
            reached.set()
            go.wait(10)

    monkeypatch.setattr(autosend_module, "give_way", held)
    try:
        event_id, settings, due, sender = _due_backlog(ctx, runner, controller)
        failures: list[str] = []
        reports: list[object] = []
        sender.failed.connect(failures.append)
        sender.sent.connect(reports.append)
        sender.run_now()
        assert reached.wait(10)
        sender.stop()
        go.set()
        runner.wait()
        qtbot.waitUntil(lambda: not sender._busy, timeout=5000)
        # Closing is not a failure to show or log, and nothing was sent to report.
        assert failures == [] and reports == []
        assert "background task failed" not in caplog.text
        assert recorder.messages == []
        left = ctx.followups.send_due(event_id, settings, None, dry_run=True, now=PLANNED_AT)
        assert left.would_send == due.would_send
    finally:
        go.set()
        runner.wait()
        ctx.close()
