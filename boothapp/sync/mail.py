"""Send follow-up emails over SMTP.

Idempotency ("mark before send, reconcile after"): the Message-ID is derived from the touch
id, so the caller records it on the touch *before* calling ``send``. After a crash between
the SMTP DATA and the commit, the caller sees a touch marked "sending" with a known
Message-ID and can reconcile (e.g. against the Sent folder or the bounce log) instead of
sending a second copy. The password is passed in; the keyring lives with the caller.
"""

from __future__ import annotations

import enum
import io
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from boothapp.core.messages.render import RenderedMessage
from boothapp.sync.smtp_outcome import MailOutcome, SmtpPhase, classify

DEFAULT_PER_MINUTE = 20
DEFAULT_PER_DOMAIN_PER_MINUTE = 6
DEFAULT_PER_DAY = 1500

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
    # Defaults safe for Microsoft 365 (30 messages a minute, 10,000 recipients a day per
    # mailbox) and Google Workspace (2,000 a day from Gmail, 10,000 via the relay): stay
    # well under, and never more than a few a minute into one receiving domain.
    per_minute_limit: int = DEFAULT_PER_MINUTE
    from_name: str = ""
    timeout_s: float = 30.0
    per_domain_per_minute: int = DEFAULT_PER_DOMAIN_PER_MINUTE
    per_day_limit: int = DEFAULT_PER_DAY

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("SMTP host is empty")
        if not 0 < self.port < 65536:
            raise ValueError(f"SMTP port {self.port} is outside 1..65535")
        if self.per_minute_limit < 1:
            raise ValueError("per_minute_limit must be at least 1")
        if self.per_domain_per_minute < 1:
            raise ValueError("per_domain_per_minute must be at least 1")
        if self.per_day_limit < 1:
            raise ValueError("per_day_limit must be at least 1")
        _parse_address(self.from_addr, "from address")


class MailError(Exception):
    """Sending failed; ``outcome`` says what it means (see ``smtp_outcome``)."""

    def __init__(self, message: str, outcome: MailOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome

    @property
    def transient(self) -> bool:
        return self.outcome.retry_later

    @property
    def code(self) -> int | None:
        return self.outcome.code


def _fail(
    phase: SmtpPhase, code: int | None, text: bytes | str, what: str, *, waiting: bool = True
) -> MailError:
    outcome = classify(phase, code, _text(text), fixable_by_waiting=waiting)
    return MailError(f"{what}: {outcome.describe()}", outcome)


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


def list_unsubscribe(mailto: str, url: str) -> tuple[str, str]:
    """(List-Unsubscribe, List-Unsubscribe-Post) header values: the mailto always (RFC 2369),
    the https URL with one-click (RFC 8058) when there is one; Post empty without a URL."""
    parts = []
    if mailto:
        if not mailto.lower().startswith("mailto:"):
            raise ValueError(f"unsubscribe address {mailto!r} must be a mailto: URI")
        parts.append(f"<{mailto}>")
    if url:
        if not url.lower().startswith("https://"):
            raise ValueError("unsubscribe URL must be https:// for one-click unsubscribe")
        parts.append(f"<{url}>")
    if any(c in "".join(parts) for c in "\r\n"):
        raise ValueError("unsubscribe header values must be one line")
    return ", ".join(parts), ("List-Unsubscribe=One-Click" if url else "")


def build_message(
    rendered: RenderedMessage,
    to: str,
    unsubscribe_url: str,
    message_id: str,
    *,
    from_addr: str,
    from_name: str = "",
    reply_to: str = "",
    unsubscribe_mailto: str = "",
) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) with List-Unsubscribe
    (mailto, plus RFC 8058 one-click when an unsubscribe URL is given)."""
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
    header, post = list_unsubscribe(unsubscribe_mailto, unsubscribe_url)
    if header:
        msg["List-Unsubscribe"] = header
    if post:
        msg["List-Unsubscribe-Post"] = post
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    # After the body: set_content() drops Content-* headers set before it.
    msg["Content-Language"] = rendered.language
    return msg


def recipient_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


class Pacer:
    """Spaces sends evenly: at most ``per_minute`` in any minute overall and
    ``per_domain_per_minute`` into one receiving domain, one every 60/limit seconds rather
    than a burst at the top of each minute (relays throttle bursts)."""

    def __init__(
        self,
        per_minute: int,
        per_domain_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gap = 60.0 / per_minute
        self._domain_gap = 60.0 / (per_domain_per_minute or per_minute)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._last_by_domain: dict[str, float] = {}

    def wait_time(self, domain: str = "") -> float:
        now = self._clock()
        waits = [0.0]
        if self._last is not None:
            waits.append(self._last + self._gap - now)
        last_here = self._last_by_domain.get(domain)
        if last_here is not None:
            waits.append(last_here + self._domain_gap - now)
        return max(waits)

    def acquire(self, domain: str = "") -> float:
        """Wait until a send is allowed; returns how long it waited."""
        waited = 0.0
        delay = self.wait_time(domain)
        while delay > 0:
            self._sleep(delay)
            waited += delay
            delay = self.wait_time(domain)
        now = self._clock()
        self._last = now
        self._last_by_domain[domain] = now
        return waited


_PACERS: dict[tuple[str, int, str, int, int], Pacer] = {}
_PACERS_LOCK = threading.Lock()


def shared_pacer(settings: SmtpSettings) -> Pacer:
    """One pacer per account and limits for the whole process: back-to-back runs (the
    desktop's automatic sending, a script calling the CLI code twice) share the spacing
    instead of each starting with a free burst."""
    key = (
        settings.host,
        settings.port,
        settings.username or settings.from_addr,
        settings.per_minute_limit,
        settings.per_domain_per_minute,
    )
    with _PACERS_LOCK:
        pacer = _PACERS.get(key)
        if pacer is None:
            pacer = _PACERS[key] = Pacer(settings.per_minute_limit, settings.per_domain_per_minute)
        return pacer


@dataclass
class SmtpSender:
    """Keeps one SMTP connection open across sends; reconnects when it has gone stale.

    Each send is driven phase by phase (MAIL, RCPT, DATA) so a refusal carries the phase it
    came in; ``MailError.outcome`` is the typed verdict the caller acts on.
    """

    settings: SmtpSettings
    password: str | None = None
    pacer: Pacer | None = None
    ssl_context: ssl.SSLContext | None = None
    _conn: smtplib.SMTP | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.pacer is None:
            self.pacer = shared_pacer(self.settings)

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
        where = f"SMTP server {s.host}:{s.port}"
        context = self.ssl_context or ssl.create_default_context()
        conn: smtplib.SMTP
        phase = SmtpPhase.CONNECT
        try:
            if s.security is SmtpSecurity.SSL:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
                if s.security is SmtpSecurity.STARTTLS:
                    conn.starttls(context=context)
            conn.ehlo_or_helo_if_needed()
            if s.username:
                phase = SmtpPhase.AUTH
                conn.login(s.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            who = f"login as {s.username!r} refused"
            raise _fail(phase, exc.smtp_code, exc.smtp_error, who) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise _fail(phase, None, str(exc), where, waiting=False) from exc
        except smtplib.SMTPResponseException as exc:
            raise _fail(phase, exc.smtp_code, exc.smtp_error, where) from exc
        except ssl.SSLError as exc:
            raise _fail(phase, None, f"TLS failed: {exc}", where, waiting=False) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # Refused, DNS, timeout, dropped line (or a greeting of 421: smtplib raises
            # SMTPConnectError, a response exception, handled above).
            raise _fail(phase, None, f"cannot reach it: {exc}", where) from exc
        return conn

    def send(self, msg: EmailMessage) -> SendResult:
        """Send one message to its one recipient; raises MailError with a typed outcome.
        The Message-ID must already be set (and recorded by the caller): it is the
        idempotency key."""
        message_id = msg.get("Message-ID")
        if not message_id:
            raise ValueError("message has no Message-ID; build it with build_message()")
        recipients = [str(a.addr_spec) for a in msg["To"].addresses] if msg["To"] else []
        if len(recipients) != 1:
            raise ValueError("a follow-up goes to exactly one recipient")
        to = recipients[0]
        assert self.pacer is not None
        self.pacer.acquire(recipient_domain(to))
        conn = self._live_connection()
        sender = self.settings.from_addr
        options = ["SMTPUTF8"] if not (to + sender).isascii() else []
        phase = SmtpPhase.MAIL
        try:
            code, reply = conn.mail(sender, options)
            if code != 250:
                raise self._refused(conn, phase, code, reply)
            phase = SmtpPhase.RCPT
            code, reply = conn.rcpt(to)
            if code not in (250, 251):
                raise self._refused(conn, phase, code, reply)
            phase = SmtpPhase.DATA
            code, reply = conn.data(_flatten(msg))
            if code != 250:
                raise self._refused(conn, phase, code, reply)
        except smtplib.SMTPResponseException as exc:  # data(): no 354 to DATA
            raise self._refused(conn, phase, exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # The line dropped. Before DATA the server cannot have the message; during DATA
            # it may: no automatic resend, the caller reconciles by Message-ID.
            self._conn = None
            raise _fail(phase, None, f"connection lost: {exc}", "sending failed") from exc
        return SendResult(message_id=str(message_id), recipients=(to,))

    def _refused(
        self, conn: smtplib.SMTP, phase: SmtpPhase, code: int, reply: bytes | str
    ) -> MailError:
        try:
            conn.rset()  # leave the connection clean for the next message
        except (OSError, smtplib.SMTPException):
            self._conn = None
        if code == 421:
            self._conn = None
        return _fail(phase, code, reply, f"{self.settings.host} refused the message")

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


def _flatten(msg: EmailMessage) -> bytes:
    """The message as smtplib.send_message would put it on the wire (CRLF line ends)."""
    buffer = io.BytesIO()
    generator = BytesGenerator(buffer)
    generator.flatten(msg, linesep="\r\n")
    return buffer.getvalue()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
