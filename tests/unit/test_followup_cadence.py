"""Touch plans: hot leads at once, >= 3 touches, weekly nurture, consent respected."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boothapp.core.followups.cadence import LeadFacts, plan_touches
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.timing import PublicHolidays
from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.models import Channel, Rating, Stage

PLAN = FollowUpPlan()
BERLIN = ZoneInfo("Europe/Berlin")
SHOW_END = datetime(2026, 11, 19, 17, 0, tzinfo=BERLIN).astimezone(UTC)  # Thursday
CAPTURED = datetime(2026, 11, 19, 11, 0, tzinfo=BERLIN).astimezone(UTC)


def facts(**overrides: object) -> LeadFacts:
    values: dict[str, object] = {
        "id": "lead-1",
        "rating": Rating.WARM,
        "qualified": True,
        "tz": "Europe/Berlin",
        "country": "DE",
        "has_email": True,
        "has_phone": True,
        "consent_marketing": True,
        "captured_at_utc": CAPTURED,
    }
    values.update(overrides)
    return LeadFacts(**values)  # type: ignore[arg-type]


def plan_for(lead: LeadFacts, now: datetime = CAPTURED) -> list[PlannedTouch]:
    return plan_touches(lead, SHOW_END, PLAN, now, PublicHolidays(), event_tz="Europe/Berlin")


def local(touch: PlannedTouch) -> datetime:
    return touch.due_utc.astimezone(ZoneInfo(touch.tz))


def test_hot_lead_gets_a_thank_you_within_minutes_and_a_call_the_same_day() -> None:
    touches = plan_for(facts(rating=Rating.HOT))
    first, call = touches[0], touches[1]
    assert first.channel is Channel.EMAIL
    assert first.template_id == "hot_thank_you"
    assert CAPTURED <= first.due_utc <= CAPTURED + timedelta(minutes=PLAN.hot_thank_you_minutes)
    assert call.channel is Channel.CALL
    assert local(call).date() == CAPTURED.astimezone(BERLIN).date()
    assert PLAN.working_start <= local(call).time() <= PLAN.working_end
    assert "same day" in call.reason
    assert [t.touch_number for t in touches] == list(range(1, len(touches) + 1))
    assert len(touches) >= 3


def test_hot_lead_captured_after_hours_is_called_next_working_morning() -> None:
    late = datetime(2026, 11, 20, 18, 30, tzinfo=BERLIN).astimezone(UTC)  # Friday evening
    touches = plan_for(facts(rating=Rating.HOT, captured_at_utc=late), now=late)
    call = next(t for t in touches if t.channel is Channel.CALL)
    assert local(call).strftime("%a") == "Mon"
    assert local(call).time() >= PLAN.working_start
    assert "next working day" in call.reason


def test_hot_lead_friday_evening_is_called_monday_at_the_start_of_the_day_before_content() -> None:
    # Issue 16: Friday 19:30 got its call Monday 16:05 while the reason said "first working
    # hour", and the content mail came before the call.
    late = datetime(2026, 11, 20, 19, 30, tzinfo=BERLIN).astimezone(UTC)
    touches = plan_for(facts(rating=Rating.HOT, captured_at_utc=late), now=late)
    call = next(t for t in touches if t.channel is Channel.CALL)
    assert local(call).strftime("%a %H:%M") == "Mon 09:00"
    assert "first working hour" in call.reason
    content = [
        t for t in touches if t.channel is Channel.EMAIL and t.template_id != "hot_thank_you"
    ]
    assert content and all(t.due_utc > call.due_utc for t in content)


def test_hot_lead_in_another_zone_is_called_in_their_working_hours() -> None:
    touches = plan_for(facts(rating=Rating.HOT, tz="America/New_York", country="US"))
    call = next(t for t in touches if t.channel is Channel.CALL)
    assert call.tz == "America/New_York"
    assert PLAN.working_start <= local(call).time() <= PLAN.working_end


@pytest.mark.parametrize("rating", [Rating.HOT, Rating.WARM, Rating.COLD])
@pytest.mark.parametrize("qualified", [True, False])
@pytest.mark.parametrize(
    ("has_email", "has_phone", "consent"),
    [(True, True, True), (True, True, False), (False, True, True), (False, False, False)],
)
def test_every_show_lead_gets_at_least_three_touches_never_at_night(
    rating: Rating, qualified: bool, has_email: bool, has_phone: bool, consent: bool
) -> None:
    lead = facts(
        rating=rating,
        qualified=qualified,
        has_email=has_email,
        has_phone=has_phone,
        consent_marketing=consent,
    )
    touches = plan_for(lead)
    assert len(touches) >= PLAN.min_touches
    assert [t.due_utc for t in touches] == sorted(t.due_utc for t in touches)
    for touch in touches:
        assert touch.reason
        if not (has_email and consent):
            assert touch.channel is not Channel.EMAIL, touch.reason
        if not has_phone:
            assert touch.channel is not Channel.CALL, touch.reason
        if touch.template_id != "hot_thank_you":
            # Everything except the immediate hot reply waits for a weekday daytime slot.
            assert local(touch).weekday() < 5
            assert 8 <= local(touch).hour < 18


def test_first_follow_up_of_a_warm_lead_is_a_midweek_morning_email() -> None:
    first = plan_for(facts())[0]
    assert first.channel is Channel.EMAIL
    assert first.template_id == "thank_you"
    assert local(first).strftime("%a") in {"Tue", "Wed", "Thu", "Fri"}
    assert PLAN.morning_start <= local(first).time() < PLAN.morning_end
    assert first.due_utc <= SHOW_END + timedelta(hours=48)


def test_follow_up_calls_go_on_wednesday_or_thursday() -> None:
    calls = [t for t in plan_for(facts()) if t.channel is Channel.CALL]
    assert calls
    assert all(local(c).strftime("%a") in {"Wed", "Thu"} for c in calls)


def test_unqualified_lead_is_nurtured_weekly_with_different_content() -> None:
    touches = plan_for(facts(rating=Rating.COLD, qualified=False))
    nurture = [t for t in touches if t.template_id.startswith("nurture_")]
    assert len(nurture) == 4
    assert len({t.template_id for t in nurture}) == 4
    assert all(t.channel is Channel.EMAIL for t in nurture)
    gaps = [b.due_utc - a.due_utc for a, b in itertools.pairwise(touches)]
    assert all(timedelta(days=5) <= g <= timedelta(days=12) for g in gaps)
    assert all(local(t).strftime("%a") in {"Tue", "Wed", "Thu"} for t in nurture)
    assert all("different content" in t.reason for t in nurture)


def test_no_marketing_consent_means_no_email_and_the_reason_says_so() -> None:
    touches = plan_for(facts(rating=Rating.COLD, qualified=False, consent_marketing=False))
    assert all(t.channel is Channel.CALL for t in touches)
    assert "no marketing consent" in touches[0].reason
    assert len(touches) >= 3


def test_no_email_no_phone_means_letters() -> None:
    touches = plan_for(facts(has_email=False, has_phone=False, consent_marketing=False))
    assert {t.channel for t in touches} == {Channel.LETTER}
    assert {t.template_id for t in touches} == {"letter"}
    assert "no email address" in touches[0].reason


def test_holiday_is_skipped_for_a_later_touch() -> None:
    # US lead: a touch due around Thanksgiving (Thu 26 Nov 2026) must avoid it.
    touches = plan_for(facts(tz="America/New_York", country="US"))
    assert all(local(t).date().isoformat() != "2026-11-26" for t in touches)


def test_a_higher_minimum_is_topped_up_with_existing_templates() -> None:
    from boothapp.core.messages.render import MessageContext, render_message

    plan = FollowUpPlan.from_mapping({"min_touches": 8})
    for qualified in (True, False):
        touches = plan_touches(
            facts(qualified=qualified, rating=Rating.COLD), SHOW_END, plan, CAPTURED
        )
        assert len(touches) == 8
        for touch in touches:
            assert render_message(touch.template_id, "en", MessageContext()).subject


ZONES = [
    "Pacific/Honolulu",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tehran",
    "Pacific/Kiritimati",
]


@settings(max_examples=60, deadline=None)
@given(
    capture_minutes=st.integers(min_value=0, max_value=365 * 24 * 60),
    show_hours_later=st.integers(min_value=0, max_value=72),
    zone=st.sampled_from(ZONES),
    country=st.sampled_from(["US", "DE", "IR", "KI", ""]),
    rating=st.sampled_from(list(Rating)),
    qualified=st.booleans(),
    consent=st.booleans(),
)
def test_property_touches_are_daytime_working_days_in_the_leads_zone(
    capture_minutes: int,
    show_hours_later: int,
    zone: str,
    country: str,
    rating: Rating,
    qualified: bool,
    consent: bool,
) -> None:
    captured = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=capture_minutes)
    show_end = captured + timedelta(hours=show_hours_later)
    lead = facts(
        rating=rating,
        qualified=qualified,
        consent_marketing=consent,
        tz=zone,
        country=country,
        captured_at_utc=captured,
    )
    holidays = PublicHolidays()
    touches = plan_touches(lead, show_end, PLAN, captured, holidays)
    assert len(touches) >= PLAN.min_touches
    for touch in touches:
        if touch.template_id == "hot_thank_you":
            assert touch.due_utc - captured <= timedelta(minutes=PLAN.hot_thank_you_minutes)
            continue
        day = local(touch)
        assert day.weekday() < 5, touch.reason
        assert holidays.holiday_name(country, day.date()) is None, touch.reason
        assert PLAN.morning_start <= day.time() <= PLAN.working_end, touch.reason
        if touch.channel is Channel.EMAIL:
            assert day.time() < PLAN.morning_end, touch.reason


def test_the_kept_email_note_is_each_leads_own() -> None:
    # Issue 23: why email is blocked is kept per (consent, email, phone, bounced). Leads
    # differing in any one of them get the contact rule's own answer for their facts.
    from boothapp.core.contact_rule import ContactFacts, contact_verdict
    from boothapp.core.followups.cadence import email_channel_note

    captured = datetime(2026, 11, 18, 10, tzinfo=UTC)
    notes = set()
    for consent, email, phone, bounced in itertools.product([False, True], repeat=4):
        lead = LeadFacts(
            "lead", Rating.WARM, False, "Europe/Berlin", "DE", email, phone, consent,
            captured, bounced,
        )  # fmt: skip
        facts = ContactFacts(Stage.TO_CONTACT, False, False, consent, email, phone, bounced)
        verdict = contact_verdict(facts)
        want = verdict.email_block.value if verdict.email_block is not None else None
        assert email_channel_note(lead) == want
        notes.add(want)
    assert None in notes and len(notes) >= 3  # allowed, and blocked for different reasons


class _AskedEachTime(PublicHolidays):
    """The same holidays, from a provider whose answers the planner may not keep: every
    step is worked out for the lead, nothing taken from another lead's (issue 23)."""


_ZONES = ("Europe/Berlin", "Asia/Tehran", "America/Chicago", "Asia/Tokyo", "Pacific/Auckland")
_COUNTRIES = ("DE", "IR", "US", "JP", "NZ", "TR", "GR", "")


@settings(max_examples=150, deadline=None)
@given(
    ids=st.lists(st.text("0123456789abcdef", min_size=4, max_size=12), min_size=3, max_size=6),
    rating=st.sampled_from([Rating.WARM, Rating.COLD, Rating.HOT]),
    qualified=st.booleans(),
    tz=st.sampled_from(_ZONES),
    country=st.sampled_from(_COUNTRIES),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    captured_days=st.integers(min_value=-3, max_value=0),
    now_hours=st.integers(min_value=0, max_value=24 * 9),
    show_end=st.sampled_from(
        [
            SHOW_END,
            datetime(2026, 12, 24, 16, 0, tzinfo=UTC),
            datetime(2027, 3, 26, 18, 0, tzinfo=UTC),
        ]
    ),
)
def test_plans_of_leads_alike_are_what_each_lead_alone_gets(
    ids: list[str],
    rating: Rating,
    qualified: bool,
    tz: str,
    country: str,
    flags: tuple[bool, bool, bool, bool],
    captured_days: int,
    now_hours: int,
    show_end: datetime,
) -> None:
    """Leads of one zone, country and kind share their plan's steps (only each one's slot is
    its own): every touch, due time and reason equals the lead's plan worked out alone, over
    holidays (Christmas, Nowruz), daylight-saving changes and late plans."""
    has_email, has_phone, consent, bounced = flags
    captured = show_end + timedelta(days=captured_days)
    now = captured + timedelta(hours=now_hours)
    for lead_id in ids:
        lead = facts(
            id=lead_id, rating=rating, qualified=qualified, tz=tz, country=country,
            has_email=has_email, has_phone=has_phone, consent_marketing=consent,
            bounced=bounced, captured_at_utc=captured,
        )  # fmt: skip
        shared = plan_touches(lead, show_end, PLAN, now, PublicHolidays(), event_tz=tz)
        alone = plan_touches(lead, show_end, PLAN, now, _AskedEachTime(), event_tz=tz)
        assert shared == alone
