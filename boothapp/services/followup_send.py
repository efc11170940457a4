"""The durable email send queue for follow-ups: never a message twice.

Each email touch goes through three commits:

1. ``sending`` with its Message-ID (derived from the touch id) is committed BEFORE the SMTP
   transaction starts;
2. the message is sent;
3. ``sent`` (or ``failed``/back to ``planned``) is committed.

A crash between 1 and 3 leaves the touch in ``sending``. On the next run those touches are
reconciled before anything else is sent: when a ``SentLookup`` is given (e.g. a search of the
Sent folder or of the relay's log for the Message-ID) and it says the server accepted the
message, the touch becomes ``sent``; when it says the server never had it, the touch goes back
to ``planned``; when there is no lookup or it does not know, the touch is flagged ``review``
and is NOT resent. A person checks and calls ``resolve_review``. A line that drops in the
middle of the SMTP transaction is treated the same way: the server may have the message.

The lookups run outside any database transaction: a slow or unreachable IMAP server must not
hold SQLite's write lock while the booth keeps saving leads. A lookup that also tells why it
could not answer (``last_reason``, as ``sync.imap.ImapSentLookup`` does) has that reason
written on the touch and into the report.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.core.contact_rule import ContactVerdict
from boothapp.core.followups.attempts import Outcome
from boothapp.core.messages.render import RenderedMessage
from boothapp.core.models import Channel
from boothapp.services.contact_facts import verdict_for
from boothapp.services.followup_rows import language_for_country, touch_from_row
from boothapp.services.followup_types import OPEN_STATES, SendReport, Touch, TouchState
from boothapp.services.followups import FollowUpService
from boothapp.store.db import Database
from boothapp.store.tables import FollowUpRow, LeadRow
from boothapp.sync.mail import MailError, SmtpSender, SmtpSettings, build_message, message_id_for

log = logging.getLogger(__name__)

SentLookup = Callable[[str], bool | None]  # Message-ID -> accepted? (None: cannot tell)
NO_LOOKUP = "no Sent-folder lookup is set up (followups.imap in the event config)"
Progress = Callable[[int, int], None]
SenderFactory = Callable[[SmtpSettings, str | None], SmtpSender]


def _default_sender(settings: SmtpSettings, password: str | None) -> SmtpSender:
    return SmtpSender(settings, password)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    sent: int
    replanned: int
    flagged: int
    reasons: tuple[str, ...]  # "2 interrupted sends left for review: <why>", one per why


class FollowUpSender:
    def __init__(self, db: Database, followups: FollowUpService) -> None:
        self._db = db
        self._followups = followups

    def reconcile(
        self, event_id: str, lookup: SentLookup | None = None, now: datetime | None = None
    ) -> Reconciliation:
        """Settle touches left in ``sending`` by a crash or a dropped line."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        with self._db.read() as s:
            stuck = [
                (row.id, row.message_id)
                for row in s.execute(
                    select(FollowUpRow.id, FollowUpRow.message_id)
                    .join(LeadRow)
                    .where(
                        LeadRow.event_id == event_id,
                        FollowUpRow.state == TouchState.SENDING.value,
                    )
                    .order_by(FollowUpRow.id)
                )
            ]
        sent = replanned = flagged = 0
        why_counts: Counter[str] = Counter()
        for touch_id, message_id in stuck:
            verdict, why = _ask(lookup, message_id)
            with self._db.session() as s:
                row = s.get(FollowUpRow, touch_id)
                if row is None or row.state != TouchState.SENDING.value:
                    continue  # settled meanwhile (another window of the app)
                if verdict is True:
                    row.state, row.outcome, row.done_at = (
                        TouchState.SENT.value,
                        Outcome.EMAIL_SENT.value,
                        now,
                    )
                    row.reason += f"; confirmed sent ({row.message_id}) after an interruption"
                    sent += 1
                elif verdict is False:
                    row.state = TouchState.PLANNED.value
                    row.reason += "; an interrupted send never reached the server: will resend"
                    if why:
                        row.reason += f" ({why})"
                    replanned += 1
                else:
                    row.state = TouchState.REVIEW.value
                    row.reason += (
                        f"; interrupted while sending: check the Sent folder for {row.message_id} "
                        f"before resending (not resent automatically): {why}"
                    )
                    why_counts[why] += 1
                    flagged += 1
        reasons = tuple(
            f"{n} interrupted send{'s' if n != 1 else ''} left for review: {why}"
            for why, n in why_counts.items()
        )
        return Reconciliation(sent, replanned, flagged, reasons)

    def resolve_review(self, touch_id: str, was_sent: bool, staff_id: str = "") -> Touch:
        """A person checked an interrupted send: mark it sent, or allow it to go again."""
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            if row is None or row.state != TouchState.REVIEW:
                raise ValueError(f"touch {touch_id} is not waiting for review")
            if was_sent:
                row.state, row.outcome = TouchState.SENT.value, Outcome.EMAIL_SENT.value
                row.done_at = datetime.now(UTC)
            else:
                row.state = TouchState.APPROVED.value
            row.reason += f"; reviewed by {staff_id or 'staff'}"
            return touch_from_row(row)

    def send_due(
        self,
        event_id: str,
        smtp_settings: SmtpSettings,
        password: str | None,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        now: datetime | None = None,
        require_approval: bool = False,
        touch_ids: list[str] | None = None,
        lookup: SentLookup | None = None,
        sender_factory: SenderFactory = _default_sender,
    ) -> SendReport:
        """Send the email touches due by ``now`` (or exactly ``touch_ids``, due or not).

        Emails go out only with marketing consent; a touch whose consent was withdrawn after
        planning is cancelled, not sent. The per-minute limit is SmtpSettings.per_minute_limit.
        """
        now = (now or datetime.now(UTC)).astimezone(UTC)
        settled = Reconciliation(0, 0, 0, ())
        if not dry_run:
            settled = self.reconcile(event_id, lookup, now)
        r_flagged = settled.flagged
        states = [TouchState.APPROVED.value]
        if not require_approval:
            states.append(TouchState.PLANNED.value)
        with self._db.read() as s:
            q = (
                select(FollowUpRow.id)
                .join(LeadRow)
                .where(
                    LeadRow.event_id == event_id,
                    FollowUpRow.channel == Channel.EMAIL.value,
                    FollowUpRow.state.in_(states),
                )
                .order_by(FollowUpRow.due_at, FollowUpRow.id)
            )
            if touch_ids is not None:
                q = q.where(FollowUpRow.id.in_(touch_ids))
            else:
                q = q.where(FollowUpRow.due_at <= now)
            due = list(s.scalars(q))
        sent = failed = deferred = no_consent = 0
        would: list[str] = []
        problems: list[str] = []
        total = len(due)
        if dry_run:
            with self._db.read() as s:
                for touch_id in due:
                    row = s.get(FollowUpRow, touch_id)
                    lead = s.get(LeadRow, row.lead_id) if row else None
                    if row is None or lead is None or not _verdict(s, lead).may_email:
                        no_consent += 1
                    else:
                        would.append(touch_id)
            return SendReport(0, 0, 0, no_consent, 0, 0, tuple(would), ())
        sender = sender_factory(smtp_settings, password)
        try:
            for index, touch_id in enumerate(due):
                if progress is not None:
                    progress(index, total)
                outcome = self._send_one(touch_id, smtp_settings, sender, now)
                if outcome == "sent":
                    sent += 1
                elif outcome == "no_consent":
                    no_consent += 1
                elif outcome.startswith("deferred:"):
                    problems.append(outcome.removeprefix("deferred:"))
                    deferred += total - index  # server unreachable: stop, retry next run
                    break
                elif outcome.startswith("review:"):
                    problems.append(outcome.removeprefix("review:"))
                    r_flagged += 1
                elif outcome.startswith("failed:"):
                    problems.append(outcome.removeprefix("failed:"))
                    failed += 1
                elif outcome.startswith("retry:"):
                    problems.append(outcome.removeprefix("retry:"))
                    deferred += 1
            if progress is not None:
                progress(total, total)
        finally:
            sender.close()
        return SendReport(
            sent,
            failed,
            deferred,
            no_consent,
            settled.sent,
            r_flagged,
            tuple(would),
            tuple(problems),
            reconciled_replanned=settled.replanned,
            reconciled_review=settled.flagged,
            review_reasons=settled.reasons,
        )

    def _send_one(
        self, touch_id: str, settings: SmtpSettings, sender: SmtpSender, now: datetime
    ) -> str:
        # Commit 1: claim the touch and record its Message-ID before the SMTP transaction.
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            if row is None or row.state not in OPEN_STATES:
                return "skipped"
            lead = s.get(LeadRow, row.lead_id)
            assert lead is not None
            verdict = _verdict(s, lead)
            if not verdict.may_email:
                row.state = TouchState.CANCELLED.value
                row.reason += f"; not sent: {verdict.reason} at send time"
                return "no_consent"
            mid = message_id_for(row.id, settings.from_addr)
            unsub = self._followups.settings(lead.event_id).sender.unsubscribe_for(lead.id)
            try:
                msg = build_message(
                    RenderedMessage(
                        row.template_id,
                        language_for_country(lead.country),
                        row.subject,
                        row.body_text,
                        row.body_html,
                    ),
                    lead.email,
                    unsub,
                    mid,
                    from_addr=settings.from_addr,
                    from_name=settings.from_name,
                )
            except ValueError as exc:
                row.state, row.outcome = TouchState.FAILED.value, "invalid"
                row.reason += f"; not sent: {exc}"
                return f"failed:{_who(lead)}: {exc}"
            row.state, row.message_id = TouchState.SENDING.value, mid
            row.attempts += 1
        try:
            sender.send(msg)
        except MailError as exc:
            return self._after_error(touch_id, exc, _who(lead), now)
        # Commit 3: the server accepted the message.
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            assert row is not None
            row.state, row.outcome, row.done_at = (
                TouchState.SENT.value,
                Outcome.EMAIL_SENT.value,
                datetime.now(UTC),
            )
        return "sent"

    def _after_error(self, touch_id: str, exc: MailError, who: str, now: datetime) -> str:
        text = str(exc)
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            assert row is not None
            if text.startswith("sending failed"):
                # The line dropped mid-transaction: the server may have the message.
                row.state = TouchState.REVIEW.value
                row.reason += f"; interrupted while sending ({text}): check before resending"
                return f"review:{who}: {text}"
            if _connection_level(text):
                # Nothing reached the server (unreachable, TLS or login refused): the touch
                # waits for the next run; the remaining ones are not tried either.
                row.state = TouchState.PLANNED.value
                row.attempts = max(row.attempts - 1, 0)
                return f"deferred:{text}"
            if exc.transient:
                row.state = TouchState.PLANNED.value
                row.reason += f"; send deferred: {text}"
                return f"retry:{who}: {text}"
            row.state = TouchState.PLANNED.value  # record_outcome needs an open touch
        # A permanent refusal is a bounce: it counts as an attempt and schedules a call.
        result = self._followups.record_outcome(touch_id, Outcome.BOUNCED, now=now)
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            assert row is not None
            row.state = TouchState.FAILED.value
            row.reason += f"; bounced: {text}"
        nxt = f"; next: {result.next_touch.channel}" if result.next_touch else ""
        return f"failed:{who}: {text}{nxt}"


def _ask(lookup: SentLookup | None, message_id: str) -> tuple[bool | None, str]:
    """The lookup's verdict and, when it is not a plain yes, why. A lookup that raises is a
    lookup that cannot tell: the send run goes on and nothing is resent on doubt."""
    if lookup is None:
        return None, NO_LOOKUP
    try:
        verdict = lookup(message_id)
    except Exception as exc:  # any failure of the lookup means "cannot tell"
        log.warning("Sent-folder lookup failed: %s", exc.__class__.__name__)
        return None, f"the Sent-folder lookup failed ({exc.__class__.__name__})"
    why = str(getattr(lookup, "last_reason", "") or "")
    if verdict is None and not why:
        why = "the Sent-folder lookup could not tell"
    return verdict, why


# MailError texts raised while connecting or logging in (see SmtpSender._connect), before any
# message data: such a failure says nothing about the recipient, so it is never a bounce.
_CONNECTION_PREFIXES = ("cannot reach", "SMTP login", "TLS with", "SMTP server ")


def _connection_level(text: str) -> bool:
    return text.startswith(_CONNECTION_PREFIXES) and not text.startswith(
        "SMTP server refused the message"
    )


def _verdict(s: Session, lead: LeadRow) -> ContactVerdict:
    """The one contact rule, asked again at send time: the lead may have been won, flagged,
    unsubscribed or lost its consent since the touch was planned."""
    touches = s.scalars(select(FollowUpRow).where(FollowUpRow.lead_id == lead.id))
    return verdict_for(lead, touches)


def _who(lead: LeadRow) -> str:
    name = " ".join(p for p in (lead.first_name, lead.last_name) if p)
    return f"{name} <{lead.email}>" if name else lead.email
