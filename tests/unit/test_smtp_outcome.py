"""The typed verdict of an SMTP failure by phase and code (RFC 5321, RFC 3463), not by its
words (issue 16: a 500 at DATA made 71 leads "bounced")."""

from __future__ import annotations

import pytest

from boothapp.sync.smtp_outcome import MailFailure, SmtpPhase, classify

P = SmtpPhase


@pytest.mark.parametrize(
    ("phase", "code", "text", "failure"),
    [
        (P.RCPT, 550, "5.1.1 No such user", MailFailure.BOUNCE),
        (P.RCPT, 550, "No such user here", MailFailure.BOUNCE),  # no enhanced code
        (P.RCPT, 553, "5.1.3 Bad recipient address syntax", MailFailure.BOUNCE),
        (P.RCPT, 550, "5.7.1 Relaying denied", MailFailure.STOP),
        (P.RCPT, 554, "Relay access denied", MailFailure.STOP),
        (P.RCPT, 552, "5.5.3 Too many recipients", MailFailure.DEFERRED),
        (P.RCPT, 452, "4.2.2 Mailbox full", MailFailure.DEFERRED),
        (P.RCPT, 451, "4.7.1 Greylisted", MailFailure.DEFERRED),
        (P.RCPT, 421, "4.3.2 Shutting down", MailFailure.STOP),
        (P.DATA, 500, "Error: handler failed", MailFailure.STOP),
        (P.DATA, 550, "5.1.1 User unknown", MailFailure.STOP),  # not at RCPT: not ours to say
        (P.DATA, 451, "4.3.0 Try later", MailFailure.DEFERRED),
        (P.DATA, None, "connection lost", MailFailure.UNCERTAIN),
        (P.MAIL, 553, "5.7.1 Sender not owned", MailFailure.STOP),
        (P.MAIL, None, "connection lost", MailFailure.STOP),
        (P.CONNECT, 421, "4.3.2 Service not available", MailFailure.STOP),
        (P.CONNECT, None, "Connection refused", MailFailure.STOP),
        (P.AUTH, 535, "5.7.8 Authentication credentials invalid", MailFailure.STOP),
        (P.AUTH, 454, "4.7.0 Temporary authentication failure", MailFailure.STOP),
    ],
)
def test_phase_and_code_decide(
    phase: SmtpPhase, code: int | None, text: str, failure: MailFailure
) -> None:
    assert classify(phase, code, text).failure is failure


def test_description_keeps_what_the_server_said_and_whether_waiting_helps() -> None:
    o = classify(P.AUTH, 535, "5.7.8  Authentication\r\n credentials invalid")
    assert o.describe() == "AUTH: 535 5.7.8 Authentication credentials invalid"
    assert not o.retry_later
    assert classify(P.CONNECT, 421, "4.3.2 busy").retry_later
    assert classify(P.CONNECT, None, "refused").retry_later
    assert not classify(P.CONNECT, None, "TLS failed", fixable_by_waiting=False).retry_later
