"""First-touch timing: a midweek morning in the lead's zone, within 48 h of the show end."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boothapp.core.followups.plan import FollowUpPlan, WindowAnchor
from boothapp.core.followups.timing import PublicHolidays, first_touch, pick_window

PLAN = FollowUpPlan()
HOLIDAYS = PublicHolidays()


def pick_time(*, spread_key: str, **window: Any) -> tuple[datetime, bool, bool, list[str]]:
    """A lead's due time in a window: (due, on a preferred day, inside the limit, holidays
    skipped before its day)."""
    picked = pick_window(**window)
    due = picked.due(spread_key)
    return due, picked.preferred, picked.inside, list(picked.skipped_before(due))


def at(zone: str, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def in_morning(local: datetime, plan: FollowUpPlan = PLAN) -> bool:
    return plan.morning_start <= local.time() < plan.morning_end


# 2026: Mon 16 Nov, Thu 19 Nov, Fri 20 Nov, Sun 22 Nov. EU DST ends Sun 25 Oct,
# starts Sun 29 Mar; US DST starts Sun 8 Mar. Holidays: GR Wed 25 Mar, TR Thu 29 Oct,
# US Thu 26 Nov, DE Fri 25 Dec.
CASES = [
    # (label, lead zone, country, show end (zone, y, m, d, h), expected local date, in window)
    (
        "Monday end -> Tuesday",
        "Europe/Istanbul",
        "TR",
        ("Europe/Istanbul", 2026, 11, 16, 17),
        date(2026, 11, 17),
        True,
    ),
    (
        "Thursday evening -> Friday",
        "Europe/Berlin",
        "DE",
        ("Europe/Berlin", 2026, 11, 19, 19),
        date(2026, 11, 20),
        True,
    ),
    (
        "Friday end -> Monday after window",
        "Europe/Berlin",
        "DE",
        ("Europe/Berlin", 2026, 11, 20, 17),
        date(2026, 11, 23),
        False,
    ),
    (
        "Sunday end -> Tuesday beats Monday",
        "Europe/London",
        "GB",
        ("Europe/London", 2026, 11, 22, 17),
        date(2026, 11, 24),
        True,
    ),
    (
        "Honolulu sees Friday morning",
        "Pacific/Honolulu",
        "US",
        ("Europe/Berlin", 2026, 11, 20, 17),
        date(2026, 11, 20),
        True,
    ),
    (
        "Kiritimati is already Friday",
        "Pacific/Kiritimati",
        "KI",
        ("Europe/Berlin", 2026, 11, 19, 17),
        date(2026, 11, 20),
        True,
    ),
    (
        "Kiritimati Monday end -> Tuesday",
        "Pacific/Kiritimati",
        "KI",
        ("Europe/Berlin", 2026, 11, 16, 17),
        date(2026, 11, 17),
        True,
    ),
    (
        "Honolulu Monday end -> Tuesday",
        "Pacific/Honolulu",
        "US",
        ("Europe/Berlin", 2026, 11, 16, 17),
        date(2026, 11, 17),
        True,
    ),
    (
        "Greek holiday skipped",
        "Europe/Athens",
        "GR",
        ("Europe/Athens", 2026, 3, 24, 17),
        date(2026, 3, 26),
        True,
    ),
    (
        "Turkish Republic Day skipped",
        "Europe/Istanbul",
        "TR",
        ("Europe/Istanbul", 2026, 10, 28, 17),
        date(2026, 10, 30),
        True,
    ),
    (
        "Thanksgiving skipped",
        "America/New_York",
        "US",
        ("America/New_York", 2026, 11, 25, 17),
        date(2026, 11, 27),
        True,
    ),
    (
        "Christmas Eve end, no morning left",
        "Europe/Berlin",
        "DE",
        ("Europe/Berlin", 2026, 12, 24, 12),
        date(2026, 12, 28),
        False,
    ),
    (
        "EU autumn DST weekend",
        "Europe/Berlin",
        "DE",
        ("Europe/Berlin", 2026, 10, 23, 17),
        date(2026, 10, 26),
        False,
    ),
    (
        "EU spring DST weekend",
        "Europe/Paris",
        "FR",
        ("Europe/Paris", 2026, 3, 29, 17),
        date(2026, 3, 31),
        True,
    ),
    (
        "US spring DST weekend",
        "America/Chicago",
        "US",
        ("America/Chicago", 2026, 3, 7, 17),
        date(2026, 3, 9),
        True,
    ),
    (
        "Los Angeles still has Tuesday morning",
        "America/Los_Angeles",
        "US",
        ("Europe/Berlin", 2026, 11, 17, 17),
        date(2026, 11, 17),
        True,
    ),
]


@pytest.mark.parametrize(
    ("label", "lead_tz", "country", "end", "expected_day", "inside"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_first_touch_table(
    label: str,
    lead_tz: str,
    country: str,
    end: tuple[str, int, int, int, int],
    expected_day: date,
    inside: bool,
) -> None:
    anchor = at(*end)
    touch = first_touch(lead_tz, anchor, PLAN, country, HOLIDAYS, "lead-42", anchor_tz=end[0])
    local = touch.due_utc.astimezone(ZoneInfo(lead_tz))
    assert local.date() == expected_day, touch.reason
    assert in_morning(local), touch.reason
    assert touch.in_window is inside
    assert touch.tz == lead_tz
    if inside:
        assert anchor <= touch.due_utc <= anchor + timedelta(hours=48)
    else:
        assert touch.due_utc > anchor + timedelta(hours=48)
        assert "after it" in touch.reason
    assert touch.reason.startswith(f"{local:%a %H:%M} {lead_tz}: ")


def test_reason_reads_like_the_issue() -> None:
    end = at("Europe/Istanbul", 2026, 11, 17, 17)  # Tuesday
    touch = first_touch(
        "Europe/Istanbul", end, PLAN, "TR", HOLIDAYS, "x", anchor_tz="Europe/Istanbul"
    )
    local = touch.due_utc.astimezone(ZoneInfo("Europe/Istanbul"))
    assert touch.reason == (
        f"Wed {local:%H:%M} Europe/Istanbul: first midweek morning within 48 h of the show end "
        "(Tue 17:00)"
    )


def test_holiday_is_named_in_the_reason() -> None:
    touch = first_touch(
        "Europe/Athens", at("Europe/Athens", 2026, 3, 24, 17), PLAN, "GR", HOLIDAYS, "k"
    )
    assert "Wed 25 Mar is Independence Day" in touch.reason


def test_same_show_end_lands_on_different_days_per_zone() -> None:
    end = at("Europe/Berlin", 2026, 11, 20, 17)  # Friday evening in Berlin
    honolulu = first_touch("Pacific/Honolulu", end, PLAN, "US", HOLIDAYS, "a")
    berlin = first_touch("Europe/Berlin", end, PLAN, "DE", HOLIDAYS, "a")
    assert honolulu.due_utc.astimezone(ZoneInfo("Pacific/Honolulu")).weekday() == 4
    assert berlin.due_utc.astimezone(ZoneInfo("Europe/Berlin")).weekday() == 0


def test_hot_capture_anchor_is_named() -> None:
    cap = at("Europe/Berlin", 2026, 11, 17, 15)
    touch = first_touch(
        "Europe/Berlin", cap, PLAN, "DE", HOLIDAYS, "h", anchor_kind=WindowAnchor.CAPTURE
    )
    assert "within 48 h of capture (Tue 15:00)" in touch.reason
    assert touch.due_utc.astimezone(ZoneInfo("Europe/Berlin")).date() == date(2026, 11, 18)


def test_late_planning_never_schedules_into_the_past() -> None:
    end = at("Europe/Berlin", 2026, 11, 16, 17)
    now = end + timedelta(days=5)
    touch = first_touch("Europe/Berlin", end, PLAN, "DE", HOLIDAYS, "z", not_before_utc=now)
    assert touch.due_utc >= now
    assert not touch.in_window
    assert "had passed when planned" in touch.reason


def test_unknown_zone_and_naive_anchor_are_refused() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        first_touch("Mars/Olympus", at("UTC", 2026, 11, 16, 17), PLAN)
    with pytest.raises(ValueError, match="timezone-aware"):
        first_touch("UTC", datetime(2026, 11, 16, 17), PLAN)


def test_two_thousand_leads_spread_across_the_morning() -> None:
    end = at("Europe/Berlin", 2026, 11, 16, 17)  # Monday: the whole Tuesday morning is free
    touches = [
        first_touch("Europe/Berlin", end, PLAN, "DE", HOLIDAYS, f"lead-{i}") for i in range(2000)
    ]
    local = [t.due_utc.astimezone(ZoneInfo("Europe/Berlin")) for t in touches]
    assert {d.date() for d in local} == {date(2026, 11, 17)}
    slots = Counter(d.time() for d in local)
    # 08:30-11:30 in 5-minute slots: 36 slots, about 56 leads each.
    assert len(slots) == 36
    assert all(t.minute % 5 == 0 for t in slots)
    assert max(slots.values()) < 2 * 2000 / 36
    assert slots[time(9, 0)] < 100
    # Deterministic: the same lead always gets the same slot.
    again = first_touch("Europe/Berlin", end, PLAN, "DE", HOLIDAYS, "lead-7")
    assert again.due_utc == touches[7].due_utc


ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Europe/Istanbul",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
]
COUNTRIES = ["US", "DE", "GR", "TR", "IR", "GB", "JP", "AU", "NZ", "BR", "IN", ""]


def _has_morning(
    tz: ZoneInfo, lo: datetime, hi: datetime, country: str, days: frozenset[int]
) -> bool:
    """Brute force: does any allowed morning overlap [lo, hi)?"""
    day = lo.astimezone(tz).date() - timedelta(days=1)
    while day <= hi.astimezone(tz).date():
        if day.weekday() in days and HOLIDAYS.holiday_name(country, day) is None:
            start = datetime.combine(day, PLAN.morning_start, tzinfo=tz).astimezone(UTC)
            end = datetime.combine(day, PLAN.morning_end, tzinfo=tz).astimezone(UTC)
            if max(start, lo) < min(end, hi):
                return True
        day += timedelta(days=1)
    return False


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=2 * 365 * 24 * 60),
    zone=st.sampled_from(ZONES),
    country=st.sampled_from(COUNTRIES),
    key=st.text(min_size=1, max_size=12),
)
def test_every_first_touch_is_a_working_morning_in_the_window_or_explained(
    minutes: int, zone: str, country: str, key: str
) -> None:
    anchor = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    touch = first_touch(zone, anchor, PLAN, country, HOLIDAYS, key)
    tz = ZoneInfo(zone)
    local = touch.due_utc.astimezone(tz)
    assert local.weekday() < 5
    assert HOLIDAYS.holiday_name(country, local.date()) is None
    assert in_morning(local)
    window_end = anchor + timedelta(hours=48)
    all_days = frozenset(range(5))
    if touch.in_window:
        assert anchor <= touch.due_utc <= window_end
        if local.weekday() not in PLAN.preferred_days:
            # Only when no midweek morning was available inside the window.
            assert not _has_morning(tz, anchor, window_end, country, PLAN.preferred_days)
    else:
        assert touch.due_utc >= window_end
        assert not _has_morning(tz, anchor, window_end, country, all_days)
        assert "no weekday morning within 48 h" in touch.reason
        # The earliest working morning after the window, not one week later (plus a day
        # for each public holiday skipped: Iran's Nowruz week of 2026 holds five).
        skipped = touch.reason.count(" is ")
        assert touch.due_utc - window_end < timedelta(days=6 + skipped)


def test_a_holiday_after_the_chosen_day_is_not_named() -> None:
    # Issue 16: the window's holidays were all named, even one after the chosen day.
    touch = first_touch(
        "Europe/Athens", at("Europe/Athens", 2026, 3, 23, 17), PLAN, "GR", HOLIDAYS, "k"
    )
    assert touch.due_utc.astimezone(ZoneInfo("Europe/Athens")).date() == date(2026, 3, 24)
    assert "Independence Day" not in touch.reason


def test_an_open_ended_pick_names_only_the_holidays_before_it() -> None:
    # A follow-on touch (no limit) looks at the next days one by one (issue 23): the
    # holiday it skipped is named, one after the chosen day (New Year) is not.
    due, preferred, inside, skipped = pick_time(
        lead_tz="Europe/Berlin",
        earliest_utc=at("Europe/Berlin", 2026, 12, 25, 0),
        latest_utc=None,
        day_start=time(9, 0),
        day_end=time(11, 0),
        preferred_days=frozenset({1, 2, 3}),
        country="DE",
        provider=HOLIDAYS,
        slot_minutes=5,
        spread_key="lead-1:nurture 1",
    )
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date(), preferred, inside) == (date(2026, 12, 29), True, True)
    assert time(9, 0) <= local.time() < time(11, 0)
    assert skipped == ["Fri 25 Dec is Christmas Day"]  # Sat 26 Dec is a weekend day anyway


class _Delegating:
    """The public holidays through a provider of another type: ``pick_time`` then chooses
    afresh for every lead, the way it did before choices were kept (issue 23)."""

    def holiday_name(self, country: str, day: date) -> str | None:
        return HOLIDAYS.holiday_name(country, day)


def test_a_kept_choice_is_the_choice_made_afresh_for_every_lead() -> None:
    # Issue 23: which span a window lands on is kept per zone, country and window, and only
    # the slot is the lead's. Leads that differ in any one of those must get what a fresh
    # choice gives them: a choice kept under too small a key hands one lead another's day.
    import random

    rng = random.Random(23)
    zones = [("Europe/Berlin", "DE"), ("Europe/Athens", "GR"), ("America/New_York", "US"),
             ("Asia/Tokyo", "JP"), ("Europe/Berlin", "GR"), ("Asia/Kolkata", "")]  # fmt: skip
    starts = [at("UTC", 2026, 12, 23, h) for h in (0, 7, 23)]
    starts += [at("UTC", 2026, 3, 24, 16), at("UTC", 2026, 11, 25, 22)]
    days = [frozenset({1, 2, 3}), frozenset({2, 3})]
    results: set[tuple[object, ...]] = set()
    for _ in range(600):
        tz, country = rng.choice(zones)
        earliest = rng.choice(starts)
        latest = rng.choice([None, earliest + timedelta(hours=rng.choice([1, 30, 48]))])
        window = rng.choice([(time(9, 0), time(11, 0)), (time(9, 0), time(17, 0))])
        args = dict(
            lead_tz=tz, earliest_utc=earliest, latest_utc=latest, day_start=window[0],
            day_end=window[1], preferred_days=rng.choice(days), country=country,
            slot_minutes=rng.choice([5, 30]), spread_key=f"lead-{rng.randrange(40)}",
        )  # fmt: skip
        kept = pick_time(provider=HOLIDAYS, **args)  # type: ignore[arg-type]
        fresh = pick_time(provider=_Delegating(), **args)  # type: ignore[arg-type]
        assert kept == fresh, args
        results.add(kept[0])
    assert len(results) > 200  # the leads' slots differ: the lead's own part is not kept


def test_a_kept_label_is_the_moment_in_the_zone_asked_for() -> None:
    # Labels are kept per moment and zone (issue 23): the same moment reads differently in
    # two zones, and the same in whatever zone the moment is given.
    from boothapp.core.followups.timing import local_label

    moment = at("Europe/Berlin", 2026, 12, 23, 10, 5)
    berlin, tokyo = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
    assert local_label(moment, berlin) == "Wed 10:05"
    assert local_label(moment, tokyo) == "Wed 18:05"
    assert local_label(moment.astimezone(tokyo), berlin) == "Wed 10:05"
    assert local_label(moment + timedelta(minutes=5), berlin) == "Wed 10:10"
