"""ICS export of a staff member's follow-up tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from boothapp.core.followups.ics import CalendarEntry, calendar_for_staff


def test_calendar_has_one_event_per_touch_with_stable_uid() -> None:
    script = "Call Ayşe, Acme; notes: wants a demo\nAim: book a meeting. " + "x" * 120
    text = calendar_for_staff(
        [
            CalendarEntry("touch-2", datetime(2026, 11, 26, 9, 5, tzinfo=UTC), "Call Bo", ""),
            CalendarEntry("touch-1", datetime(2026, 11, 25, 9, 5, tzinfo=UTC), "Call Ayşe", script),
        ],
        staff_name="Jo Lee",
        generated_at_utc=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "UID:touch-1@boothapp" in text
    assert "DTSTART:20261125T090500Z" in text
    assert "DTEND:20261125T092000Z" in text
    assert "DTSTAMP:20261120T080000Z" in text
    assert text.index("touch-1") < text.index("touch-2")  # in due order
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:Call Ayşe\\, Acme\\; notes: wants a demo\\nAim: book a meeting." in unfolded
    assert "\n" not in text.replace("\r\n", "")


def test_calendar_is_read_back_by_icalendar_with_hostile_text() -> None:
    import icalendar

    summary = "Call Ünal; BEGIN:VEVENT\nEND:VCALENDAR, " + "ş" * 100
    text = calendar_for_staff(
        [CalendarEntry("t-1", datetime(2026, 11, 25, 9, 5, tzinfo=UTC), summary, "a\\b")],
        generated_at_utc=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == 1  # the text's own BEGIN/END lines are escaped, not structure
    assert str(events[0]["SUMMARY"]) == summary
    assert str(events[0]["DESCRIPTION"]) == "a\\b"
