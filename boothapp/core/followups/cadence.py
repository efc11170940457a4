"""Which touches a lead gets, through which channel, and when.

DOMAIN.md: hot leads are answered at once (a personal thank-you within minutes, a call the
same day); every show lead gets at least three touches; unqualified leads are nurtured with
one email a week for a month, each with different content; calls go on Wednesday/Thursday.
Email needs marketing consent and an address; without them the touch becomes a call task (or
a printed letter when there is no phone either), and the reason says so.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

from boothapp.core.contact_rule import ContactFacts, contact_verdict
from boothapp.core.followups import reasons as R
from boothapp.core.followups.plan import FollowUpPlan, WindowAnchor
from boothapp.core.followups.timing import (
    HolidaysProvider,
    PlanStep,
    PublicHolidays,
    TouchTime,
    first_touch,
    is_working_day,
    local_dt,
    local_label,
    pick_window,
    plan_memo,
    require_aware,
    zone,
)
from boothapp.core.followups.touches import PlannedTouch, TemplateId
from boothapp.core.models import Channel, Rating, Stage

intern = sys.intern


@dataclass(frozen=True, slots=True)
class LeadFacts:
    id: str
    rating: Rating
    qualified: bool
    tz: str
    country: str
    has_email: bool
    has_phone: bool
    consent_marketing: bool
    captured_at_utc: datetime
    bounced: bool = False


@dataclass(frozen=True, slots=True)
class _Want:
    """A touch before the channel is settled: email wishes fall back to call or letter."""

    channel: Channel
    template_id: str


def email_channel_note(lead: LeadFacts) -> str | None:
    """Why email is not allowed for this lead, or None when it is (the one contact rule;
    leads the rule stops altogether are never planned)."""
    return _email_note(lead.consent_marketing, lead.has_email, lead.has_phone, lead.bounced)


@lru_cache(maxsize=64)
def _email_note(consent: bool, has_email: bool, has_phone: bool, bounced: bool) -> str | None:
    # Four facts, sixteen answers: asked ~5 times per lead while planning (issue 23).
    verdict = contact_verdict(
        ContactFacts(
            stage=Stage.TO_CONTACT,
            consent_given=consent,
            has_email=has_email,
            has_phone=has_phone,
            bounced=bounced,
        )
    )
    block = verdict.email_block
    return block.value if block is not None else None


def resolve_channel(lead: LeadFacts, want: Channel) -> tuple[Channel, str]:
    """The channel actually used for a wished channel, and a note when it changed."""
    if want is Channel.EMAIL:
        blocked = email_channel_note(lead)
        if blocked is None:
            return Channel.EMAIL, ""
        if lead.has_phone:
            return Channel.CALL, R.english(R.CALL_INSTEAD, why=blocked)
        return Channel.LETTER, R.english(R.LETTER_INSTEAD, why=blocked)
    if want is Channel.CALL and not lead.has_phone:
        return Channel.LETTER, R.LETTER_NO_PHONE
    return want, ""


def _template_for(channel: Channel, wished_template: str) -> str:
    if channel is Channel.CALL:
        return TemplateId.CALL_SCRIPT
    if channel is Channel.LETTER:
        return TemplateId.LETTER
    return wished_template


def plan_touches(
    lead: LeadFacts,
    event_end_utc: datetime,
    plan: FollowUpPlan,
    now_utc: datetime,
    holidays_provider: HolidaysProvider | None = None,
    event_tz: str | None = None,
) -> list[PlannedTouch]:
    """All planned touches for one lead, in due order, numbered from 1."""
    provider = holidays_provider if holidays_provider is not None else PublicHolidays()
    captured = require_aware(lead.captured_at_utc, "captured_at_utc")
    show_end = require_aware(event_end_utc, "event_end_utc")
    now = require_aware(now_utc, "now_utc")
    zone(lead.tz)  # fail early, naming the zone
    out: list[tuple[datetime, Channel, str, str]] = []

    not_before = max(now, captured)
    if lead.rating is Rating.HOT:
        opening = _hot_start(lead, plan, captured, now, provider)
        out.extend(opening)
        calls = [due for due, ch, _, _ in opening if ch is Channel.CALL]
        if calls:
            # Issue 16: the call comes before any content mail; the mail waits until the
            # call's first working hour is over.
            not_before = max(not_before, calls[0] + timedelta(hours=1))
    anchor = captured if plan.anchor is WindowAnchor.CAPTURE else show_end
    first_kind = plan.anchor
    if lead.rating is Rating.HOT:
        # The hot lead already had its thank-you and call; the "first follow-up" rule then
        # applies to the content mail after the show.
        anchor, first_kind = show_end, WindowAnchor.SHOW_END
    first = first_touch(
        lead.tz,
        anchor,
        plan,
        lead.country,
        provider,
        spread_key=lead.id,
        anchor_kind=first_kind,
        anchor_tz=event_tz,
        not_before_utc=not_before,
    )
    qualified = lead.qualified or lead.rating is Rating.HOT
    wants: list[_Want]
    if qualified:
        hot = lead.rating is Rating.HOT
        # A hot lead has had its thank-you; its first post-show mail carries content.
        wants = [
            _Want(Channel.EMAIL, TemplateId.nurture(1) if hot else TemplateId.THANK_YOU),
            _Want(Channel.CALL, TemplateId.CALL_SCRIPT),
            _Want(Channel.EMAIL, TemplateId.nurture(2 if hot else 1)),
        ]
    else:
        wants = [_Want(Channel.EMAIL, TemplateId.THANK_YOU)]
        wants += [
            _Want(Channel.EMAIL, TemplateId.nurture(i)) for i in range(1, plan.nurture_emails + 1)
        ]
    out.extend(_schedule(lead, plan, first, wants, provider, qualified))
    # At least min_touches for every show lead. Top-ups are calls (letters without a phone):
    # the email content is used up by then, and a repeated mail is not a good contact.
    while len(out) < plan.min_touches:
        label = R.english(R.EXTRA_TOUCH, count=plan.min_touches)
        want = _Want(Channel.CALL, TemplateId.CALL_SCRIPT)
        out.append(_follow_on(lead, plan, out[-1][0], want, provider, label))
    out.sort(key=lambda item: item[0])
    # Leads of a zone share their reasons' words (a slot, a window): one string for each,
    # so a bulk capture's worker process pickles it once (issue 23: 20,000 touches of a
    # 5,000-lead chunk had 3,500 different reasons).
    return [
        PlannedTouch(i + 1, ch, due, lead.tz, tpl, intern(why))
        for i, (due, ch, tpl, why) in enumerate(out)
    ]


def _hot_start(
    lead: LeadFacts,
    plan: FollowUpPlan,
    captured: datetime,
    now: datetime,
    provider: HolidaysProvider,
) -> list[tuple[datetime, Channel, str, str]]:
    out: list[tuple[datetime, Channel, str, str]] = []
    tz = zone(lead.tz)
    deadline = captured + timedelta(minutes=plan.hot_thank_you_minutes)
    channel, note = resolve_channel(lead, Channel.EMAIL)
    if channel is Channel.EMAIL:
        due = max(captured, now)
        why = R.english(
            R.HOT_THANK_YOU,
            when=local_label(captured, tz),
            tz=lead.tz,
            minutes=plan.hot_thank_you_minutes,
        )
        if now > deadline:
            late = int((now - captured).total_seconds() // 60)
            why += "; " + R.english(R.PLANNED_LATE, minutes=late)
        out.append((due, Channel.EMAIL, TemplateId.HOT_THANK_YOU, why))
    elif channel is Channel.LETTER:
        due = max(captured, now)
        out.append((due, Channel.LETTER, TemplateId.LETTER, R.english(R.HOT_LETTER, why=note)))
    if plan.hot_same_day_call and lead.has_phone:
        out.append(_hot_call(lead, plan, captured, provider, note))
    return out


def _hot_call(
    lead: LeadFacts,
    plan: FollowUpPlan,
    captured: datetime,
    provider: HolidaysProvider,
    email_note: str,
) -> tuple[datetime, Channel, str, str]:
    tz = zone(lead.tz)
    target = captured + timedelta(minutes=plan.hot_callback_minutes)
    local_day = target.astimezone(tz).date()
    start = local_dt(local_day, plan.working_start, tz)
    end = local_dt(local_day, plan.working_end, tz)
    extra = R.english(R.WHY_TAIL, why=email_note) if email_note else ""
    if is_working_day(local_day, lead.country, provider) and target < end:
        due = max(target, start)
        why = R.english(R.HOT_SAME_DAY, tz=lead.tz) + extra
        return due, Channel.CALL, TemplateId.CALL_SCRIPT, why
    # Issue 16: "first working hour next working day" means its start (Friday 19:30 ->
    # Monday 09:00 local), not a slot spread over the whole day.
    day = local_day if target < start else local_day + timedelta(days=1)
    while not is_working_day(day, lead.country, provider):
        day += timedelta(days=1)
    due = local_dt(day, plan.working_start, tz)
    why = f"{local_label(due, tz)} {lead.tz}: " + R.english(R.HOT_NEXT_DAY, tz=lead.tz) + extra
    return due, Channel.CALL, TemplateId.CALL_SCRIPT, why


def _schedule(
    lead: LeadFacts,
    plan: FollowUpPlan,
    first: TouchTime,
    wants: list[_Want],
    provider: HolidaysProvider,
    qualified: bool,
) -> list[tuple[datetime, Channel, str, str]]:
    out: list[tuple[datetime, Channel, str, str]] = []
    head = wants[0]
    channel, note = resolve_channel(lead, head.channel)
    why = first.reason + (f"; {note}" if note else "")
    out.append((first.due_utc, channel, _template_for(channel, head.template_id), why))
    no_email = email_channel_note(lead) is not None
    rest = wants[1:]
    if no_email and not qualified:
        # Nurture is email content; without email we do not replace four weekly mails with
        # four calls. Keep only what min_touches needs (topped up by the caller).
        rest = []
    last_due = first.due_utc
    for n, want in enumerate(rest, start=1):
        if qualified:
            label = R.FOLLOW_UP_CALL if want.channel is Channel.CALL else R.FOLLOW_UP_EMAIL
        else:
            label = R.english(R.NURTURE, n=n, total=len(rest))
        item = _follow_on(lead, plan, last_due, want, provider, label)
        out.append(item)
        last_due = item[0]
    return out


def _follow_on(
    lead: LeadFacts,
    plan: FollowUpPlan,
    after_utc: datetime,
    want: _Want,
    provider: HolidaysProvider,
    label: str,
) -> tuple[datetime, Channel, str, str]:
    """The next touch after ``after_utc``: calls 3 days on, on a call day in working hours;
    emails a week on, on a midweek morning."""
    channel, note = resolve_channel(lead, want.channel)
    tz = zone(lead.tz)
    days = (
        plan.call_after_email_working_days
        if channel is Channel.CALL
        else plan.nurture_interval_days
    )
    # Start the search at the beginning of that local day so the day itself still counts.
    earliest = local_dt((after_utc + timedelta(days=days)).astimezone(tz).date(), time(0, 0), tz)
    earliest = max(earliest, after_utc + timedelta(hours=12))
    # The step is the same for every lead of the zone and country with this window and
    # channel: only the slot is the lead's (issue 23).
    key = (
        lead.tz, lead.country, channel, note, want.template_id, label, earliest,
        earliest.tzinfo, type(provider),
    )  # fmt: skip
    memo = plan_memo(plan, provider)
    step = memo.get(key) if memo is not None else None
    if step is None:
        step = _follow_on_step(lead, plan, channel, note, want, provider, label, earliest)
        if memo is not None:
            memo[key] = step
    due = step.picked.due(f"{lead.id}:{label}")
    return due, channel, step.template, step.reason(due, lead.tz)


def _follow_on_step(
    lead: LeadFacts,
    plan: FollowUpPlan,
    channel: Channel,
    note: str,
    want: _Want,
    provider: HolidaysProvider,
    label: str,
    earliest: datetime,
) -> PlanStep:
    if channel is Channel.CALL:
        days, start, end = plan.call_days, plan.working_start, plan.working_end
        what = R.WHAT_CALL
    else:
        days, start, end = plan.preferred_days, plan.morning_start, plan.morning_end
        what = R.WHAT_EMAIL if channel is Channel.EMAIL else R.WHAT_LETTER
    picked = pick_window(
        lead_tz=lead.tz,
        earliest_utc=earliest,
        latest_utc=None,
        day_start=start,
        day_end=end,
        preferred_days=days,
        country=lead.country,
        provider=provider,
        slot_minutes=plan.slot_minutes,
    )
    return PlanStep.of(
        picked,
        R.english(R.FOLLOW_ON, label=label, what=what),
        f"; {note}" if note else "",
        _template_for(channel, want.template_id),
    )
