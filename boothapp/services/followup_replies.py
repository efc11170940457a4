"""What replies in the follow-up mailbox change: unsubscribes and late bounces (issue 16).

``mark_unsubscribed`` records the lead's wish (``leads.unsubscribed_at``) through the lead door,
which cancels its open touches (the contact rule) and tells the CRM. A DSN bounce settles the
sent touch like a bounce at RCPT: that address is bad, the next touch is a call or letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from boothapp.core.followups import reasons as R
from boothapp.core.followups.attempts import Outcome
from boothapp.services.followup_types import FollowUpRules, TouchState
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges
from boothapp.store.db import Database
from boothapp.store.tables import FollowUpRow, LeadRow
from boothapp.sync.imap_inbox import InboxReplies


@dataclass(frozen=True, slots=True)
class RepliesApplied:
    unsubscribed: int  # leads newly marked
    bounced: int  # sent touches found bounced by a DSN
    unmatched: tuple[str, ...]  # unsubscribe mails we could not tie to a lead of the event


def mark_unsubscribed(changes: LeadChanges, lead_id: str, now: datetime | None = None) -> bool:
    """The lead asked for no more mail; True when that is news. Idempotent."""
    with changes.transaction(ChangeOrigin.UNSUBSCRIBE, "unsubscribe") as tx:
        lead = tx.session.get(LeadRow, lead_id)
        if lead is None:
            raise ValueError(f"no lead {lead_id}")
        if lead.unsubscribed_at is not None:
            return False
        tx.update(lead, {"unsubscribed_at": (now or tx.now).astimezone(UTC)})
        return True


def apply_replies(
    db: Database,
    followups: FollowUpRules,
    event_id: str,
    replies: InboxReplies,
    now: datetime | None = None,
) -> RepliesApplied:
    unsubscribed = bounced = 0
    unmatched: list[str] = []
    for request in replies.unsubscribes:
        with db.read() as s:
            lead_id = None
            if request.lead_id:
                lead_id = s.scalar(
                    select(LeadRow.id).where(
                        LeadRow.id == request.lead_id, LeadRow.event_id == event_id
                    )
                )
            if lead_id is None and request.from_addr:
                lead_id = s.scalar(
                    select(LeadRow.id)
                    .where(
                        LeadRow.event_id == event_id,
                        func.lower(LeadRow.email) == request.from_addr.lower(),
                    )
                    .limit(1)
                )
        if lead_id is None:
            unmatched.append(request.from_addr or request.lead_id)
            continue
        unsubscribed += mark_unsubscribed(followups.changes, lead_id, now)
    for failure in replies.bounces:
        with db.read() as s:
            row = s.get(FollowUpRow, failure.touch_id)
            lead = s.get(LeadRow, row.lead_id) if row else None
            ours = row is not None and lead is not None and lead.event_id == event_id
            if not ours or row is None or row.state != TouchState.SENT:
                continue
        followups.record_outcome(failure.touch_id, Outcome.BOUNCED, now=now)
        with db.session() as s:
            sent = s.get(FollowUpRow, failure.touch_id)
            assert sent is not None
            sent.state = TouchState.FAILED.value
            sent.reason += "; " + R.english(
                R.BOUNCED_DSN, status=failure.status, recipient=failure.recipient
            )
        bounced += 1
    return RepliesApplied(unsubscribed, bounced, tuple(unmatched))
