"""Interrupted follow-up sends settled from the Sent folder of a real Dovecot on 127.0.0.1.

The SMTP side is the aiosmtpd server of the mail tests. "The server filed the message in
Sent" is played by APPENDing it over IMAP, as Gmail or Microsoft 365 do for every message
they accept. Dovecot comes from Debian (`make sysdeps`); without it these tests fail, they
do not skip.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import AppContext, build_context
from boothapp.services.followup_types import TouchState
from boothapp.store.tables import FollowUpRow
from boothapp.sync.imap import ImapSecurity, ImapSentLookup, ImapSettings
from tests.fixtures_followups import PLANNED_AT, planned_cast
from tests.integration import imap_server
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.imap_server import (
    PASSWORD,
    USER,
    DovecotServer,
    DovecotUnavailable,
    start_server,
)
from tests.integration.test_followup_send import _CRASH, REPO, SECTION
from tests.integration.test_mail_smtp import FROM, Recorder, parsed, settings_for

pytestmark = pytest.mark.integration
smtp_server = mail_tests.smtp_server
dovecot = imap_server.dovecot  # the real Dovecot fixture, shared with the UI test


def _imap(server: DovecotServer, **overrides: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": USER,
        "server_files_sent": True,
        **overrides,
    }


def _smtp(controller: Controller) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": controller.port, "security": "none", "from": FROM}


def stuck_touch(ctx: AppContext, lead_id: str) -> tuple[str, str]:
    """Leave the lead's first touch as a crash would: ``sending`` with its Message-ID."""
    touch = ctx.followups.lead_touches(lead_id)[0]
    mid = f"<followup.{touch.id}@booth.example.com>"
    with ctx.db.session() as s:
        row = s.get(FollowUpRow, touch.id)
        assert row is not None
        row.state, row.message_id, row.attempts = TouchState.SENDING.value, mid, 1
    return touch.id, mid


def test_crashed_send_found_in_sent_is_marked_sent_and_not_resent(
    smtp_server: tuple[Controller, Recorder],
    dovecot: DovecotServer,
    data_dir: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, {**SECTION, "smtp": _smtp(controller), "imap": _imap(dovecot)})
    finally:
        ctx.close()
    # A real crash: the SMTP server accepts the message, the process dies before "sent".
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH, str(data_dir), str(controller.port)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr.decode()
    assert len(recorder.messages) == 1
    accepted = recorder.messages[0][2]
    dovecot.file_message(accepted)  # the provider filed what it accepted
    recorder.messages.clear()
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "unused")
    monkeypatch.setenv("BOOTHAPP_IMAP_PASSWORD", PASSWORD)

    run = cli("followups", "send", "--event", "CeMAT", "--now", PLANNED_AT.isoformat())

    assert run.code == 0, run.err
    assert run.out.splitlines()[0].startswith("0 sent, 0 bounced")
    assert (
        "interrupted sends (IMAP folder 'Sent'): 1 confirmed sent, 0 re-planned to send again, "
        "0 left for review" in run.out
    )
    assert recorder.messages == []  # nothing went out a second time
    listed = [json.loads(x) for x in cli("followups", "list", "--event", "CeMAT", "--format",
                                         "json").lines]  # fmt: skip
    hot = next(r for r in listed if r["lead_id"] == cast.hot and r["touch"] == 1)
    assert hot["state"] == "sent"
    assert parsed(accepted)["Message-ID"] in hot["reason"]


def test_not_in_sent_on_a_filing_server_is_replanned_and_sent_once(
    smtp_server: tuple[Controller, Recorder], dovecot: DovecotServer, data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        touch_id, mid = stuck_touch(ctx, cast.hot)
        settings = ImapSettings("127.0.0.1", dovecot.port, ImapSecurity.NONE, USER,
                                server_files_sent=True)  # fmt: skip
        with ImapSentLookup(settings, PASSWORD) as lookup:
            report = ctx.followups.send_due(
                cast.event_id, settings_for(controller), None, now=PLANNED_AT, lookup=lookup
            )
        assert (report.reconciled_sent, report.reconciled_replanned) == (0, 1)
        assert report.flagged_review == 0 and report.sent == 1
        assert [parsed(raw)["Message-ID"] for _, _, raw in recorder.messages] == [mid]
        touch = ctx.followups.get_touch(touch_id)
        assert touch.state is TouchState.SENT and "never reached the server" in touch.reason
        # The next run finds nothing to settle and sends nothing more.
        again = ctx.followups.send_due(
            cast.event_id, settings_for(controller), None, now=PLANNED_AT, lookup=lookup
        )
        assert again.sent == again.reconciled_replanned == 0 and len(recorder.messages) == 1
    finally:
        ctx.close()


def test_not_in_sent_when_the_server_does_not_file_is_left_for_review(
    smtp_server: tuple[Controller, Recorder], dovecot: DovecotServer, data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        touch_id, mid = stuck_touch(ctx, cast.hot)
        settings = ImapSettings("127.0.0.1", dovecot.port, ImapSecurity.NONE, USER)
        with ImapSentLookup(settings, PASSWORD) as lookup:
            report = ctx.followups.send_due(
                cast.event_id, settings_for(controller), None, now=PLANNED_AT, lookup=lookup
            )
        assert (report.reconciled_sent, report.reconciled_replanned) == (0, 0)
        assert report.reconciled_review == report.flagged_review == 1
        assert "server_files_sent is false" in report.review_reasons[0]
        assert all(parsed(raw)["Message-ID"] != mid for _, _, raw in recorder.messages)
        touch = ctx.followups.get_touch(touch_id)
        assert touch.state is TouchState.REVIEW
        assert mid in touch.reason and "not resent automatically" in touch.reason
    finally:
        ctx.close()


def test_wrong_imap_password_leaves_it_for_review_with_the_reason(
    smtp_server: tuple[Controller, Recorder],
    dovecot: DovecotServer,
    data_dir: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, {**SECTION, "smtp": _smtp(controller), "imap": _imap(dovecot)})
        touch_id, mid = stuck_touch(ctx, cast.hot)
        stuck_too, mid_too = stuck_touch(ctx, cast.istanbul)
    finally:
        ctx.close()
    dovecot.file_message(f"Message-ID: {mid}\r\nSubject: x\r\n\r\nx\r\n".encode())
    monkeypatch.setenv("BOOTHAPP_IMAP_PASSWORD", "not-the-password")

    run = cli("followups", "send", "--event", "CeMAT", "--now", PLANNED_AT.isoformat())

    assert run.code == 1  # something needs a person
    assert "0 confirmed sent, 0 re-planned to send again, 2 left for review" in run.out
    assert (
        f"review: 2 interrupted sends left for review: IMAP: login as {USER!r} refused: "
        "[AUTHENTICATIONFAILED] Authentication failed." in run.out
    )
    assert "not-the-password" not in run.out + run.err
    sent_ids = {parsed(raw)["Message-ID"] for _, _, raw in recorder.messages}
    assert mid not in sent_ids and mid_too not in sent_ids  # nothing resent on doubt
    ctx = build_context(str(data_dir))
    try:
        for tid in (touch_id, stuck_too):
            touch = ctx.followups.get_touch(tid)
            assert touch.state is TouchState.REVIEW and "login as" in touch.reason
    finally:
        ctx.close()


def test_unreachable_imap_server_is_one_reason_not_a_crash(
    smtp_server: tuple[Controller, Recorder], data_dir: Path
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    try:
        cast = planned_cast(ctx, SECTION)
        stuck = {stuck_touch(ctx, cast.hot)[1], stuck_touch(ctx, cast.istanbul)[1]}
        closed = mail_tests._free_port()  # nothing listens there
        settings = ImapSettings("127.0.0.1", closed, ImapSecurity.NONE, USER,
                                server_files_sent=True, timeout_s=5)  # fmt: skip
        with ImapSentLookup(settings, PASSWORD) as lookup:
            report = ctx.followups.send_due(
                cast.event_id, settings_for(controller), None, now=PLANNED_AT, lookup=lookup
            )
        assert report.reconciled_review == 2 and report.reconciled_replanned == 0
        (reason,) = report.review_reasons
        assert reason.startswith(f"2 interrupted sends left for review: IMAP: cannot reach "
                                 f"127.0.0.1:{closed}")  # fmt: skip
        assert not stuck & {parsed(raw)["Message-ID"] for _, _, raw in recorder.messages}
    finally:
        ctx.close()


def test_sent_folder_found_by_its_special_use_flag_not_its_name() -> None:
    # "Gesendet" is marked \Sent; a plain folder literally named "Sent" stands beside it.
    try:
        server = start_server("Gesendet")
    except DovecotUnavailable as exc:
        pytest.fail(str(exc))
    try:
        mid = "<followup.t-42@booth.example.com>"
        server.file_message(f"Message-ID: {mid}\r\nSubject: Danke\r\n\r\nHallo\r\n".encode())
        conn = server.connect()
        try:
            folders = [line.decode() for line in conn.list()[1] if isinstance(line, bytes)]
        finally:
            conn.logout()
        assert any(f.endswith('"/" Sent') for f in folders)  # the decoy is really there
        settings = ImapSettings("127.0.0.1", server.port, ImapSecurity.NONE, USER,
                                server_files_sent=True)  # fmt: skip
        with ImapSentLookup(settings, PASSWORD) as lookup:
            assert lookup(mid) is True
            assert lookup.folder == "Gesendet"
            assert lookup("<followup.t-43@booth.example.com>") is False
        # Named by hand, the decoy folder is searched instead: the message is not there.
        by_name = ImapSettings("127.0.0.1", server.port, ImapSecurity.NONE, USER,
                               sent_folder="Sent")  # fmt: skip
        with ImapSentLookup(by_name, PASSWORD) as lookup:
            assert lookup(mid) is None and lookup.folder == "Sent"
            assert "server_files_sent is false" in lookup.last_reason
    finally:
        server.stop()


def test_ssl_and_starttls_with_a_trusted_certificate_and_refused_without() -> None:
    try:
        server = start_server("Sent", tls=True)
    except DovecotUnavailable as exc:
        pytest.fail(str(exc))
    try:
        assert server.cert is not None
        mid = "<followup.t-7@booth.example.com>"
        server.file_message(f"Message-ID: {mid}\r\nSubject: Hi\r\n\r\nHi\r\n".encode())
        trusted = ssl.create_default_context(cafile=str(server.cert))
        for security, port in ((ImapSecurity.SSL, server.tls_port),
                               (ImapSecurity.STARTTLS, server.port)):  # fmt: skip
            settings = ImapSettings("127.0.0.1", port, security, USER, server_files_sent=True)
            with ImapSentLookup(settings, PASSWORD, ssl_context=trusted) as lookup:
                assert lookup(mid) is True, lookup.problem
            # The system's trust store does not know the self-signed certificate: no login
            # happens, and the answer is "cannot tell", never "not there".
            with ImapSentLookup(settings, PASSWORD) as lookup:
                assert lookup(mid) is None
                assert "certificate verify failed" in lookup.problem
                assert ("TLS with" if security is ImapSecurity.SSL else "STARTTLS with") in (
                    lookup.problem
                )
    finally:
        server.stop()
