"""One clock for every time a person reads: the event's zone (issue 15).

Leads list, lead detail, the "scanned before" banner, the dashboard, exports and the report all
format a moment with ``event_time`` in the event's zone, and each page says once which zone that
is (``zone_note``). Where the visitor lives elsewhere (follow-up planning) ``with_visitor_time``
adds their own wall clock beside it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# One format for every screen: "Tue 18 Nov 18:28". Weekday and date matter across show days.
EVENT_TIME_FORMAT = "%a %d %b %H:%M"


def zone_of(name: str | None) -> ZoneInfo:
    """The zone called ``name``; UTC for an empty or unknown name (never raises on display)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def as_utc(moment: datetime) -> datetime:
    """Stored moments are UTC; a naive one (SQLite drops the offset) is read as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def event_time(moment: datetime | None, zone: str, fmt: str = EVENT_TIME_FORMAT) -> str:
    """``moment`` on the event's wall clock, e.g. "Tue 18 Nov 18:28"; "" when unknown."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(zone_of(zone)).strftime(fmt)


def zone_note(zone: str) -> str:
    """The once-per-page label: "times in Europe/Istanbul"."""
    return f"times in {zone or 'UTC'}"


def with_visitor_time(moment: datetime, event_zone: str, visitor_zone: str) -> str:
    """Event time, plus the visitor's own clock when it differs:
    "Wed 19 Nov 10:00 (09:00 in Europe/Berlin)"."""
    shown = event_time(moment, event_zone)
    if not visitor_zone or visitor_zone == event_zone:
        return shown
    mine = as_utc(moment).astimezone(zone_of(event_zone))
    theirs = as_utc(moment).astimezone(zone_of(visitor_zone))
    if mine.utcoffset() == theirs.utcoffset():
        return shown
    day = "%a %d %b " if theirs.date() != mine.date() else ""
    return f"{shown} ({theirs.strftime(day + '%H:%M')} in {visitor_zone})"


def machine_zone(default: str = "UTC") -> str:
    """The IANA name of this machine's zone (what the setup wizard proposes)."""
    try:
        import tzlocal

        tzlocal.reload_localzone()  # asked once per wizard: read the machine now, no cache
        name = tzlocal.get_localzone_name()
    except Exception:
        return default
    if not name:
        return default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
    return name
