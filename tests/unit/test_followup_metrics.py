"""Response time per lead, and medians per staff member and event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from boothapp.core.followups.metrics import ResponseSample, response_times

T0 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)


def sample(lead: str, staff: str, minutes: float | None, event: str = "ev1") -> ResponseSample:
    touched = None if minutes is None else T0 + timedelta(minutes=minutes)
    return ResponseSample(lead, staff, event, T0, touched)


def test_medians_per_staff_and_event() -> None:
    result = response_times(
        [
            sample("a", "ana", 4),
            sample("b", "ana", 30),
            sample("c", "ana", 600),
            sample("d", "bo", 60 * 30),
            sample("e", "bo", None),
            sample("f", "bo", 60 * 50, event="ev2"),
        ]
    )
    assert result.per_lead["a"] == timedelta(minutes=4)
    assert result.per_lead["e"] is None
    assert result.not_contacted == ("e",)
    assert result.per_staff["ana"].median == timedelta(minutes=30)
    assert result.per_staff["bo"].median == timedelta(hours=40)
    assert result.per_staff["bo"].contacted == 2 and result.per_staff["bo"].leads == 3
    ev1 = result.per_event["ev1"]
    assert ev1.leads == 5
    assert ev1.median == timedelta(minutes=(30 + 600) / 2)
    within = dict(ev1.within)
    assert within["5 min"] == 1 / 5
    assert within["1 h"] == 2 / 5
    assert within["48 h"] == 4 / 5


def test_clock_skew_is_never_counted_as_within_five_minutes() -> None:
    # Issue 16: a touch logged 3 min "before" the capture counted as "within 5 min".
    result = response_times([sample("a", "ana", -3), sample("b", "ana", 30)])
    assert result.per_lead["a"] == timedelta(minutes=-3)
    stats = result.per_staff["ana"]
    assert dict(stats.within)["5 min"] == 0.0
    assert dict(stats.within)["1 h"] == 1 / 2
    assert stats.median == timedelta(minutes=30)
