"""Typed values the follow-up service hands to the CLI and the UI, and its settings parsing.

The event configuration's ``followups`` section holds the plan (validated by
``FollowUpPlan.from_mapping``) plus three sections owned here: ``smtp`` (server, sender, limit),
``imap`` (where to find the Sent folder, for interrupted sends) and ``sender`` (company name,
unsubscribe URL pattern). They are split off before the plan is validated, so an unknown plan
key still fails with its exact path.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from boothapp.core.config.followup_content import (
    CONTENT_SECTIONS,
    SENDER_KEYS,
    FollowUpContent,
    content_from,
)
from boothapp.core.config.imap_section import IMAP_KEYS
from boothapp.core.followups.attempts import Outcome
from boothapp.core.followups.plan import FollowUpPlan, PlanError
from boothapp.core.models import Channel

if TYPE_CHECKING:
    from boothapp.services.event_config import EventConfigService
    from boothapp.services.lead_changes import LeadChanges
from boothapp.sync.imap import DEFAULT_PORTS, ImapSecurity, ImapSettings
from boothapp.sync.mail import (
    DEFAULT_PER_DAY,
    DEFAULT_PER_DOMAIN_PER_MINUTE,
    DEFAULT_PER_MINUTE,
    SmtpSecurity,
    SmtpSettings,
)


class TouchState(enum.StrEnum):
    PLANNED = "planned"
    APPROVED = "approved"  # a person read the message and it may go out
    SENDING = "sending"  # Message-ID recorded, SMTP transaction under way
    SENT = "sent"
    DONE = "done"  # a call or letter with its outcome logged
    FAILED = "failed"  # bounced or refused for good; see the reason
    REVIEW = "review"  # interrupted mid-send: a person checks before anything is resent
    CANCELLED = "cancelled"  # superseded (lead not interested, meeting booked); kept


OPEN_STATES = frozenset({TouchState.PLANNED, TouchState.APPROVED})
FINISHED_STATES = frozenset(
    {TouchState.SENT, TouchState.DONE, TouchState.FAILED, TouchState.CANCELLED}
)


@dataclass(frozen=True, slots=True)
class Touch:
    id: str
    lead_id: str
    touch_number: int
    channel: Channel
    due_utc: datetime
    tz: str
    template_id: str
    reason: str
    subject: str
    # The stored body: what went out for a sent touch, "" for one still to come (rendered
    # from the lead when read: ``FollowUpService.message`` / ``preview``, issue 23).
    text: str
    html: str
    state: TouchState
    owner: str
    message_id: str
    attempts: int
    outcome: str
    done_at: datetime | None
    language: str = ""  # the language the message is in, after the fallback chain


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One line of a sales rep's queue: the touch plus who to contact and how."""

    touch: Touch
    lead_name: str
    company: str
    email: str
    phone: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class PlanSummary:
    leads_planned: int
    touches_planned: int
    leads_skipped: int
    problems: tuple[str, ...]  # one line per lead that could not be planned, naming why


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    failed: int
    deferred: int  # transient trouble: stays planned, retried on the next run
    skipped_no_consent: int
    reconciled_sent: int
    flagged_review: int
    would_send: tuple[str, ...]  # dry run: touch ids that would go out
    problems: tuple[str, ...]
    # Touches found in "sending" from an interrupted run and sent back to the queue because
    # the Sent-folder lookup showed the server never had them (resent in this same run).
    reconciled_replanned: int = 0
    reconciled_review: int = 0  # interrupted sends the lookup could not settle (in flagged_review)
    # Why interrupted sends were left for review ("IMAP: login as 'jo' refused: ..."), each
    # reason once, with how many touches it held back.
    review_reasons: tuple[str, ...] = ()
    # Quiet hours (issue 16): touches moved to the lead's next sending slot instead of going
    # out now (outside the local window, or the lead already had a mail that day).
    replanned: int = 0
    # The run stopped on a server-level failure: what the server answered ("" when it ran
    # to the end). The touches not tried stay due, unchanged.
    stopped: str = ""
    not_tried: int = 0
    # Settings the run needs and does not have: nothing was sent.
    refused: tuple[str, ...] = ()
    seconds: float = 0.0  # how long the run took, pacing included

    @property
    def ok(self) -> bool:
        """Nothing needs a person: no failure, deferral, review, stop or refusal."""
        return not (
            self.failed or self.flagged_review or self.deferred or self.stopped or self.refused
        )


@dataclass(frozen=True, slots=True)
class MailPreview:
    """The exact mail a touch sends, as the queue shows it (issue 16)."""

    touch_id: str
    language: str
    headers: tuple[tuple[str, str], ...]  # From, To, Subject, List-Unsubscribe, ...
    subject: str
    text: str
    html: str
    problems: tuple[str, ...] = ()  # settings still missing before it could be sent


@dataclass(frozen=True, slots=True)
class OutcomeRequest:
    """One touch's outcome, for ``FollowUpService.record_outcomes``."""

    touch_id: str
    outcome: Outcome
    at: datetime | None = None  # when it happened; None: now
    note: str = ""


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    touch: Touch
    new_stage: str | None
    next_touch: Touch | None
    reason: str


@dataclass(frozen=True, slots=True)
class SenderSettings:
    company: str = ""
    unsubscribe_url: str = ""  # https://... with an optional {lead_id} placeholder
    address: str = ""  # the sender's postal address, in every mail (required to send)
    unsubscribe_mailto: str = ""  # a mailbox; a reply to it unsubscribes (required to send)

    def unsubscribe_for(self, lead_id: str) -> str:
        return self.unsubscribe_url.replace("{lead_id}", lead_id) if self.unsubscribe_url else ""

    def mailto_for(self, lead_id: str) -> str:
        """``mailto:`` URI whose subject names the lead, so a reply is matched without
        guessing from the From address (which may be an alias)."""
        if not self.unsubscribe_mailto:
            return ""
        return f"mailto:{self.unsubscribe_mailto}?subject={quote(UNSUBSCRIBE_SUBJECT + lead_id)}"

    def missing(self) -> tuple[str, ...]:
        """What must be set before any mail goes out (issue 16), one line each."""
        out = []
        if not self.unsubscribe_mailto:
            out.append(
                "no unsubscribe address: set followups.sender.unsubscribe_mailto (every mail "
                "carries it in List-Unsubscribe and its opt-out line)"
            )
        if not self.address.strip():
            out.append(
                "no postal address: set followups.sender.address (marketing mail must carry "
                "the sender's postal address)"
            )
        return tuple(out)


UNSUBSCRIBE_SUBJECT = "unsubscribe "


@dataclass(frozen=True, slots=True)
class FollowUpSettings:
    plan: FollowUpPlan
    sender: SenderSettings
    smtp: Mapping[str, Any]  # raw; completed by CLI options before SmtpSettings is built
    imap: Mapping[str, Any] = field(default_factory=dict)  # raw; empty: no Sent-folder lookup
    content: FollowUpContent = field(default_factory=FollowUpContent)


_OWN_SECTIONS = ("smtp", "sender", "imap", *CONTENT_SECTIONS)


def parse_followup_section(section: Mapping[str, object]) -> FollowUpSettings:
    """Split the config section into plan, sender and SMTP parts; PlanError names the field."""
    if not isinstance(section, Mapping):
        raise PlanError("(root)", "expected a mapping")
    plan_part = {k: v for k, v in section.items() if k not in _OWN_SECTIONS}
    plan = FollowUpPlan.from_mapping(plan_part)
    sender_raw = section.get("sender", {}) or {}
    smtp_raw = section.get("smtp", {}) or {}
    if not isinstance(sender_raw, Mapping):
        raise PlanError("sender", "expected a mapping")
    if not isinstance(smtp_raw, Mapping):
        raise PlanError("smtp", "expected a mapping")
    imap_raw = section.get("imap", {}) or {}
    if not isinstance(imap_raw, Mapping):
        raise PlanError("imap", "expected a mapping")
    for key in sender_raw:
        if key not in SENDER_KEYS:
            raise PlanError(f"sender.{key}", "unknown setting")
    unsub = str(sender_raw.get("unsubscribe_url", "") or "").strip()
    if unsub and not unsub.lower().startswith("https://"):
        raise PlanError("sender.unsubscribe_url", "must start with https://")
    mailto = str(sender_raw.get("unsubscribe_mailto", "") or "").strip().removeprefix("mailto:")
    sender = SenderSettings(
        str(sender_raw.get("company", "") or "").strip(),
        unsub,
        str(sender_raw.get("address", "") or "").strip(),
        mailto,
    )
    return FollowUpSettings(plan, sender, dict(smtp_raw), dict(imap_raw), content_from(section))


_SMTP_KEYS = frozenset(
    {
        "host",
        "port",
        "security",
        "username",
        "from",
        "from_name",
        "per_minute_limit",
        "per_domain_per_minute",
        "per_day_limit",
    }
)


def smtp_settings_from(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> SmtpSettings:
    """SMTP settings from the config section, with non-empty ``overrides`` (CLI options) on
    top. Raises ValueError naming the missing or bad field."""
    for key in raw:
        if key not in _SMTP_KEYS:
            raise ValueError(f"follow-up plan: smtp.{key}: unknown setting")
    values = {**raw, **{k: v for k, v in overrides.items() if v not in (None, "")}}
    host = str(values.get("host", "") or "")
    sender = str(values.get("from", "") or "")
    if not host:
        raise ValueError("no SMTP host: set followups.smtp.host in the event config or --smtp-host")
    if not sender:
        raise ValueError("no sender address: set followups.smtp.from or --from")
    try:
        security = SmtpSecurity(str(values.get("security", "starttls")))
    except ValueError:
        choices = ", ".join(s.value for s in SmtpSecurity)
        raise ValueError(f"smtp.security must be one of {choices}") from None
    try:
        port = int(values.get("port", 587))
        limit = int(values.get("per_minute_limit", DEFAULT_PER_MINUTE))
        per_domain = int(values.get("per_domain_per_minute", DEFAULT_PER_DOMAIN_PER_MINUTE))
        per_day = int(values.get("per_day_limit", DEFAULT_PER_DAY))
    except (TypeError, ValueError):
        raise ValueError(
            "smtp.port, per_minute_limit, per_domain_per_minute and per_day_limit must be "
            "whole numbers"
        ) from None
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        username=str(values.get("username", "") or ""),
        from_addr=sender,
        per_minute_limit=limit,
        from_name=str(values.get("from_name", "") or ""),
        per_domain_per_minute=per_domain,
        per_day_limit=per_day,
    )


def imap_settings_from(raw: Mapping[str, Any], smtp_username: str) -> ImapSettings | None:
    """The Sent-folder lookup's settings, or None when ``followups.imap`` is not set up.
    The config loader reports a bad section with its line; this repeats the checks for a
    config stored before they existed. The username defaults to the SMTP one (one account)."""
    if not raw:
        return None
    for key in raw:
        if key not in IMAP_KEYS:
            raise ValueError(f"follow-up plan: imap.{key}: unknown setting")
    host = str(raw.get("host", "") or "").strip()
    if not host:
        raise ValueError("no IMAP host: set followups.imap.host in the event config")
    try:
        security = ImapSecurity(str(raw.get("security", "ssl") or "ssl"))
    except ValueError:
        choices = ", ".join(s.value for s in ImapSecurity)
        raise ValueError(f"imap.security must be one of {choices}") from None
    port_raw = raw.get("port", DEFAULT_PORTS[security])
    if isinstance(port_raw, bool) or not isinstance(port_raw, int):
        raise ValueError("imap.port must be a whole number")
    files_sent = raw.get("server_files_sent", False)
    if not isinstance(files_sent, bool):
        raise ValueError("imap.server_files_sent must be true or false")
    return ImapSettings(
        host=host,
        port=port_raw,
        security=security,
        username=str(raw.get("username", "") or "").strip() or smtp_username,
        sent_folder=str(raw.get("sent_folder", "") or "").strip(),
        server_files_sent=files_sent,
    )


class FollowUpRules(Protocol):
    """What the sender and the reply reader need of the follow-up service. A protocol, so
    ``followup_send`` and ``followup_replies`` do not import ``followups`` (which calls
    them): no import circle (issue 13), checked by an import contract."""

    changes: LeadChanges

    @property
    def configs(self) -> EventConfigService: ...  # what rendering a body reads (followup_bodies)

    def settings(self, event_id: str) -> FollowUpSettings: ...

    def record_outcome(
        self,
        touch_id: str,
        outcome: Outcome | str,
        staff_id: str = "",
        now: datetime | None = None,
        note: str = "",
    ) -> OutcomeResult: ...
