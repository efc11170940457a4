"""Replies in the follow-up mailbox, read from a real Dovecot on 127.0.0.1 before a send run:
a reply to the unsubscribe mailto (with or without the lead id) marks the lead unsubscribed,
and a delivery status notification (5.1.1) for a sent mail is a late bounce (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.services.followup_types import TouchState
from boothapp.store.tables import LeadRow
from tests.fixtures_followups import PLANNED_AT, planned_cast
from tests.integration import imap_server
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.imap_server import PASSWORD, DovecotServer
from tests.integration.test_followup_imap import _imap, _smtp
from tests.integration.test_followup_send import SECTION
from tests.integration.test_mail_smtp import Recorder, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server
dovecot = imap_server.dovecot

TUESDAY = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # inside every lead's window


def _deliver(server: DovecotServer, msg: EmailMessage | bytes) -> None:
    """Put a message in INBOX unseen, as the MTA would."""
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    conn = server.connect()
    try:
        typ, data = conn.append("INBOX", "", None, raw)
        assert typ == "OK", data
    finally:
        conn.logout()


def _reply(sender: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "unsubscribe@booth.example.com", subject
    msg.set_content("Please take me off your list.")
    return msg


def _dsn(message_id: str, recipient: str) -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@relay.example.com\r\n"
        "To: jo@booth.example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n'
        "\r\n--B1\r\nContent-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "\r\n--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; relay.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "\r\n--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nTo: {recipient}\r\nSubject: Hello\r\n"
        "\r\n--B1--\r\n"
    ).encode()


def test_unsubscribe_replies_and_a_late_bounce_are_applied_before_sending(
    smtp_server: tuple[Controller, Recorder],
    dovecot: DovecotServer,
    data_dir: Path,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        section = {**SECTION, "smtp": _smtp(controller), "imap": _imap(dovecot)}
        cast = planned_cast(ctx, section)
        first = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT
        )
        assert first.sent == 1  # Heike's hot thank-you
        sent = ctx.followups.lead_touches(cast.hot)[0]
        assert sent.state is TouchState.SENT
    finally:
        ctx.close()
    _deliver(dovecot, _reply("yuki@nihon.jp", f"Re: unsubscribe {cast.tokyo}"))
    _deliver(dovecot, _reply("Ayşe <ayse@anadolu.com.tr>", "unsubscribe"))
    _deliver(dovecot, _dsn(sent.message_id, "heike@acme.de"))
    monkeypatch.setenv("BOOTHAPP_IMAP_PASSWORD", PASSWORD)
    before = len(recorder.messages)
    run = cli("followups", "send", "--event", "CeMAT", "--now", TUESDAY.isoformat())
    assert "from the mailbox: 2 unsubscribed, 1 bounced after delivery" in run.out, run.err
    delivered = [r[0] for _, r, _ in recorder.messages[before:]]
    assert "yuki@nihon.jp" not in delivered and "ayse@anadolu.com.tr" not in delivered
    ctx = build_context(str(data_dir))
    try:
        with ctx.db.read() as s:
            for lead_id in (cast.tokyo, cast.istanbul):
                row = s.get(LeadRow, lead_id)
                assert row is not None and row.unsubscribed_at is not None
            hot = s.get(LeadRow, cast.hot)
            assert hot is not None and hot.unsubscribed_at is None
        bounced = ctx.followups.get_touch(sent.id)
        assert bounced.state is TouchState.FAILED and "DSN 5.1.1" in bounced.reason
        # Read once: a second run finds nothing new in the mailbox.
        again = cli("followups", "send", "--event", "CeMAT", "--now", TUESDAY.isoformat())
        assert "from the mailbox" not in again.out
    finally:
        ctx.close()
