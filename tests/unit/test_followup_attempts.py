"""Outcomes schedule the next action; 5 unanswered attempts mark the lead not interested."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from boothapp.core.followups.attempts import (
    AttemptHistory,
    Outcome,
    record_outcome,
)
from boothapp.core.followups.timing import PublicHolidays
from boothapp.core.models import Channel, Stage

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN).astimezone(UTC)


def history(**overrides: object) -> AttemptHistory:
    values: dict[str, object] = {
        "lead_id": "lead-9",
        "tz": "Europe/Berlin",
        "country": "DE",
        "stage": Stage.TO_CONTACT,
    }
    values.update(overrides)
    return AttemptHistory(**values)  # type: ignore[arg-type]


def test_five_unanswered_attempts_mark_the_lead_not_interested_and_keep_the_record() -> None:
    h = history()
    outcomes = [
        Outcome.NO_ANSWER,
        Outcome.VOICEMAIL,
        Outcome.NO_ANSWER,
        Outcome.VOICEMAIL,
        Outcome.NO_ANSWER,
    ]
    decisions = []
    for outcome in outcomes:
        d = record_outcome(h, outcome, MONDAY, holidays_provider=PublicHolidays())
        decisions.append(d)
        assert d.attempt is not None
        h = history(attempts=(*h.attempts, d.attempt))
    for d in decisions[:4]:
        assert d.new_stage is None
        assert d.next_touch is not None
    last = decisions[-1]
    assert last.new_stage is Stage.NOT_INTERESTED
    assert last.next_touch is None
    assert "5 unanswered" in last.reason and "record is kept" in last.reason
    assert len(h.attempts) == 5  # nothing dropped


def test_automatic_mails_are_not_attempts_of_the_five_attempt_rule() -> None:
    # Issue 16: three unanswered calls and two automatic mails made a hot lead "not
    # interested". Automatic sends (and bounces) are not a conversation attempted.
    h = history()
    outcomes = [Outcome.NO_ANSWER, Outcome.EMAIL_SENT, Outcome.NO_ANSWER, Outcome.EMAIL_SENT]
    outcomes += [Outcome.BOUNCED, Outcome.NO_ANSWER]
    for outcome in outcomes:
        d = record_outcome(h, outcome, MONDAY)
        assert d.attempt is not None
        h = history(attempts=(*h.attempts, d.attempt))
        assert d.new_stage is not Stage.NOT_INTERESTED
        assert d.next_touch is not None
    assert h.unanswered_streak() == 3
    assert "3 unanswered so far, 2 before" in d.reason


def test_wrong_number_writes_instead_and_is_not_an_unanswered_call() -> None:
    d = record_outcome(history(), Outcome.WRONG_NUMBER, MONDAY)
    assert d.next_touch is not None and d.next_touch.channel is Channel.LETTER
    assert "fix the phone number" in d.reason
    assert d.attempt is not None
    assert history(attempts=(d.attempt,)).unanswered_streak() == 0


def test_an_answer_resets_the_count() -> None:
    h = history()
    for outcome in [Outcome.NO_ANSWER] * 4 + [Outcome.REPLIED] + [Outcome.NO_ANSWER] * 4:
        d = record_outcome(h, outcome, MONDAY)
        assert d.attempt is not None
        h = history(attempts=(*h.attempts, d.attempt))
        assert d.new_stage is not Stage.NOT_INTERESTED
    assert h.unanswered_streak() == 4


def test_plan_can_change_the_limit() -> None:
    from boothapp.core.followups.plan import FollowUpPlan

    plan = FollowUpPlan.from_mapping({"max_unanswered_attempts": 2})
    h = history()
    d1 = record_outcome(h, Outcome.NO_ANSWER, MONDAY, plan)
    assert d1.attempt is not None
    d2 = record_outcome(history(attempts=(d1.attempt,)), Outcome.NO_ANSWER, MONDAY, plan)
    assert d2.new_stage is Stage.NOT_INTERESTED


@pytest.mark.parametrize(
    ("weekday_date", "expected"),
    [
        ("2026-11-23", "Wed"),  # Monday voicemail: +2 working days is Wednesday
        ("2026-11-24", "Thu"),  # Tuesday -> Thursday
        ("2026-11-25", "Fri"),  # Wednesday -> Friday (next Wed/Thu is too far)
        ("2026-11-26", "Wed"),  # Thursday -> Monday, Wednesday is close enough
    ],
)
def test_voicemail_calls_again_in_two_working_days_preferring_wed_thu(
    weekday_date: str, expected: str
) -> None:
    now = datetime.fromisoformat(weekday_date + "T15:00").replace(tzinfo=BERLIN)
    d = record_outcome(history(), Outcome.VOICEMAIL, now.astimezone(UTC))
    assert d.next_touch is not None
    due = d.next_touch.due_utc.astimezone(BERLIN)
    assert due.strftime("%a") == expected
    assert d.next_touch.channel is Channel.CALL
    assert d.next_touch.template_id == "call_script"
    assert 9 <= due.hour < 17
    assert "voicemail" in d.reason


def test_voicemail_retry_skips_a_public_holiday() -> None:
    # Wed 23 Dec 2026 voicemail: Thu 24 is one working day, Fri 25 (Christmas, DE) and the
    # weekend do not count, so two working days is Mon 28; the next call day is Wed 30.
    now = datetime(2026, 12, 23, 15, 0, tzinfo=BERLIN).astimezone(UTC)
    d = record_outcome(history(), Outcome.VOICEMAIL, now)
    assert d.next_touch is not None
    assert d.next_touch.due_utc.astimezone(BERLIN).date().isoformat() == "2026-12-30"


@pytest.mark.parametrize(
    ("outcome", "stage", "has_next"),
    [
        (Outcome.REACHED, Stage.IN_CONTACT, True),
        (Outcome.REPLIED, Stage.IN_CONTACT, True),
        (Outcome.MEETING_BOOKED, Stage.FOLLOW_UP, False),
        (Outcome.NOT_INTERESTED, Stage.NOT_INTERESTED, False),
    ],
)
def test_answers_move_the_stage(outcome: Outcome, stage: Stage, has_next: bool) -> None:
    d = record_outcome(history(), outcome, MONDAY)
    assert d.new_stage is stage
    assert (d.next_touch is not None) is has_next


def test_stage_never_moves_backwards_on_a_reply() -> None:
    d = record_outcome(history(stage=Stage.QUOTE_SENT), Outcome.REPLIED, MONDAY)
    assert d.new_stage is None


def test_bounce_without_phone_falls_back_to_a_letter() -> None:
    d = record_outcome(history(has_phone=False), Outcome.BOUNCED, MONDAY)
    assert d.next_touch is not None
    assert d.next_touch.channel is Channel.LETTER
    assert "bounced" in d.reason


def test_reached_lead_is_called_again_a_week_later() -> None:
    d = record_outcome(history(), Outcome.REACHED, MONDAY)
    assert d.next_touch is not None
    assert (d.next_touch.due_utc - MONDAY).days >= 6
    assert d.next_touch.due_utc.astimezone(BERLIN).strftime("%a") in {"Wed", "Thu", "Mon"}
