"""Send follow-up emails over SMTP.

Idempotency ("mark before send, reconcile after"): the Message-ID is derived from the touch
id, so the caller records it on the touch *before* calling ``send``. After a crash between
the SMTP DATA and the commit, the caller sees a touch marked "sending" with a known
Message-ID and can reconcile (e.g. against the Sent folder or the bounce log) instead of
sending a second copy. The password is passed in; the keyring lives with the caller.
"""

from __future__ import annotations

import enum
import re
import smtplib
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from boothapp.core.messages.render import RenderedMessage

_TOUCH_ID = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


class SmtpSecurity(enum.StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: SmtpSecurity
    username: str
    from_addr: str
    per_minute_limit: int = 30
    from_name: str = ""
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("SMTP host is empty")
        if not 0 < self.port < 65536:
            raise ValueError(f"SMTP port {self.port} is outside 1..65535")
        if self.per_minute_limit < 1:
            raise ValueError("per_minute_limit must be at least 1")
        _parse_address(self.from_addr, "from address")


class MailError(Exception):
    """Sending failed. ``transient``: retry later (4xx, network); otherwise fix something."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.code = code


@dataclass(frozen=True, slots=True)
class SendResult:
    message_id: str
    recipients: tuple[str, ...]


def _parse_address(value: str, what: str) -> Address:
    text = value.strip()
    if "\r" in text or "\n" in text or text.count("@") != 1:
        raise ValueError(f"invalid {what}: {value!r}")
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text:
        raise ValueError(f"invalid {what}: {value!r}")
    return Address(addr_spec=text)


def message_id_for(touch_id: str, from_addr: str) -> str:
    """A stable Message-ID for a touch: the same touch always gets the same id."""
    if not _TOUCH_ID.match(touch_id):
        raise ValueError(f"touch id {touch_id!r} is not usable in a Message-ID")
    domain = _parse_address(from_addr, "from address").domain
    return f"<followup.{touch_id}@{domain}>"


def build_message(
    rendered: RenderedMessage,
    to: str,
    unsubscribe_url: str,
    message_id: str,
    *,
    from_addr: str,
    from_name: str = "",
    reply_to: str = "",
) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) with one-click
    unsubscribe headers (RFC 8058) when an unsubscribe URL is given."""
    recipient = _parse_address(to, "recipient address")
    sender = _parse_address(from_addr, "from address")
    if not re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", message_id):
        raise ValueError(f"invalid Message-ID {message_id!r}")
    msg = EmailMessage()
    msg["From"] = Address(display_name=from_name, addr_spec=sender.addr_spec)
    msg["To"] = recipient
    if reply_to:
        msg["Reply-To"] = _parse_address(reply_to, "reply-to address")
    msg["Subject"] = rendered.subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    if unsubscribe_url:
        if not unsubscribe_url.lower().startswith("https://"):
            raise ValueError("unsubscribe URL must be https:// for one-click unsubscribe")
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    # After the body: set_content() drops Content-* headers set before it.
    msg["Content-Language"] = rendered.language
    return msg


class RateLimiter:
    """At most ``per_minute`` acquisitions in any 60-second span; waits when full."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limit = per_minute
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()

    def wait_time(self) -> float:
        now = self._clock()
        while self._stamps and now - self._stamps[0] >= 60.0:
            self._stamps.popleft()
        if len(self._stamps) < self._limit:
            return 0.0
        return 60.0 - (now - self._stamps[0])

    def acquire(self) -> None:
        delay = self.wait_time()
        while delay > 0:
            self._sleep(delay)
            delay = self.wait_time()
        self._stamps.append(self._clock())


def _is_transient(code: int) -> bool:
    return 400 <= code < 500


@dataclass
class SmtpSender:
    """Keeps one SMTP connection open across sends; reconnects when it has gone stale."""

    settings: SmtpSettings
    password: str | None = None
    limiter: RateLimiter | None = None
    ssl_context: ssl.SSLContext | None = None
    _conn: smtplib.SMTP | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.limiter is None:
            self.limiter = RateLimiter(self.settings.per_minute_limit)

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = self.ssl_context or ssl.create_default_context()
        conn: smtplib.SMTP
        try:
            if s.security is SmtpSecurity.SSL:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
                if s.security is SmtpSecurity.STARTTLS:
                    conn.starttls(context=context)
            if s.username:
                conn.login(s.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"SMTP login as {s.username!r} refused: {exc.smtp_code} {_text(exc.smtp_error)}",
                transient=False,
                code=exc.smtp_code,
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(f"SMTP server {s.host}: {exc}", transient=False) from exc
        except smtplib.SMTPResponseException as exc:
            raise MailError(
                f"SMTP server {s.host}:{s.port} said {exc.smtp_code} {_text(exc.smtp_error)}",
                transient=_is_transient(exc.smtp_code),
                code=exc.smtp_code,
            ) from exc
        except ssl.SSLError as exc:
            raise MailError(f"TLS with {s.host}:{s.port} failed: {exc}", transient=False) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # Connection refused, DNS failure, timeout, dropped line: try again later.
            raise MailError(
                f"cannot reach SMTP server {s.host}:{s.port}: {exc}", transient=True
            ) from exc
        return conn

    def send(self, msg: EmailMessage) -> SendResult:
        """Send one message; raises MailError. The Message-ID must already be set (and
        recorded by the caller): it is the idempotency key."""
        message_id = msg.get("Message-ID")
        if not message_id:
            raise ValueError("message has no Message-ID; build it with build_message()")
        assert self.limiter is not None
        self.limiter.acquire()
        conn = self._live_connection()
        try:
            refused = conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(
                f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in exc.recipients.items()
            )
            raise MailError(
                f"recipient refused: {detail}",
                transient=all(_is_transient(c) for c in codes),
                code=codes[0] if codes else None,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise MailError(
                f"SMTP server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                transient=_is_transient(exc.smtp_code),
                code=exc.smtp_code,
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # The line dropped mid-send: the server may or may not have the message. No
            # automatic resend here; the caller reconciles by Message-ID.
            self._conn = None
            raise MailError(f"sending failed: {exc}", transient=True) from exc
        if refused:
            detail = "; ".join(f"{r}: {c} {_text(t)}" for r, (c, t) in refused.items())
            raise MailError(
                f"some recipients refused: {detail}",
                transient=all(_is_transient(c) for c, _ in refused.values()),
            )
        recipients = tuple(str(a) for a in msg.get_all("To", []))
        return SendResult(message_id=str(message_id), recipients=recipients)

    def _live_connection(self) -> smtplib.SMTP:
        """The open connection if it still answers NOOP, else a fresh one. Checking before
        sending (not retrying after) means a message is never sent twice by us."""
        if self._conn is not None:
            try:
                code, _ = self._conn.noop()
                if code == 250:
                    return self._conn
            except (OSError, smtplib.SMTPException):
                pass
            self._conn.close()
            self._conn = None
        self._conn = self._connect()
        return self._conn


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
