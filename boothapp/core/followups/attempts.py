"""What happens after a touch: outcome handling and the 5-attempt rule.

DOMAIN.md: after 5 unanswered attempts (phone, email, ...) mark the lead "not interested"
and move on, but keep the record. Each outcome schedules the next action automatically, so
nobody has to remember to call back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from boothapp.core.followups import reasons as R
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.timing import (
    HolidaysProvider,
    PublicHolidays,
    add_working_days,
    local_dt,
    local_label,
    pick_window,
    require_aware,
    zone,
)
from boothapp.core.followups.touches import PlannedTouch, TemplateId
from boothapp.core.models import Channel, Stage


class Outcome(enum.StrEnum):
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    NOT_INTERESTED = "not_interested"
    MEETING_BOOKED = "meeting_booked"
    EMAIL_SENT = "email_sent"
    BOUNCED = "bounced"
    REPLIED = "replied"
    WRONG_NUMBER = "wrong_number"


# Conversations attempted without an answer (calls, a rep's own mails logged as no answer):
# they count toward the 5-attempt rule. Automatic sends (EMAIL_SENT, BOUNCED) and a wrong
# number are not a conversation attempted, so they neither count nor break a streak
# (issue 16: three unanswered calls plus two newsletters made a hot lead "not interested").
UNANSWERED = frozenset({Outcome.VOICEMAIL, Outcome.NO_ANSWER})
NOT_A_CONVERSATION = frozenset({Outcome.EMAIL_SENT, Outcome.BOUNCED, Outcome.WRONG_NUMBER})
ANSWERED = frozenset(
    {Outcome.REACHED, Outcome.REPLIED, Outcome.MEETING_BOOKED, Outcome.NOT_INTERESTED}
)

_STAGE_ORDER = list(Stage)


@dataclass(frozen=True, slots=True)
class Attempt:
    at_utc: datetime
    channel: Channel
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class AttemptHistory:
    lead_id: str
    tz: str
    country: str
    stage: Stage
    has_email: bool = True
    has_phone: bool = True
    consent_marketing: bool = True
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)
    touch_count: int = 0  # touches planned so far, to number the next one

    def unanswered_streak(self) -> int:
        """Unanswered attempts since the person last answered."""
        streak = 0
        for attempt in reversed(self.attempts):
            if attempt.outcome in ANSWERED:
                break
            if attempt.outcome in UNANSWERED:
                streak += 1
        return streak


@dataclass(frozen=True, slots=True)
class AttemptDecision:
    next_touch: PlannedTouch | None
    new_stage: Stage | None
    reason: str
    attempt: Attempt | None = None


def _advance(current: Stage, target: Stage) -> Stage | None:
    """Move forward only; a reply never drags a lead from 'quote sent' back to 'in contact'."""
    if current is Stage.NOT_INTERESTED and target is not Stage.NOT_INTERESTED:
        return target  # the person came back: reopen
    if _STAGE_ORDER.index(target) > _STAGE_ORDER.index(current):
        return target
    return None


def record_outcome(
    history: AttemptHistory,
    outcome: Outcome,
    now: datetime,
    plan: FollowUpPlan | None = None,
    channel: Channel | None = None,
    holidays_provider: HolidaysProvider | None = None,
) -> AttemptDecision:
    """Decide the stage change and the next touch after one outcome.

    ``channel`` is how the attempt was made (defaults from the outcome). The returned
    ``attempt`` is what the caller appends to the history; nothing is ever deleted.
    """
    plan = plan or FollowUpPlan()
    provider = holidays_provider if holidays_provider is not None else PublicHolidays()
    now = require_aware(now, "now")
    zone(history.tz)
    used = channel or (
        Channel.EMAIL
        if outcome in {Outcome.EMAIL_SENT, Outcome.BOUNCED, Outcome.REPLIED}
        else Channel.CALL
    )
    attempt = Attempt(now, used, outcome)
    after = AttemptHistory(
        history.lead_id,
        history.tz,
        history.country,
        history.stage,
        history.has_email,
        history.has_phone,
        history.consent_marketing,
        (*history.attempts, attempt),
        history.touch_count,
    )
    number = history.touch_count + 1

    if outcome is Outcome.NOT_INTERESTED:
        return AttemptDecision(
            None,
            Stage.NOT_INTERESTED,
            R.NOT_INTERESTED,
            attempt,
        )
    if outcome is Outcome.MEETING_BOOKED:
        return AttemptDecision(
            None,
            _advance(history.stage, Stage.FOLLOW_UP),
            R.MEETING_BOOKED,
            attempt,
        )
    if outcome in (Outcome.REACHED, Outcome.REPLIED):
        if outcome is Outcome.REPLIED:
            nxt = _call(history, plan, provider, now, 1, number, R.CALL_AFTER_REPLY)
            reason = R.REPLIED
        else:
            # Just spoke to them: the next contact is a week on, not tomorrow.
            nxt = _call(history, plan, provider, now, 5, number, R.CALL_WEEK_ON)
            reason = R.REACHED
        return AttemptDecision(nxt, _advance(history.stage, Stage.IN_CONTACT), reason, attempt)

    streak = after.unanswered_streak()
    if streak >= plan.max_unanswered_attempts:
        return AttemptDecision(
            None,
            Stage.NOT_INTERESTED,
            R.english(R.STREAK_STOP, streak=streak, limit=plan.max_unanswered_attempts),
            attempt,
        )
    left = plan.max_unanswered_attempts - streak
    tail = R.english(R.STREAK_TAIL, streak=streak, left=left)
    if outcome is Outcome.VOICEMAIL:
        nxt = _call(
            history,
            plan,
            provider,
            now,
            plan.voicemail_retry_working_days,
            number,
            R.CALL_AFTER_VOICEMAIL,
        )
        reason = R.english(R.VOICEMAIL, days=plan.voicemail_retry_working_days)
    elif outcome is Outcome.NO_ANSWER:
        nxt = _call(
            history,
            plan,
            provider,
            now,
            plan.no_answer_retry_working_days,
            number,
            R.CALL_AFTER_NO_ANSWER,
        )
        reason = R.english(R.NO_ANSWER, days=plan.no_answer_retry_working_days)
    elif outcome is Outcome.WRONG_NUMBER:
        # The phone number is wrong: a person fixes it; meanwhile the next touch is a letter.
        no_phone = replace(history, has_phone=False)
        nxt = _call(no_phone, plan, provider, now, 1, number, R.WRITE_INSTEAD)
        reason = R.WRONG_NUMBER
    elif outcome is Outcome.BOUNCED:
        nxt = _call(history, plan, provider, now, 1, number, R.CALL_INSTEAD_BOUNCE)
        reason = R.BOUNCED
    else:  # EMAIL_SENT
        nxt = _call(
            history,
            plan,
            provider,
            now,
            plan.call_after_email_working_days,
            number,
            R.CALL_AFTER_EMAIL,
        )
        reason = R.english(R.EMAIL_SENT, days=plan.call_after_email_working_days)
    return AttemptDecision(nxt, None, reason + tail, attempt)


def _call(
    history: AttemptHistory,
    plan: FollowUpPlan,
    provider: HolidaysProvider,
    now: datetime,
    working_days: int,
    number: int,
    label: str,
) -> PlannedTouch:
    """A call (or a letter when there is no phone) ``working_days`` later, preferring
    Wed/Thu when that costs at most two more working days."""
    tz = zone(history.tz)
    base = add_working_days(now.astimezone(tz).date(), working_days, history.country, provider)
    day = base
    for _ in range(2):
        if day.weekday() in plan.call_days:
            break
        day = add_working_days(day, 1, history.country, provider)
    if day.weekday() not in plan.call_days:
        day = base
    channel = Channel.CALL if history.has_phone else Channel.LETTER
    start, end = (
        (plan.working_start, plan.working_end)
        if channel is Channel.CALL
        else (plan.morning_start, plan.morning_end)
    )
    due = pick_window(
        lead_tz=history.tz,
        earliest_utc=local_dt(day, start, tz),
        latest_utc=local_dt(day, end, tz) - timedelta(minutes=1),
        day_start=start,
        day_end=end,
        preferred_days=frozenset({day.weekday()}),
        country=history.country,
        provider=provider,
        slot_minutes=plan.slot_minutes,
    ).due(f"{history.lead_id}:{number}")
    template = TemplateId.CALL_SCRIPT if channel is Channel.CALL else TemplateId.LETTER
    note = "" if channel is Channel.CALL else R.LETTER_TAIL
    why = f"{local_label(due, tz)} {history.tz}: {label}{note}"
    return PlannedTouch(number, channel, due, history.tz, template, why)
