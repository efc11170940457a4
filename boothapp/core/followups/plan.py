"""The follow-up plan an event manager can change: DOMAIN.md's timing rules as typed defaults.

The plan travels inside the event configuration document, so ``from_mapping`` validates a
plain mapping (parsed JSON/YAML) and names the exact field path of anything wrong, and
``to_mapping`` writes the same shape back.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# "Never at night": whatever an event manager configures, sends stay inside this day span.
_EARLIEST = time(6, 0)
_LATEST = time(21, 0)


class PlanError(ValueError):
    """A follow-up plan field is invalid; ``path`` names it (e.g. ``morning.start``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"follow-up plan: {path}: {problem}")
        self.path = path
        self.problem = problem


class WindowAnchor(enum.StrEnum):
    SHOW_END = "show_end"
    CAPTURE = "capture"


@dataclass(frozen=True, slots=True)
class FollowUpPlan:
    anchor: WindowAnchor = WindowAnchor.SHOW_END
    window_hours: int = 48
    morning_start: time = time(8, 30)
    morning_end: time = time(11, 30)
    working_start: time = time(9, 0)
    working_end: time = time(17, 0)
    # Weekday numbers as in ``date.weekday()``: Monday is 0.
    preferred_days: frozenset[int] = field(default_factory=lambda: frozenset({1, 2, 3}))
    call_days: frozenset[int] = field(default_factory=lambda: frozenset({2, 3}))
    min_touches: int = 3
    max_unanswered_attempts: int = 5
    nurture_emails: int = 4
    nurture_interval_days: int = 7
    hot_thank_you_minutes: int = 5
    hot_callback_minutes: int = 20
    hot_same_day_call: bool = True
    slot_minutes: int = 5
    max_sends_per_slot: int = 50
    voicemail_retry_working_days: int = 2
    no_answer_retry_working_days: int = 1
    call_after_email_working_days: int = 3
    # Issue 16, quiet hours: nothing is delivered outside this window of the lead's local
    # time, whenever the run happens; an overdue touch waits for the next slot instead.
    send_start: time = time(8, 0)
    send_end: time = time(18, 0)
    send_days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))

    def __post_init__(self) -> None:
        _check_plan(self)

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> FollowUpPlan:
        """Build a plan from a parsed config mapping; missing keys keep their defaults."""
        if not isinstance(m, Mapping):
            raise PlanError("(root)", "expected a mapping")
        _reject_unknown(m, _TOP_KEYS, "")
        d = cls()
        morning = _section(m, "morning", {"start", "end"})
        working = _section(m, "working_hours", {"start", "end"})
        nurture = _section(m, "nurture", {"emails", "interval_days"})
        hot = _section(
            m, "hot_lead", {"thank_you_within_minutes", "callback_minutes", "same_day_call"}
        )
        spread = _section(m, "spreading", {"slot_minutes", "max_sends_per_slot"})
        window = _section(m, "sending_window", {"start", "end", "days"})
        retry = _section(
            m,
            "retry",
            {"voicemail_working_days", "no_answer_working_days", "call_after_email_working_days"},
        )
        anchor_raw = m.get("anchor", d.anchor.value)
        try:
            anchor = WindowAnchor(anchor_raw)
        except ValueError:
            choices = ", ".join(a.value for a in WindowAnchor)
            raise PlanError("anchor", f"{anchor_raw!r} is not one of {choices}") from None
        return cls(
            anchor=anchor,
            window_hours=_int(m, "window_hours", d.window_hours, "", 1, 24 * 14),
            morning_start=_time(morning, "start", d.morning_start, "morning."),
            morning_end=_time(morning, "end", d.morning_end, "morning."),
            working_start=_time(working, "start", d.working_start, "working_hours."),
            working_end=_time(working, "end", d.working_end, "working_hours."),
            preferred_days=_days(m, "preferred_days", d.preferred_days),
            call_days=_days(m, "call_days", d.call_days),
            min_touches=_int(m, "min_touches", d.min_touches, "", 1, 20),
            max_unanswered_attempts=_int(
                m, "max_unanswered_attempts", d.max_unanswered_attempts, "", 1, 20
            ),
            nurture_emails=_int(nurture, "emails", d.nurture_emails, "nurture.", 0, 12),
            nurture_interval_days=_int(
                nurture, "interval_days", d.nurture_interval_days, "nurture.", 1, 60
            ),
            hot_thank_you_minutes=_int(
                hot, "thank_you_within_minutes", d.hot_thank_you_minutes, "hot_lead.", 1, 120
            ),
            hot_callback_minutes=_int(
                hot, "callback_minutes", d.hot_callback_minutes, "hot_lead.", 1, 24 * 60
            ),
            hot_same_day_call=_bool(hot, "same_day_call", d.hot_same_day_call, "hot_lead."),
            slot_minutes=_int(spread, "slot_minutes", d.slot_minutes, "spreading.", 1, 60),
            max_sends_per_slot=_int(
                spread, "max_sends_per_slot", d.max_sends_per_slot, "spreading.", 1, 100_000
            ),
            voicemail_retry_working_days=_int(
                retry, "voicemail_working_days", d.voicemail_retry_working_days, "retry.", 1, 20
            ),
            no_answer_retry_working_days=_int(
                retry, "no_answer_working_days", d.no_answer_retry_working_days, "retry.", 1, 20
            ),
            call_after_email_working_days=_int(
                retry,
                "call_after_email_working_days",
                d.call_after_email_working_days,
                "retry.",
                1,
                20,
            ),
            send_start=_time(window, "start", d.send_start, "sending_window."),
            send_end=_time(window, "end", d.send_end, "sending_window."),
            send_days=_days(window, "days", d.send_days, "sending_window."),
        )

    def to_mapping(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor.value,
            "window_hours": self.window_hours,
            "morning": {"start": _fmt(self.morning_start), "end": _fmt(self.morning_end)},
            "working_hours": {"start": _fmt(self.working_start), "end": _fmt(self.working_end)},
            "preferred_days": [WEEKDAY_NAMES[i] for i in sorted(self.preferred_days)],
            "call_days": [WEEKDAY_NAMES[i] for i in sorted(self.call_days)],
            "min_touches": self.min_touches,
            "max_unanswered_attempts": self.max_unanswered_attempts,
            "nurture": {
                "emails": self.nurture_emails,
                "interval_days": self.nurture_interval_days,
            },
            "hot_lead": {
                "thank_you_within_minutes": self.hot_thank_you_minutes,
                "callback_minutes": self.hot_callback_minutes,
                "same_day_call": self.hot_same_day_call,
            },
            "spreading": {
                "slot_minutes": self.slot_minutes,
                "max_sends_per_slot": self.max_sends_per_slot,
            },
            "retry": {
                "voicemail_working_days": self.voicemail_retry_working_days,
                "no_answer_working_days": self.no_answer_retry_working_days,
                "call_after_email_working_days": self.call_after_email_working_days,
            },
            "sending_window": {
                "start": _fmt(self.send_start),
                "end": _fmt(self.send_end),
                "days": [WEEKDAY_NAMES[i] for i in sorted(self.send_days)],
            },
        }


_TOP_KEYS = frozenset(
    {
        "anchor",
        "window_hours",
        "morning",
        "working_hours",
        "preferred_days",
        "call_days",
        "min_touches",
        "max_unanswered_attempts",
        "nurture",
        "hot_lead",
        "spreading",
        "retry",
        "sending_window",
    }
)


def _check_plan(p: FollowUpPlan) -> None:
    for path, start, end in (
        ("morning", p.morning_start, p.morning_end),
        ("working_hours", p.working_start, p.working_end),
        ("sending_window", p.send_start, p.send_end),
    ):
        if start >= end:
            raise PlanError(f"{path}.end", f"{_fmt(end)} is not after start {_fmt(start)}")
        if start < _EARLIEST or end > _LATEST:
            raise PlanError(
                path,
                f"{_fmt(start)}-{_fmt(end)} reaches into the night; "
                f"keep it within {_fmt(_EARLIEST)}-{_fmt(_LATEST)}",
            )
    span = (p.morning_end.hour * 60 + p.morning_end.minute) - (
        p.morning_start.hour * 60 + p.morning_start.minute
    )
    if p.slot_minutes > span:
        raise PlanError("spreading.slot_minutes", "is longer than the morning window")
    for path, days in (
        ("preferred_days", p.preferred_days),
        ("call_days", p.call_days),
        ("sending_window.days", p.send_days),
    ):
        if not days:
            raise PlanError(path, "needs at least one day")
        if not days <= frozenset(range(5)):
            raise PlanError(path, "only Monday to Friday are allowed; weekends are never used")


def _reject_unknown(m: Mapping[str, Any], allowed: frozenset[str] | set[str], prefix: str) -> None:
    for key in m:
        if key not in allowed:
            raise PlanError(f"{prefix}{key}", "unknown setting")


def _section(m: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
    value = m.get(key, {})
    if not isinstance(value, Mapping):
        raise PlanError(key, "expected a mapping")
    _reject_unknown(value, allowed, f"{key}.")
    return value


def _int(m: Mapping[str, Any], key: str, default: int, prefix: str, lo: int, hi: int) -> int:
    value = m.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(f"{prefix}{key}", f"expected a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise PlanError(f"{prefix}{key}", f"{value} is outside {lo}..{hi}")
    return value


def _bool(m: Mapping[str, Any], key: str, default: bool, prefix: str) -> bool:
    value = m.get(key, default)
    if not isinstance(value, bool):
        raise PlanError(f"{prefix}{key}", f"expected true or false, got {value!r}")
    return value


def _time(m: Mapping[str, Any], key: str, default: time, prefix: str) -> time:
    value = m.get(key)
    if value is None:
        return default
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            hh, mm = value.strip().split(":")
            return time(int(hh), int(mm))
        except ValueError:
            pass
    raise PlanError(f"{prefix}{key}", f"expected a time like '08:30', got {value!r}")


def _days(
    m: Mapping[str, Any], key: str, default: frozenset[int], prefix: str = ""
) -> frozenset[int]:
    value = m.get(key)
    if value is None:
        return default
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise PlanError(
            f"{prefix}{key}", f"expected a list of weekdays like ['tue', 'wed'], got {value!r}"
        )
    days: set[int] = set()
    for i, item in enumerate(value):
        name = str(item).strip().lower()[:3]
        if name not in WEEKDAY_NAMES:
            raise PlanError(f"{prefix}{key}[{i}]", f"{item!r} is not a weekday")
        days.add(WEEKDAY_NAMES.index(name))
    return frozenset(days)


def _fmt(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"
