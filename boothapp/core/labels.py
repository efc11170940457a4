"""What a person reads for each enum value: the msgids, declared once (issue 21).

``core.i18n.label(value)`` translates them into the current language; the CLI, the reports
and the exports call it instead of printing ``value.value``. The Qt UI keeps its own wording in
its .ts files. A test keeps every member of every enum here labelled.
"""

from __future__ import annotations

import enum

from boothapp.core.contact_rule import Block
from boothapp.core.followups.attempts import Outcome
from boothapp.core.i18n import N_
from boothapp.core.models import Channel, LeadSource, Rating, StaffRole, Stage, SyncState
from boothapp.core.results.funnel import Step

LABELS: dict[type[enum.Enum], dict[enum.Enum, str]] = {
    Rating: {
        Rating.COLD: N_("Cold"),
        Rating.WARM: N_("Warm"),
        Rating.HOT: N_("Hot"),
    },
    Stage: {
        Stage.TO_CONTACT: N_("To contact"),
        Stage.IN_CONTACT: N_("In contact"),
        Stage.FOLLOW_UP: N_("Follow-up"),
        Stage.QUOTE_TO_PREPARE: N_("Quote to prepare"),
        Stage.QUOTE_SENT: N_("Quote sent"),
        Stage.WON: N_("Won"),
        Stage.NOT_INTERESTED: N_("Not interested"),
    },
    LeadSource: {
        LeadSource.BADGE_SCAN: N_("Badge scan"),
        LeadSource.HANDHELD: N_("Handheld scanner"),
        LeadSource.MANUAL: N_("Typed in"),
        LeadSource.KIOSK: N_("Kiosk"),
        LeadSource.REFERRAL: N_("Referral"),
    },
    Channel: {
        Channel.EMAIL: N_("Email"),
        Channel.CALL: N_("Call"),
        Channel.LETTER: N_("Letter"),
        Channel.CRM_TASK: N_("CRM task"),
    },
    SyncState: {
        SyncState.NOT_QUEUED: N_("Not queued"),
        SyncState.PENDING: N_("Waiting to sync"),
        SyncState.SYNCED: N_("In the CRM"),
        SyncState.FAILED: N_("Sync failed"),
    },
    StaffRole: {
        StaffRole.STAFF: N_("Booth staff"),
        StaffRole.MANAGER: N_("Manager"),
        StaffRole.KIOSK: N_("Kiosk stand"),
    },
    Outcome: {
        Outcome.REACHED: N_("Reached"),
        Outcome.VOICEMAIL: N_("Left a voicemail"),
        Outcome.NO_ANSWER: N_("No answer"),
        Outcome.NOT_INTERESTED: N_("Not interested"),
        Outcome.MEETING_BOOKED: N_("Meeting booked"),
        Outcome.EMAIL_SENT: N_("Email sent"),
        Outcome.BOUNCED: N_("Email bounced"),
        Outcome.REPLIED: N_("Replied"),
        Outcome.WRONG_NUMBER: N_("Wrong number"),
    },
    Block: {
        Block.PLEASE_DELETE: N_("flagged for deletion"),
        Block.UNSUBSCRIBED: N_("unsubscribed"),
        Block.WON: N_("won"),
        Block.NOT_INTERESTED: N_("not interested"),
        Block.ATTEMPTS_USED: N_("five unanswered attempts"),
        Block.NO_EMAIL: N_("no email address"),
        Block.BOUNCED: N_("email bounced"),
        Block.NO_CONSENT: N_("no marketing consent"),
    },
    Step: {
        Step.SCANS: N_("Scans"),
        Step.LEADS: N_("Leads"),
        Step.QUALIFIED: N_("Qualified"),
        Step.CONTACTED: N_("Contacted"),
        Step.REACHED: N_("Reached"),
        Step.MEETING: N_("Meeting"),
        Step.OPPORTUNITY: N_("Opportunity"),
        Step.WON: N_("Won"),
    },
}


def msgid_of(value: enum.Enum) -> str | None:
    return LABELS.get(type(value), {}).get(value)
