"""Quiet hours at send time: mail reaches a lead only inside their local sending window.

Issue 16: a late run sent 501 mails in 48 s, Japanese leads got theirs at 00:36 local time
and every recipient got two or three at once. The plan's due times were fine when planned;
what matters is the moment of sending. So the run asks, for each touch: is it now a sending
day and hour in the lead's zone (and not a public holiday there), and has this lead had a
mail today? If not, the touch moves to the next allowed slot of its kind (a midweek morning
for a mail), never out at night.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from boothapp.core.followups import reasons as R
from boothapp.core.followups.plan import WEEKDAY_NAMES, FollowUpPlan
from boothapp.core.followups.timing import (
    HolidaysProvider,
    local_dt,
    local_label,
    pick_window,
    require_aware,
    zone,
)

_MAX_TRIES = 30


def window_label(plan: FollowUpPlan) -> str:
    days = [WEEKDAY_NAMES[i].capitalize() for i in sorted(plan.send_days)]
    span = f"{days[0]}-{days[-1]}" if len(days) > 2 else ", ".join(days)
    return f"{span} {plan.send_start:%H:%M}-{plan.send_end:%H:%M}"


def outside_window(
    now_utc: datetime, tz: str, country: str, plan: FollowUpPlan, provider: HolidaysProvider
) -> str | None:
    """Why ``now`` is not a sending moment for a lead in ``tz``, or None when it is."""
    local = require_aware(now_utc, "now_utc").astimezone(zone(tz))
    when = local_label(now_utc, zone(tz))
    if local.weekday() not in plan.send_days or not (
        plan.send_start <= local.time() < plan.send_end
    ):
        return R.english(R.OUTSIDE_WINDOW, when=when, tz=tz, window=window_label(plan))
    holiday = provider.holiday_name(country, local.date())
    if holiday is not None:
        return R.english(R.HOLIDAY_NOW, when=when, tz=tz, holiday=holiday)
    return None


def local_day(moment_utc: datetime, tz: str) -> date:
    return require_aware(moment_utc, "moment_utc").astimezone(zone(tz)).date()


def next_mail_slot(
    after_utc: datetime,
    tz: str,
    country: str,
    plan: FollowUpPlan,
    provider: HolidaysProvider,
    spread_key: str,
    *,
    not_on: date | None = None,
) -> datetime:
    """The next midweek-morning slot for a mail inside the sending window, at or after
    ``after_utc``; ``not_on``: a local day already used by another mail to this lead."""
    zone_ = zone(tz)
    start = max(plan.morning_start, plan.send_start)
    end = min(plan.morning_end, plan.send_end)
    if start >= end:  # the manager's morning lies outside the window: use the window
        start, end = plan.send_start, plan.send_end
    preferred = plan.preferred_days & plan.send_days or plan.send_days
    earliest = require_aware(after_utc, "after_utc")
    for _ in range(_MAX_TRIES):
        if not_on is not None and earliest.astimezone(zone_).date() <= not_on:
            earliest = local_dt(not_on + timedelta(days=1), time(0, 0), zone_)
        due = pick_window(
            lead_tz=tz,
            earliest_utc=earliest,
            latest_utc=None,
            day_start=start,
            day_end=end,
            preferred_days=preferred,
            country=country,
            provider=provider,
            slot_minutes=plan.slot_minutes,
        ).due(spread_key)
        day = due.astimezone(zone_).date()
        if day.weekday() in plan.send_days and (not_on is None or day > not_on):
            return due.astimezone(UTC)
        earliest = local_dt(day + timedelta(days=1), time(0, 0), zone_)
    raise ValueError(f"no sending day within {_MAX_TRIES} tries for {tz}")
