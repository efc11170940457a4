"""An iCalendar file (RFC 5545) of one staff member's follow-up tasks.

DOMAIN.md: note the next action in the calendar. UID is the touch id, so importing the file
again updates the same events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from boothapp.core.followups.timing import require_aware


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    touch_id: str
    due_utc: datetime
    summary: str
    description: str = ""  # e.g. the rendered call script
    duration_minutes: int = 15


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_for_staff(
    touches: Iterable[CalendarEntry],
    staff_name: str = "",
    generated_at_utc: datetime | None = None,
) -> str:
    stamp = _stamp(
        require_aware(generated_at_utc, "generated_at_utc")
        if generated_at_utc
        else datetime.now(UTC)
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//BoothApp//Follow-ups//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if staff_name:
        lines.append(f"X-WR-CALNAME:{_escape('Follow-ups: ' + staff_name)}")
    for entry in sorted(touches, key=lambda e: (e.due_utc, e.touch_id)):
        start = require_aware(entry.due_utc, f"due_utc of touch {entry.touch_id}")
        end = start + timedelta(minutes=entry.duration_minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(entry.touch_id)}@boothapp",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(start)}",
            f"DTEND:{_stamp(end)}",
            f"SUMMARY:{_escape(entry.summary)}",
        ]
        if entry.description:
            lines.append(f"DESCRIPTION:{_escape(entry.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
