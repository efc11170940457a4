"""What an SMTP failure means for a follow-up run: a typed outcome from the reply code and
the phase it came in (RFC 5321 basic codes, RFC 3463 enhanced status codes).

Issue 16: a relay answering 500 at DATA marked 71 leads "bounced". Only a permanent
recipient-level failure (5.1.x at RCPT, or a delivery status notification later) says
anything about one lead's address; everything else is about the server, the account, our
message or the line, and must not touch the lead. No message-text matching: the code and
the phase decide, the text is only shown to the person.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class SmtpPhase(enum.StrEnum):
    CONNECT = "connect"  # TCP, greeting, EHLO, STARTTLS/TLS handshake
    AUTH = "auth"
    MAIL = "mail"  # MAIL FROM
    RCPT = "rcpt"  # RCPT TO
    DATA = "data"  # DATA and the final reply after the content


class MailFailure(enum.StrEnum):
    """What the run does with a failure (like the CRM side's ErrorKind)."""

    BOUNCE = "bounce"  # permanent, this recipient: the lead's address is bad
    DEFERRED = "deferred"  # 4xx for this message: this touch is retried later, with backoff
    STOP = "stop"  # server, login, relay, policy or line: stop the run, change nothing
    UNCERTAIN = "uncertain"  # the line dropped during DATA: the server may have the message


_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
# RFC 5321 4.2.5 / 3.3: 552 at RCPT is "too many recipients", to be treated as 452.
_RCPT_TEMPORARY_5XX = frozenset({552})
# Basic reply codes that name a mailbox problem when no enhanced code is given.
_RCPT_MAILBOX_5XX = frozenset({550, 551, 553})


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """One failed SMTP exchange: what to do, where it happened and what the server said."""

    failure: MailFailure
    phase: SmtpPhase
    code: int | None  # None: no reply at all (refused, timeout, TLS, dropped line)
    enhanced: str  # "5.1.1", or "" when the server gave none
    text: str  # the server's words (or the local error), one line
    # Without a reply: a dropped line or an unreachable host may heal by itself; a TLS
    # certificate or a missing feature needs someone to fix the set-up.
    fixable_by_waiting: bool = True

    @property
    def retry_later(self) -> bool:
        """Whether trying again later can help without anyone fixing something."""
        if self.failure in (MailFailure.DEFERRED, MailFailure.UNCERTAIN):
            return True
        if self.code is None:
            return self.fixable_by_waiting
        return 400 <= self.code < 500

    def describe(self) -> str:
        """What the server answered, for the person: 'RCPT: 550 5.1.1 No such user'."""
        said = " ".join(p for p in (str(self.code or ""), self.enhanced, self.text) if p)
        return f"{self.phase.value.upper()}: {said or 'no answer'}"


def classify(
    phase: SmtpPhase, code: int | None, text: str, *, fixable_by_waiting: bool = True
) -> MailOutcome:
    """The typed outcome of a reply ``code`` (None: no reply) in ``phase``."""
    one_line = " ".join(text.split())
    match = _ENHANCED.match(one_line)
    enhanced = ".".join(match.groups()) if match else ""
    if match:
        one_line = one_line[match.end() :].strip()
    failure = _failure(phase, code, enhanced)
    return MailOutcome(failure, phase, code, enhanced, one_line, fixable_by_waiting)


def _failure(phase: SmtpPhase, code: int | None, enhanced: str) -> MailFailure:
    if code is None:
        # No reply: before DATA nothing was handed over; during DATA it may have been.
        return MailFailure.UNCERTAIN if phase is SmtpPhase.DATA else MailFailure.STOP
    if phase in (SmtpPhase.CONNECT, SmtpPhase.AUTH) or code == 421:
        # Greeting, TLS and login are about the server and the account; 421 closes the
        # channel at any phase (RFC 5321 3.8). Either way the next touch would fail too.
        return MailFailure.STOP
    if 400 <= code < 500:
        return MailFailure.DEFERRED
    if phase is SmtpPhase.RCPT:
        if code in _RCPT_TEMPORARY_5XX:
            return MailFailure.DEFERRED
        if enhanced:
            # 5.1.x: bad destination address/mailbox (RFC 3463 3.2). 5.7.1 relay denied,
            # 5.2.x quota, 5.3.x/5.4.x system and routing: not this lead's fault.
            return MailFailure.BOUNCE if enhanced.startswith("5.1.") else MailFailure.STOP
        return MailFailure.BOUNCE if code in _RCPT_MAILBOX_5XX else MailFailure.STOP
    # 5xx at MAIL FROM (our sender) or DATA (content, policy, a broken relay): never a bounce.
    return MailFailure.STOP
