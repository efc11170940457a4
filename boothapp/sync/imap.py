"""Did the mail server accept a follow-up? Ask the account's Sent folder over IMAP.

A touch interrupted between "sending" and "sent" carries its Message-ID; this lookup searches
the Sent folder for it (``UID SEARCH HEADER Message-ID``) so reconciliation can settle it
instead of asking a person. The answer is deliberately lopsided:

- found: True, the server has it (mark sent);
- not found: False only when the provider files every message it accepts into Sent by
  itself (Gmail, Microsoft 365: ``server_files_sent``), so absence means it never got there;
  on any other server our SMTP client never copies into Sent, so absence proves nothing and
  the answer is None (a person checks);
- any trouble (unreachable, TLS, login refused, no Sent folder): None for every touch of the
  run, with one reason kept in ``problem``. A lookup never raises into the send run and never
  makes a touch resend on doubt.

The password is passed in (the keyring lives with the caller) and is never logged; neither
is any message content: only Message-IDs are sent to the server.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class ImapSecurity(enum.StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


DEFAULT_PORTS = {ImapSecurity.SSL: 993, ImapSecurity.STARTTLS: 143, ImapSecurity.NONE: 143}


@dataclass(frozen=True, slots=True)
class ImapSettings:
    host: str
    port: int
    security: ImapSecurity
    username: str
    sent_folder: str = ""  # empty: the folder the server marks \Sent (RFC 6154 SPECIAL-USE)
    server_files_sent: bool = False  # the server itself files every accepted message in Sent
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("IMAP host is empty")
        if not 0 < self.port < 65536:
            raise ValueError(f"IMAP port {self.port} is outside 1..65535")


# A Message-ID as build_message makes them; anything else is never put in a command.
_MESSAGE_ID = re.compile(r"^<[^<>\s\"\\@]+@[^<>\s\"\\@]+>$")
# One LIST reply: (flags) delimiter name; the name may be an atom, a quoted string or (as a
# separate literal part, handled by the caller) raw bytes.
_LIST_LINE = re.compile(r'^\((?P<flags>[^)]*)\)\s+(?:"(?:[^"\\]|\\.)*"|NIL)\s+(?P<name>.*)$', re.I)


@dataclass
class ImapSentLookup:
    """A ``SentLookup``: call it with a Message-ID. One connection for the whole run, opened on
    the first call (a run with nothing to reconcile talks to no server); ``close()`` after."""

    settings: ImapSettings
    password: str | None = field(default=None, repr=False)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    problem: str = ""  # set once when the server cannot be asked; every answer is then None
    last_reason: str = ""  # why the last answer was not True
    folder: str = ""  # the Sent folder searched, as a person reads its name
    _conn: imaplib.IMAP4 | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> ImapSentLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, message_id: str) -> bool | None:
        self.last_reason = ""
        if not _MESSAGE_ID.match(message_id or ""):
            self.last_reason = f"IMAP: {message_id!r} is not a Message-ID that can be searched"
            return None
        conn = self._open()
        if conn is None:
            self.last_reason = self.problem
            return None
        try:
            typ, data = conn.uid("SEARCH", "HEADER", "Message-ID", _quote(message_id))
        except (imaplib.IMAP4.error, OSError) as exc:
            # The line dropped or the server gave up mid-run: nothing after this is known.
            self._give_up(f"IMAP: searching {self.folder!r} failed: {_text(exc)}")
            self.last_reason = self.problem
            return None
        if typ != "OK":
            self.last_reason = f"IMAP: search in {self.folder!r} refused: {_text(data)}"
            return None
        if data and data[0] and bytes(data[0]).split():
            return True
        if self.settings.server_files_sent:
            self.last_reason = (
                f"IMAP: {message_id} is not in {self.folder!r}, where this server files every "
                "message it accepts"
            )
            return False
        self.last_reason = (
            f"IMAP: {message_id} is not in {self.folder!r}, but this server does not file sent "
            "mail there by itself (followups.imap.server_files_sent is false), so that proves "
            "nothing"
        )
        return None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.logout()
            except (imaplib.IMAP4.error, OSError):
                with contextlib.suppress(OSError):
                    conn.shutdown()

    # -- connection -----------------------------------------------------------------------
    def _give_up(self, reason: str) -> None:
        self.problem = reason
        log.warning("Sent-folder lookup unavailable: %s", reason)  # never the password
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.shutdown()

    def _open(self) -> imaplib.IMAP4 | None:
        if self.problem:
            return None
        if self._conn is not None:
            return self._conn
        s = self.settings
        where = f"{s.host}:{s.port}"
        if s.username and self.password is None:
            self._give_up(f"IMAP: no password for {s.username!r} in the keyring")
            return None
        try:
            conn = open_connection(s, self.password, self.ssl_context)
        except ImapUnavailable as exc:
            self._give_up(str(exc))
            return None
        self._conn = conn
        try:
            encoded = _encode_mailbox(s.sent_folder) if s.sent_folder else _find_sent(conn)
        except (imaplib.IMAP4.error, OSError) as exc:
            self._give_up(f"IMAP: listing the folders on {where} failed: {_text(exc)}")
            return None
        if encoded is None:
            self._give_up(
                f"IMAP: {where} marks no folder as \\Sent; set followups.imap.sent_folder"
            )
            return None
        self.folder = _decode_mailbox(encoded)
        try:
            typ, data = conn.select(_quote(encoded), readonly=True)  # EXAMINE: changes nothing
        except (imaplib.IMAP4.error, OSError) as exc:
            typ, data = "NO", [str(exc).encode()]
        if typ != "OK":
            self._give_up(f"IMAP: cannot open the folder {self.folder!r}: {_text(data)}")
            return None
        return conn


class ImapUnavailable(Exception):
    """The server cannot be asked: unreachable, TLS, login refused. The text says which."""


def open_connection(
    s: ImapSettings, password: str | None, ssl_context: ssl.SSLContext | None = None
) -> imaplib.IMAP4:
    """A logged-in connection, TLS as configured (never a login in the clear after a
    failed STARTTLS); ImapUnavailable with a one-line reason otherwise."""
    where = f"{s.host}:{s.port}"
    context = ssl_context or ssl.create_default_context()
    conn: imaplib.IMAP4
    try:
        if s.security is ImapSecurity.SSL:
            conn = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=context, timeout=s.timeout_s)
        else:
            conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout_s)
    except ssl.SSLError as exc:
        raise ImapUnavailable(f"IMAP: TLS with {where} failed: {exc}") from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapUnavailable(f"IMAP: cannot reach {where}: {_text(exc)}") from exc
    try:
        if s.security is ImapSecurity.STARTTLS:
            try:
                conn.starttls(context)
            except (OSError, imaplib.IMAP4.error) as exc:  # ssl.SSLError is an OSError
                raise ImapUnavailable(f"IMAP: STARTTLS with {where} failed: {_text(exc)}") from exc
        if s.username:
            try:
                _login(conn, s.username, password or "")
            except (imaplib.IMAP4.error, OSError) as exc:
                raise ImapUnavailable(
                    f"IMAP: login as {s.username!r} refused: {_text(exc)}"
                ) from exc
    except ImapUnavailable:
        with contextlib.suppress(OSError):
            conn.shutdown()
        raise
    return conn


def _login(conn: imaplib.IMAP4, username: str, password: str) -> None:
    if username.isascii() and password.isascii():
        conn.login(username, password)
        return
    # imaplib's LOGIN sends ASCII only; SASL PLAIN carries UTF-8 (RFC 4616).
    payload = f"\0{username}\0{password}".encode()
    conn.authenticate("PLAIN", lambda _challenge: payload)


def _find_sent(conn: imaplib.IMAP4) -> str | None:
    """The (encoded) name of the first folder LIST marks \\Sent, or None."""
    typ, data = conn.list('""', "*")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"LIST refused: {_text(data)}")
    for item in data:
        if isinstance(item, tuple):  # the name came as a literal: (b'(flags) "/" {n}', b'name')
            head, name = bytes(item[0]).decode("ascii", "replace"), bytes(item[1])
            match = _LIST_LINE.match(head)
            mailbox = name.decode("utf-8", "replace")
        elif item:
            match = _LIST_LINE.match(bytes(item).decode("ascii", "replace"))
            mailbox = _unquote(match.group("name")) if match else ""
        else:
            continue
        if match and "\\sent" in match.group("flags").lower().split():
            return mailbox
    return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _encode_mailbox(name: str) -> str:
    """IMAP's modified UTF-7 (RFC 3501 5.1.3): "Éléments envoyés" -> "&AMk-l&AOk-ments ..."."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def _decode_mailbox(name: str) -> str:
    def part(match: re.Match[str]) -> str:
        body = match.group(1)
        if not body:
            return "&"
        padded = body.replace(",", "/") + "=" * (-len(body) % 4)
        try:
            return base64.b64decode(padded).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return match.group(0)

    return re.sub(r"&([A-Za-z0-9+,]*)-", part, name)


def _text(value: object) -> str:
    """A server reply or imaplib error as a line a person can read."""
    if isinstance(value, BaseException):
        value = value.args[0] if len(value.args) == 1 else str(value)
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v is not None)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace").strip()
    return str(value).strip()
