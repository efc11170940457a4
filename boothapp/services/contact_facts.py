"""The facts the contact rule (``core.contact_rule``) needs, read from a lead and its touches.

One reader for the planner, the sender and the queue, so they can never disagree on whether a
lead may be contacted.
"""

from __future__ import annotations

from collections.abc import Iterable

from boothapp.core.contact_rule import ContactFacts, ContactVerdict, contact_verdict
from boothapp.core.followups.attempts import UNANSWERED, Outcome
from boothapp.core.models import Stage
from boothapp.store.tables import FollowUpRow, LeadRow

# The five-attempt rule counts conversations attempted (calls, a bounced personal mail), not the
# cadence's automatic sends: five nurture mails are a plan, not five unanswered attempts.
_UNANSWERED = frozenset(o.value for o in UNANSWERED - {Outcome.EMAIL_SENT})


def contact_facts(lead: LeadRow, touches: Iterable[FollowUpRow] = ()) -> ContactFacts:
    outcomes = [t.outcome for t in touches if t.outcome]
    return ContactFacts(
        stage=Stage(lead.stage),
        please_delete=lead.please_delete,
        unsubscribed=lead.unsubscribed_at is not None,
        consent_given=lead.consent_given_at is not None,
        has_email=bool(lead.email.strip()),
        has_phone=bool(lead.phone.strip()),
        bounced=Outcome.BOUNCED.value in outcomes,
        unanswered_attempts=sum(o in _UNANSWERED for o in outcomes),
    )


def verdict_for(lead: LeadRow, touches: Iterable[FollowUpRow] = ()) -> ContactVerdict:
    return contact_verdict(contact_facts(lead, touches))
