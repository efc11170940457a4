"""Replies in the follow-up account's INBOX that change what we may send (issue 16):

- a reply to the unsubscribe mailbox (List-Unsubscribe mailto, or the opt-out line): the
  subject carries ``unsubscribe <lead id>`` (we put it in the mailto link); a hand-written
  "unsubscribe" without the id is matched by its From address;
- a delivery status notification (RFC 3464, ``multipart/report; report-type=delivery-status``)
  with ``Action: failed`` and a 5.1.x status for one of our Message-IDs: a bounce that came
  after the relay accepted the mail.

Only unseen messages are read and each is marked \\Seen once handled, so a run reads each
reply once; handling is idempotent anyway. Nothing but headers and the report part is parsed.
"""

from __future__ import annotations

import contextlib
import email
import imaplib
import re
from dataclasses import dataclass
from email.message import Message
from email.policy import default as default_policy
from email.utils import parseaddr

from boothapp.sync.imap import ImapSettings, ImapUnavailable, open_connection

UNSUBSCRIBE_WORD = "unsubscribe"
_LEAD_ID = re.compile(r"\bunsubscribe\s+([0-9a-fA-F-]{8,64})\b", re.I)
_OUR_MESSAGE_ID = re.compile(r"<followup\.([A-Za-z0-9._:-]{1,200})@[^<>\s]+>")
_MAX_MESSAGES = 500  # per run: bounded time even when the inbox is a mess


@dataclass(frozen=True, slots=True)
class UnsubscribeRequest:
    lead_id: str  # from the subject; "" when the person wrote their own mail
    from_addr: str


@dataclass(frozen=True, slots=True)
class DeliveryFailure:
    touch_id: str  # from our Message-ID
    status: str  # "5.1.1"
    recipient: str


@dataclass(frozen=True, slots=True)
class InboxReplies:
    unsubscribes: tuple[UnsubscribeRequest, ...]
    bounces: tuple[DeliveryFailure, ...]


def read_inbox(settings: ImapSettings, password: str | None, folder: str = "INBOX") -> InboxReplies:
    """Unseen unsubscribe replies and DSN bounces; ImapUnavailable when the server cannot be
    asked (the caller reports it; sending is not held up by it)."""
    conn = open_connection(settings, password)
    try:
        typ, _ = conn.select(folder)
        if typ != "OK":
            raise ImapUnavailable(f"IMAP: cannot open {folder!r}")
        typ, data = conn.uid("SEARCH", "UNSEEN")
        if typ != "OK":
            raise ImapUnavailable(f"IMAP: search in {folder!r} refused")
        uids = [u.decode() for u in bytes(data[0] or b"").split()[:_MAX_MESSAGES]]
        unsubscribes: list[UnsubscribeRequest] = []
        bounces: list[DeliveryFailure] = []
        for uid in uids:
            typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if typ != "OK" or not isinstance(raw, bytes):
                continue
            msg = email.message_from_bytes(raw, policy=default_policy)
            handled = _unsubscribe(msg) or _bounce(msg)
            if isinstance(handled, UnsubscribeRequest):
                unsubscribes.append(handled)
            elif isinstance(handled, DeliveryFailure):
                bounces.append(handled)
            if handled is not None:
                conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return InboxReplies(tuple(unsubscribes), tuple(bounces))
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ImapUnavailable(f"IMAP: reading {folder!r} failed: {exc}") from exc
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _unsubscribe(msg: Message) -> UnsubscribeRequest | None:
    subject = str(msg.get("Subject", "") or "")
    if UNSUBSCRIBE_WORD not in subject.lower():
        return None
    match = _LEAD_ID.search(subject)
    return UnsubscribeRequest(match.group(1) if match else "", parseaddr(msg.get("From", ""))[1])


def _bounce(msg: Message) -> DeliveryFailure | None:
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type", "")).lower() != "delivery-status":
        return None
    status, action, recipient, touch_id = "", "", "", ""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            # The status part is a series of header blocks; read them as plain text.
            payload = part.get_payload()
            text = (
                "\n".join(str(p) for p in payload)
                if isinstance(payload, list)
                else str(part.get_payload(decode=False))
            )
            for line in text.splitlines():
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key == "status":
                    status = value.strip().split()[0] if value.strip() else ""
                elif key == "action":
                    action = value.strip().lower()
                elif key in ("final-recipient", "original-recipient") and not recipient:
                    recipient = value.split(";")[-1].strip()
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            found = _OUR_MESSAGE_ID.search(part.as_string())
            if found:
                touch_id = found.group(1)
    if not touch_id:
        found = _OUR_MESSAGE_ID.search(str(msg.get("In-Reply-To", "") or msg.get("References", "")))
        touch_id = found.group(1) if found else ""
    # Only a permanent failure of the address (RFC 3463 5.1.x) is the lead's bounce.
    if action == "failed" and status.startswith("5.1.") and touch_id:
        return DeliveryFailure(touch_id, status, recipient)
    return None
