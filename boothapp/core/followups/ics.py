"""An iCalendar file (RFC 5545) of one staff member's follow-up tasks.

DOMAIN.md: note the next action in the calendar. UID is the touch id, so importing the file
again updates the same events instead of duplicating them. Written by icalendar (issue #18:
escaping, 75-octet folding and CRLF are its job, not a hand-written writer's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar

from boothapp.core.followups.timing import require_aware


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    touch_id: str
    due_utc: datetime
    summary: str
    description: str = ""  # e.g. the rendered call script
    duration_minutes: int = 15


def calendar_for_staff(
    touches: Iterable[CalendarEntry],
    staff_name: str = "",
    generated_at_utc: datetime | None = None,
) -> str:
    stamp = (
        require_aware(generated_at_utc, "generated_at_utc")
        if generated_at_utc
        else datetime.now(UTC)
    ).astimezone(UTC)
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//BoothApp//Follow-ups//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if staff_name:
        cal.add("x-wr-calname", "Follow-ups: " + staff_name)
    for entry in sorted(touches, key=lambda e: (e.due_utc, e.touch_id)):
        start = require_aware(entry.due_utc, f"due_utc of touch {entry.touch_id}").astimezone(UTC)
        event = icalendar.Event()
        event.add("uid", f"{entry.touch_id}@boothapp")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=entry.duration_minutes))
        event.add("summary", entry.summary)
        if entry.description:
            event.add("description", entry.description)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data.decode("utf-8")
