"""No slot gets more emails than the plan allows; overflow stays in the lead's morning."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from boothapp.core.followups.capacity import enforce_slot_capacity
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.timing import PublicHolidays, first_touch
from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.models import Channel

BERLIN = ZoneInfo("Europe/Berlin")


def test_two_thousand_leads_respect_the_slot_limit() -> None:
    plan = FollowUpPlan.from_mapping({"spreading": {"max_sends_per_slot": 60}})
    end = datetime(2026, 11, 16, 17, tzinfo=BERLIN).astimezone(UTC)
    touches = []
    for i in range(2000):
        t = first_touch("Europe/Berlin", end, plan, "DE", PublicHolidays(), f"lead-{i}")
        touches.append(
            (f"t{i}", PlannedTouch(1, Channel.EMAIL, t.due_utc, t.tz, "thank_you", t.reason))
        )
    result = enforce_slot_capacity(touches, plan)
    assert len(result) == 2000
    # Overflow only moves later within the morning, so the last slot may be over: those
    # few say so in their reason instead of silently going at night.
    full = [t for t in result.values() if "the morning is full" in t.reason]
    per_slot = Counter(t.due_utc for t in result.values() if t not in full)
    assert max(per_slot.values()) <= 60
    assert len(full) < 20
    for t in result.values():
        local = t.due_utc.astimezone(BERLIN)
        assert plan.morning_start <= local.time() < plan.morning_end
    moved = [t for t in result.values() if "moved to" in t.reason]
    assert moved and all("slot limit of 60" in t.reason for t in moved)
    # Same input, same answer: every device computes the same schedule.
    assert enforce_slot_capacity(list(reversed(touches)), plan) == result


def test_calls_do_not_count_and_a_full_morning_is_reported() -> None:
    plan = FollowUpPlan.from_mapping({"spreading": {"max_sends_per_slot": 1}})
    due = datetime(2026, 11, 17, 11, 25, tzinfo=BERLIN).astimezone(UTC)  # last slot
    email = PlannedTouch(1, Channel.EMAIL, due, "Europe/Berlin", "thank_you", "r")
    call = PlannedTouch(2, Channel.CALL, due, "Europe/Berlin", "call_script", "r")
    result = enforce_slot_capacity([("a", email), ("b", email), ("c", call), ("d", call)], plan)
    assert result["a"].due_utc == due and result["a"].reason == "r"
    assert result["b"].due_utc == due
    assert "the morning is full" in result["b"].reason
    assert result["c"] == call and result["d"] == call
