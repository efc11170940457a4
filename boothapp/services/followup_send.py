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
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boothapp.core.contact_rule import ContactVerdict
from boothapp.core.followups import reasons as R
from boothapp.core.followups.attempts import Outcome
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.quiet_hours import local_day, next_mail_slot, outside_window
from boothapp.core.followups.timing import HolidaysProvider, PublicHolidays, local_label, zone
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.messages.footer import Footer, with_footer
from boothapp.core.messages.render import RenderedMessage
from boothapp.core.models import Channel
from boothapp.services.contact_facts import verdict_for
from boothapp.services.errors import NotFoundError
from boothapp.services.followup_bodies import message_of
from boothapp.services.followup_rows import lead_name, touch_from_row
from boothapp.services.followup_types import (
    OPEN_STATES,
    FollowUpRules,
    FollowUpSettings,
    MailPreview,
    SendReport,
    Touch,
    TouchState,
)
from boothapp.store.db import Database
from boothapp.store.tables import FollowUpRow, LeadRow
from boothapp.sync.mail import MailError, SmtpSender, SmtpSettings, build_message, message_id_for
from boothapp.sync.smtp_outcome import MailFailure

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
    def __init__(self, db: Database, followups: FollowUpRules) -> None:
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
                    row.reason += "; " + R.english(R.CONFIRMED_SENT, message_id=row.message_id)
                    sent += 1
                elif verdict is False:
                    row.state = TouchState.PLANNED.value
                    row.reason += "; " + R.NEVER_REACHED
                    if why:
                        row.reason += f" ({why})"
                    replanned += 1
                else:
                    row.state = TouchState.REVIEW.value
                    row.reason += "; " + R.english(
                        R.INTERRUPTED_CHECK, message_id=row.message_id, said=why
                    )
                    why_counts[why] += 1
                    flagged += 1
        reasons = tuple(
            f"{n} interrupted send{'s' if n != 1 else ''} left for review: {why}"
            for why, n in why_counts.items()
        )
        return Reconciliation(sent, replanned, flagged, reasons)

    def preview(self, touch_id: str) -> MailPreview:
        """The mail exactly as a send run would build it now, footer and headers included."""
        with self._db.read() as s:
            row = s.get(FollowUpRow, touch_id)
            if row is None:
                raise NotFoundError(f"no follow-up touch {touch_id}")
            lead = s.get(LeadRow, row.lead_id)
            assert lead is not None
            cfg = self._followups.settings(lead.event_id)
            from_addr = str(cfg.smtp.get("from", "") or "") or "sender@example.invalid"
            from_name = str(cfg.smtp.get("from_name", "") or "")
            problems = list(cfg.sender.missing())
            # What a send run would render now (or the stored mail of a sent touch).
            message = message_of(s, self._followups.configs, row, lead)
            try:
                msg = compose(
                    message, lead, cfg, message_id_for(row.id, from_addr), from_addr, from_name
                )
            except ValueError as exc:
                return MailPreview(
                    row.id, message.language, (), message.subject, message.text, message.html,
                    (*problems, str(exc)),
                )  # fmt: skip
            text = msg.get_body(("plain",))
            html = msg.get_body(("html",))
            shown = ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")
            return MailPreview(
                row.id,
                str(msg.get("Content-Language", "")),
                tuple((h, str(msg[h])) for h in shown if msg[h] is not None),
                str(msg["Subject"]),
                text.get_content() if isinstance(text, EmailMessage) else "",
                html.get_content() if isinstance(html, EmailMessage) else "",
                tuple(problems),
            )

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
            row.reason += "; " + R.english(R.REVIEWED_BY, who=staff_id or "staff")
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
        holidays: HolidaysProvider | None = None,
    ) -> SendReport:
        """Send the email touches due by ``now`` (or exactly ``touch_ids``, due or not).

        Emails go out only with marketing consent; a touch whose consent was withdrawn after
        planning is cancelled, not sent. Each mail goes out only inside the lead's local
        sending window and at most one a day per lead; other due touches move to the next
        allowed slot. Sends are paced (SmtpSettings: per minute, per domain, per day).
        A server-level failure stops the run and leaves every touch as it was.
        """
        started = time.monotonic()
        now = (now or datetime.now(UTC)).astimezone(UTC)
        cfg = self._followups.settings(event_id)
        refused = cfg.sender.missing()
        if refused and not dry_run:
            return SendReport(0, 0, 0, 0, 0, 0, (), refused, refused=refused)
        window = _Window(cfg.plan, holidays or PublicHolidays(), started, now)
        settled = Reconciliation(0, 0, 0, ())
        if not dry_run:
            settled = self.reconcile(event_id, lookup, now)
        due = self._due(event_id, now, require_approval, touch_ids)
        total = len(due)
        if dry_run:
            return self._dry_run(due, window, refused)
        tally = _Tally(review=settled.flagged)
        mailed = self._mailed_days(event_id)
        day_left = smtp_settings.per_day_limit - self._sent_since(event_id, now - timedelta(1))
        sender = sender_factory(smtp_settings, password)
        try:
            for index, touch_id in enumerate(due):
                if progress is not None:
                    progress(index, total)
                if day_left <= 0:
                    tally.problems.append(
                        f"daily limit of {smtp_settings.per_day_limit} mails reached "
                        "(smtp.per_day_limit): the rest go out on the next run"
                    )
                    tally.not_tried = total - index
                    break
                step = self._prepare(touch_id, cfg, smtp_settings, window, mailed)
                if not isinstance(step, _Claimed):
                    tally.count(step)
                    continue
                try:
                    sender.send(step.message)
                except MailError as exc:
                    if self._after_error(step, exc, window.now(), tally):
                        tally.not_tried = total - index
                        break
                    continue
                self._mark_sent(step, window.now())
                mailed.setdefault(step.lead_id, set()).add(step.local_day)
                tally.sent += 1
                day_left -= 1
            else:
                if progress is not None:
                    progress(total, total)
        finally:
            sender.close()
        return SendReport(
            tally.sent,
            tally.failed,
            tally.deferred,
            tally.no_consent,
            settled.sent,
            tally.review,
            (),
            tuple(tally.problems),
            reconciled_replanned=settled.replanned,
            reconciled_review=settled.flagged,
            review_reasons=settled.reasons,
            replanned=tally.replanned,
            stopped=tally.stopped,
            not_tried=tally.not_tried,
            seconds=time.monotonic() - started,
        )

    def _due(
        self, event_id: str, now: datetime, require_approval: bool, touch_ids: list[str] | None
    ) -> list[str]:
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
            return list(s.scalars(q))

    def _dry_run(self, due: list[str], window: _Window, refused: tuple[str, ...]) -> SendReport:
        """What a run now would send; changes nothing."""
        would: list[str] = []
        blocked = waiting = 0
        with self._db.read() as s:
            for touch_id in due:
                row = s.get(FollowUpRow, touch_id)
                lead = s.get(LeadRow, row.lead_id) if row else None
                if row is None or lead is None or not _verdict(s, lead).may_email:
                    blocked += 1
                elif window.outside(row.timezone, _country(lead)) is not None:
                    waiting += 1
                else:
                    would.append(touch_id)
        return SendReport(
            0, 0, 0, blocked, 0, 0, tuple(would), refused, replanned=waiting, refused=refused
        )

    def _mailed_days(self, event_id: str) -> dict[str, set[date]]:
        """Per lead, the local days a mail already went out (one mail a day, issue 16)."""
        out: dict[str, set[date]] = {}
        with self._db.read() as s:
            rows = s.execute(
                select(FollowUpRow.lead_id, FollowUpRow.done_at, FollowUpRow.timezone)
                .join(LeadRow)
                .where(
                    LeadRow.event_id == event_id,
                    FollowUpRow.channel == Channel.EMAIL.value,
                    FollowUpRow.state == TouchState.SENT.value,
                    FollowUpRow.done_at.is_not(None),
                )
            )
            for lead_id, done_at, tz in rows:
                if done_at is not None:
                    out.setdefault(lead_id, set()).add(local_day(done_at, tz or "UTC"))
        return out

    def _sent_since(self, event_id: str, since: datetime) -> int:
        with self._db.read() as s:
            return int(
                s.scalar(
                    select(func.count(FollowUpRow.id))
                    .join(LeadRow)
                    .where(
                        LeadRow.event_id == event_id,
                        FollowUpRow.channel == Channel.EMAIL.value,
                        FollowUpRow.state == TouchState.SENT.value,
                        FollowUpRow.done_at >= since,
                    )
                )
                or 0
            )

    def _prepare(
        self,
        touch_id: str,
        cfg: FollowUpSettings,
        settings: SmtpSettings,
        window: _Window,
        mailed: dict[str, set[date]],
    ) -> _Claimed | str:
        """Commit 1: check the hour and the day, build the mail, claim the touch with its
        Message-ID before the SMTP transaction. Returns the claim, or what happened."""
        with self._db.session() as s:
            row = s.get(FollowUpRow, touch_id)
            if row is None or row.state not in OPEN_STATES:
                return "skipped"
            lead = s.get(LeadRow, row.lead_id)
            assert lead is not None
            verdict = _verdict(s, lead)
            if not verdict.may_email:
                row.state = TouchState.CANCELLED.value
                row.reason += "; " + R.english(R.NOT_SENT_AT_SEND, why=verdict.reason)
                return "no_consent"
            tz, country = row.timezone or "UTC", _country(lead)
            now = window.now()
            today = local_day(now, tz)
            why = window.outside(tz, country)
            already = today in mailed.get(lead.id, set())
            if why is not None or already:
                why = why or f"{lead_name(lead)} already had a mail today ({today:%a %d %b})"
                due = next_mail_slot(
                    now, tz, country, cfg.plan, window.holidays, row.id,
                    not_on=today if already else None,
                )  # fmt: skip
                row.due_at = due
                row.reason = (
                    _without_replan(row.reason)
                    + "; "
                    + R.english(R.REPLANNED, when=local_label(due, zone(tz)), tz=tz, why=why)
                )
                return "replanned"
            mid = message_id_for(row.id, settings.from_addr)
            try:
                # Rendered from the lead as it is now (a name fixed after planning goes out
                # fixed), unless the row holds its message already (followup_bodies).
                message = message_of(s, self._followups.configs, row, lead)
                msg = compose(message, lead, cfg, mid, settings.from_addr, settings.from_name)
            except (ValueError, LookupError) as exc:  # a bad address, a template gone
                row.state, row.outcome = TouchState.FAILED.value, "invalid"
                row.reason += "; " + R.english(R.NOT_SENT, why=exc)
                return f"failed:{_who(lead)}: {exc}"
            claim = _Claimed(
                touch_id, lead.id, _who(lead), msg, today, row.state, row.attempts, row.message_id,
                (row.subject, row.body_text, row.body_html, row.language),
            )  # fmt: skip
            row.state, row.message_id = TouchState.SENDING.value, mid
            row.attempts += 1
            # The message kept with the claim, in the same commit: the record is what went
            # out, whatever the lead becomes later, and an interrupted send settled as sent
            # (reconcile, review) holds it too. A stop or deferral puts the row back as it was.
            _store(row, message)
            return claim

    def _mark_sent(self, claim: _Claimed, at: datetime) -> None:
        """Commit 3: the server accepted the message."""
        with self._db.session() as s:
            row = s.get(FollowUpRow, claim.touch_id)
            assert row is not None
            row.state, row.outcome, row.done_at = (
                TouchState.SENT.value,
                Outcome.EMAIL_SENT.value,
                at,
            )

    def _after_error(self, claim: _Claimed, exc: MailError, now: datetime, tally: _Tally) -> bool:
        """Act on the typed outcome; True when the run must stop."""
        outcome = exc.outcome
        said = outcome.describe()
        with self._db.session() as s:
            row = s.get(FollowUpRow, claim.touch_id)
            assert row is not None
            if outcome.failure is MailFailure.STOP:
                # About the server, the account or the line, not this lead: the touch is put
                # back exactly as it was and nothing else is tried (issue 16).
                row.state, row.attempts, row.message_id = (
                    claim.state,
                    claim.attempts,
                    claim.message_id,
                )
                _unstore(row, claim)
                tally.stopped = said
                hint = " (try again later)" if outcome.retry_later else " (fix it, then send again)"
                tally.problems.append(f"run stopped: the mail server answered {said}{hint}")
                return True
            if outcome.failure is MailFailure.UNCERTAIN:
                row.state = TouchState.REVIEW.value
                row.reason += "; " + R.english(R.INTERRUPTED, said=said)
                tally.review += 1
                tally.problems.append(f"{claim.who}: {said}")
                return False
            if outcome.failure is MailFailure.DEFERRED:
                wait = _backoff(row.attempts)
                row.state, row.message_id = claim.state, claim.message_id
                _unstore(row, claim)  # the retry renders what the lead is then
                row.due_at = now + wait
                minutes = int(wait.total_seconds() // 60)
                row.reason += "; " + R.english(R.DEFERRED, said=said, minutes=minutes)
                tally.deferred += 1
                tally.problems.append(f"{claim.who}: {said}")
                return False
            row.state = TouchState.PLANNED.value  # record_outcome needs an open touch
        # A permanent refusal of this recipient: a bounce. It schedules a call or letter.
        result = self._followups.record_outcome(claim.touch_id, Outcome.BOUNCED, now=now)
        with self._db.session() as s:
            row = s.get(FollowUpRow, claim.touch_id)
            assert row is not None
            row.state = TouchState.FAILED.value
            row.reason += "; " + R.english(R.BOUNCED_SAID, said=said)
        nxt = f"; next: {result.next_touch.channel}" if result.next_touch else ""
        tally.failed += 1
        tally.problems.append(f"{claim.who}: bounced: {said}{nxt}")
        return False


def compose(
    rendered: RenderedMessage,
    lead: LeadRow,
    cfg: FollowUpSettings,
    message_id: str,
    from_addr: str,
    from_name: str = "",
) -> EmailMessage:
    """The exact mail for a touch: its message (``followup_bodies``) plus the footer (opt-out
    line, postal address) and List-Unsubscribe. The send run and the queue's preview both use
    this."""
    sender = cfg.sender
    footer = Footer(
        sender.unsubscribe_mailto, sender.address, sender.company, sender.unsubscribe_for(lead.id)
    )
    return build_message(
        with_footer(rendered, footer),
        lead.email,
        sender.unsubscribe_for(lead.id),
        message_id,
        from_addr=from_addr,
        from_name=from_name,
        unsubscribe_mailto=sender.mailto_for(lead.id),
    )


# Where a re-plan note starts in a stored reason.
_REPLANNED = "; " + R.REPLANNED[: R.REPLANNED.index(" {when}")]


def _without_replan(reason: str) -> str:
    """The reason without an earlier re-plan note, so repeated runs do not stack them."""
    cut = reason.find(_REPLANNED)
    return reason if cut < 0 else reason[:cut]


def _backoff(attempts: int) -> timedelta:
    """15 min, 30 min, 1 h, ... up to a day, by how often the touch was tried."""
    minutes = 15 * 2 ** min(max(attempts - 1, 0), 10)
    return min(timedelta(minutes=minutes), timedelta(days=1))


def _store(row: FollowUpRow, message: RenderedMessage) -> None:
    row.subject, row.body_text, row.body_html = message.subject, message.text, message.html
    row.language = message.language


def _unstore(row: FollowUpRow, claim: _Claimed) -> None:
    row.subject, row.body_text, row.body_html, row.language = claim.stored


def _country(lead: LeadRow) -> str:
    return normalise_country(lead.country) or ""


@dataclass(frozen=True, slots=True)
class _Claimed:
    """A touch claimed for sending, and how it was before (to put it back on a stop)."""

    touch_id: str
    lead_id: str
    who: str
    message: EmailMessage
    local_day: date
    state: str
    attempts: int
    message_id: str
    stored: tuple[str, str, str, str]  # subject, text, HTML and language the row held


@dataclass
class _Tally:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    no_consent: int = 0
    review: int = 0
    replanned: int = 0
    not_tried: int = 0
    stopped: str = ""
    problems: list[str] = field(default_factory=list)

    def count(self, step: str) -> None:
        if step == "no_consent":
            self.no_consent += 1
        elif step == "replanned":
            self.replanned += 1
        elif step.startswith("failed:"):
            self.failed += 1
            self.problems.append(step.removeprefix("failed:"))


@dataclass(frozen=True, slots=True)
class _Window:
    """The sending window at the run's current moment: ``now`` given (rehearsals, tests)
    plus the time the paced run has taken so far."""

    plan: FollowUpPlan
    holidays: HolidaysProvider
    started: float
    at: datetime

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)

    def outside(self, tz: str, country: str) -> str | None:
        return outside_window(self.now(), tz or "UTC", country, self.plan, self.holidays)


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


def _verdict(s: Session, lead: LeadRow) -> ContactVerdict:
    """The one contact rule, asked again at send time: the lead may have been won, flagged,
    unsubscribed or lost its consent since the touch was planned."""
    touches = s.scalars(select(FollowUpRow).where(FollowUpRow.lead_id == lead.id))
    return verdict_for(lead, touches)


def _who(lead: LeadRow) -> str:
    name = " ".join(p for p in (lead.first_name, lead.last_name) if p)
    return f"{name} <{lead.email}>" if name else lead.email
