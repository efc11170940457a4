"""The booth laptop settles a send interrupted by a crash from the Sent folder by itself
(real aiosmtpd and a real Dovecot on loopback)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.services.followup_mail import SentFolderAccess
from boothapp.services.followup_types import TouchState
from boothapp.sync.imap import ImapSecurity, ImapSettings
from boothapp.workers.followup_autosend import FollowUpAutoSender
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import planned_cast
from tests.integration import imap_server
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.imap_server import PASSWORD, USER, DovecotServer
from tests.integration.test_followup_imap import stuck_touch
from tests.integration.test_mail_smtp import Recorder, parsed, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server
dovecot = imap_server.dovecot
SECTION = {"sender": {"company": "Acme Booth",
                      "unsubscribe_url": "https://booth.example.com/u/{lead_id}",
                      # Required before any mail goes out (issue 16).
                      "unsubscribe_mailto": "unsubscribe@booth.example.com",
                      "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg"}}  # fmt: skip


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_autosender_settles_an_interrupted_send_from_the_sent_folder(
    qtbot,  # type: ignore[no-untyped-def]
    smtp_server: tuple[Controller, Recorder],
    dovecot: DovecotServer,
    data_dir: Path,
    password: str,
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    try:
        cast = planned_cast(ctx, SECTION)
        # A crash after the server accepted it; the provider filed it in Sent.
        touch_id, mid = stuck_touch(ctx, cast.hot)
        dovecot.file_message(f"Message-ID: {mid}\r\nSubject: Hello\r\n\r\nHi\r\n".encode())
        imap = ImapSettings("127.0.0.1", dovecot.port, ImapSecurity.NONE, USER,
                            server_files_sent=True)  # fmt: skip
        sender = FollowUpAutoSender(ctx.followups, runner, cast.event_id)
        sender.configure(settings_for(controller), None, SentFolderAccess(imap, password))
        with qtbot.waitSignal(sender.sent, timeout=15_000) as done:
            sender.run_now()
        report = done.args[0]
        assert all(parsed(raw)["Message-ID"] != mid for _, _, raw in recorder.messages)
        state = ctx.followups.get_touch(touch_id).state
        if password == PASSWORD:
            assert report.reconciled_sent == 1 and state is TouchState.SENT
        else:
            assert report.reconciled_review == 1 and state is TouchState.REVIEW
            assert "IMAP: login as" in report.review_reasons[0]
        sender.stop()
    finally:
        runner.wait()
        ctx.close()


def test_send_button_settles_an_interrupted_send_before_sending(
    qtbot,  # type: ignore[no-untyped-def]
    smtp_server: tuple[Controller, Recorder],
    dovecot: DovecotServer,
    data_dir: Path,
) -> None:
    from boothapp.core.models import Channel
    from boothapp.ui.followup_queue_page import FollowUpQueuePage

    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    try:
        cast = planned_cast(ctx, SECTION)
        interrupted_id, mid = stuck_touch(ctx, cast.hot)
        dovecot.file_message(f"Message-ID: {mid}\r\nSubject: Hello\r\n\r\nHi\r\n".encode())
        other = next(
            t for t in ctx.followups.lead_touches(cast.tokyo)
            if t.channel is Channel.EMAIL and t.state is TouchState.PLANNED
        )  # fmt: skip
        imap = ImapSettings("127.0.0.1", dovecot.port, ImapSecurity.NONE, USER,
                            server_files_sent=True)  # fmt: skip
        event = ctx.events.find_event(cast.event_id)
        # Today: both are overdue; the send happens inside Tokyo's window (Tue 16:30 there).
        page = FollowUpQueuePage(
            ctx.followups, runner, event, now=lambda: datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
        )
        qtbot.addWidget(page)
        page.set_mail(settings_for(controller), None, SentFolderAccess(imap, PASSWORD))
        page.refresh()
        qtbot.waitUntil(lambda: page.list.count() > 0, timeout=5000)
        page.select_touch(other.id)
        qtbot.waitUntil(lambda: page.selected_touch_id() == other.id, timeout=5000)
        page.send_selected()
        qtbot.waitUntil(
            lambda: ctx.followups.get_touch(other.id).state is TouchState.SENT, timeout=15_000
        )
        # The interrupted one was found in Sent: marked sent, not sent a second time.
        assert ctx.followups.get_touch(interrupted_id).state is TouchState.SENT
        ids = [parsed(raw)["Message-ID"] for _, _, raw in recorder.messages]
        assert mid not in ids and len(ids) == 1
    finally:
        runner.wait()
        ctx.close()
