"""FollowUpPlan: DOMAIN.md defaults, round trip, and errors that name the field."""

from __future__ import annotations

from datetime import time

import pytest

from boothapp.core.followups.plan import FollowUpPlan, PlanError, WindowAnchor


def test_defaults_follow_the_domain_rules() -> None:
    plan = FollowUpPlan()
    assert plan.window_hours == 48
    assert plan.anchor is WindowAnchor.SHOW_END
    assert (plan.morning_start, plan.morning_end) == (time(8, 30), time(11, 30))
    assert plan.preferred_days == frozenset({1, 2, 3})  # Tue, Wed, Thu
    assert plan.call_days == frozenset({2, 3})  # Wed, Thu
    assert plan.min_touches == 3
    assert plan.max_unanswered_attempts == 5
    assert (plan.nurture_emails, plan.nurture_interval_days) == (4, 7)


def test_round_trip_through_a_mapping() -> None:
    changed = FollowUpPlan.from_mapping(
        {
            "anchor": "capture",
            "window_hours": 24,
            "morning": {"start": "09:00", "end": "11:00"},
            "preferred_days": ["Tuesday", "wed"],
            "nurture": {"emails": 5},
            "spreading": {"slot_minutes": 10, "max_sends_per_slot": 20},
        }
    )
    assert changed.anchor is WindowAnchor.CAPTURE
    assert changed.morning_start == time(9, 0)
    assert changed.preferred_days == frozenset({1, 2})
    assert changed.nurture_emails == 5
    assert changed.nurture_interval_days == 7  # untouched keys keep their default
    assert FollowUpPlan.from_mapping(changed.to_mapping()) == changed
    assert FollowUpPlan.from_mapping({}) == FollowUpPlan()


@pytest.mark.parametrize(
    ("mapping", "path"),
    [
        ({"window_hours": "48"}, "window_hours"),
        ({"window_hours": 0}, "window_hours"),
        ({"anchor": "lunch"}, "anchor"),
        ({"morning": {"start": "8h30"}}, "morning.start"),
        ({"morning": {"start": "11:00", "end": "09:00"}}, "morning.end"),
        ({"morning": {"start": "05:00", "end": "09:00"}}, "morning"),
        ({"working_hours": {"start": "09:00", "end": "23:00"}}, "working_hours"),
        ({"preferred_days": ["tue", "funday"]}, "preferred_days[1]"),
        ({"preferred_days": ["sat"]}, "preferred_days"),
        ({"call_days": []}, "call_days"),
        ({"call_days": "wed"}, "call_days"),
        ({"nurture": {"emails": -1}}, "nurture.emails"),
        ({"nurture": {"emial": 3}}, "nurture.emial"),
        ({"hot_lead": {"same_day_call": "yes"}}, "hot_lead.same_day_call"),
        ({"spreading": {"slot_minutes": 500}}, "spreading.slot_minutes"),
        ({"max_attempts": 5}, "max_attempts"),
        ({"retry": 3}, "retry"),
    ],
)
def test_bad_settings_name_the_field(mapping: dict[str, object], path: str) -> None:
    with pytest.raises(PlanError) as info:
        FollowUpPlan.from_mapping(mapping)
    assert info.value.path == path
    assert path in str(info.value)
    assert isinstance(info.value, ValueError)
