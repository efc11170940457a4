"""Follow-up outputs: printed letters (PDF), a staff member's calendar (ICS), response times.

Each reads the ``followups`` rows of one event; the service methods of the same names call
these functions. The messages come from ``followup_bodies``: rendered from each lead as it is
now, one batch per output.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.core.followups.attempts import Outcome
from boothapp.core.followups.ics import CalendarEntry, calendar_for_staff
from boothapp.core.followups.metrics import ResponseSample, ResponseTimes, response_times
from boothapp.core.followups.timing import zone
from boothapp.core.i18n import Language
from boothapp.core.i18n_format import format_date
from boothapp.core.models import Channel
from boothapp.services.errors import NotFoundError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followup_bodies import Bodies
from boothapp.services.followup_rows import end_of_day, event_of, lead_name
from boothapp.services.followup_types import OPEN_STATES, SenderSettings, TouchState
from boothapp.store.db import Database
from boothapp.store.tables import EventRow, FollowUpRow, LeadRow, StaffRow

if TYPE_CHECKING:
    from boothapp.reports.letters import Letter

# Outcomes that mean the person was contacted, for response-time metrics.
CONTACT_OUTCOMES = frozenset(
    {
        Outcome.EMAIL_SENT,
        Outcome.REACHED,
        Outcome.VOICEMAIL,
        Outcome.MEETING_BOOKED,
        Outcome.NOT_INTERESTED,
        Outcome.REPLIED,
    }
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # before any touch: "done at all", as an index range


def event_language(s: Session, event_id: str) -> Language:
    """The event's ``language:`` (validated when the config was saved); en when not set."""
    tree = s.scalar(select(EventRow.config).where(EventRow.id == event_id)) or {}
    return Language.parse(str(tree.get("language", ""))) or Language.EN


def letters_pdf(
    db: Database,
    configs: EventConfigService,
    sender: SenderSettings,
    event_id: str,
    path: Path,
    now: datetime | None = None,
    mark_printed: bool = True,
) -> int:
    """Print the letter touches due by today into one PDF; they are marked done
    (outcome "printed") so the next run does not print them again, each with the letter
    printed kept on its row (as a sent mail keeps its message)."""
    # ReportLab here, not at the top: every command and the window's start import this
    # module, and loading ReportLab and the letter fonts costs them ~0.12 s (issue 23).
    from boothapp.reports.letters import Letter, write_letters_pdf

    now = (now or datetime.now(UTC)).astimezone(UTC)
    with db.session() as s:
        event = event_of(s, event_id)
        horizon = end_of_day(now, event.timezone)
        sender_lines = tuple(x for x in (sender.company, event.name) if x)
        language = event_language(s, event_id)
        pairs = s.execute(
            select(FollowUpRow, LeadRow)
            .join(LeadRow)
            .where(
                LeadRow.event_id == event_id,
                FollowUpRow.channel == Channel.LETTER.value,
                FollowUpRow.state.in_([st.value for st in OPEN_STATES]),
                FollowUpRow.due_at < horizon,
            )
            .order_by(FollowUpRow.due_at)
        )
        letters: list[Letter] = []
        rows: list[FollowUpRow] = []
        bodies = Bodies(s, configs)
        for f, lead in pairs:
            recipient = tuple(
                x
                for x in (lead_name(lead), lead.company, lead.city, lead.country)
                if x and x.strip()
            )
            message = bodies.message(f, lead)
            # The date as the letter's own language writes it (CLDR long form, Babel).
            day = format_date(
                f.due_at.astimezone(zone(f.timezone)).date(),
                Language.parse(message.language) or language,
                "long",
            )
            letters.append(Letter(f.id, recipient, sender_lines, day, message))
            rows.append(f)
        count = write_letters_pdf(letters, path, language)
        if mark_printed:
            for f, letter in zip(rows, letters, strict=True):
                f.state = TouchState.DONE.value
                f.outcome = "printed"
                f.done_at = now
                f.subject, f.body_text = letter.message.subject, letter.message.text
                f.language = letter.message.language
        return count


def calendar(
    db: Database,
    configs: EventConfigService,
    event_id: str,
    staff_name: str,
    now: datetime | None = None,
) -> str:
    """An iCalendar document of a staff member's open calls and letters (UID = touch), each
    described with its message as rendered from the lead now."""
    wanted = staff_name.strip().casefold()
    with db.read() as s:
        pairs = s.execute(
            select(FollowUpRow, LeadRow)
            .join(LeadRow)
            .where(
                LeadRow.event_id == event_id,
                FollowUpRow.state.in_([st.value for st in OPEN_STATES]),
            )
            .order_by(FollowUpRow.due_at)
        )
        mine = [(f, lead) for f, lead in pairs if f.owner.strip().casefold() == wanted]
        texts = Bodies(s, configs).messages(
            (f for f, _lead in mine), {lead.id: lead for _f, lead in mine}
        )
        entries = []
        for f, lead in mine:
            verb = {"call": "Call", "letter": "Letter to", "email": "Email"}.get(
                f.channel, f.channel
            )
            who = lead_name(lead) + (f" ({lead.company})" if lead.company else "")
            contact = " / ".join(x for x in (lead.phone, lead.email) if x)
            entries.append(
                CalendarEntry(
                    touch_id=f.id,
                    due_utc=f.due_at,
                    summary=f"{verb} {who}",
                    description=f"{contact}\n{f.reason}\n\n{texts[f.id].text}".strip(),
                )
            )
    if not entries:
        raise NotFoundError(f"no open follow-ups for {staff_name!r}")
    return calendar_for_staff(entries, staff_name, now)


def metrics(db: Database, event_id: str) -> ResponseTimes:
    """Capture -> first contact per lead, with medians per owner and for the event.

    Read as plain tuples of the four columns it needs, streamed, with the first contact
    found in SQL: the dashboard asks on every refresh, and loading every lead as an ORM row
    made tens of thousands of objects per refresh at 50k leads (the full garbage
    collections that paused the scan page; issue 23)."""
    with db.read() as s:
        contact = [o.value for o in CONTACT_OUTCOMES]
        # The touches done, through the done_at index, and the earliest per lead taken here:
        # joined to the event's leads and grouped in SQL, SQLite walked every lead's touches
        # (2.2 s of a 50k event's dashboard refresh for 51 contacted leads; a range on
        # done_at, not IS NOT NULL, is what lets it use the index: 1 ms). Other events'
        # touches are never looked up below.
        first: dict[str, datetime] = {}
        for lead_id, at in s.execute(
            select(FollowUpRow.lead_id, FollowUpRow.done_at).where(
                FollowUpRow.done_at >= _EPOCH, FollowUpRow.outcome.in_(contact)
            )
        ):
            if at is not None and (lead_id not in first or at < first[lead_id]):
                first[lead_id] = at
        staff = {i: name for i, name in s.execute(select(StaffRow.id, StaffRow.name))}
        rows = s.execute(
            select(LeadRow.id, LeadRow.owner, LeadRow.staff_id, LeadRow.created_at)
            .where(LeadRow.event_id == event_id)
            .execution_options(yield_per=5000)
        )
        return response_times(
            ResponseSample(
                lead_id=lead_id,
                staff_id=owner or staff.get(staff_id, "") or "(nobody)",
                event_id=event_id,
                captured_at_utc=created_at,
                first_touch_at_utc=first.get(lead_id),
            )
            for lead_id, owner, staff_id, created_at in rows
        )
