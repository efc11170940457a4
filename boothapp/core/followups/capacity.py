"""Cap how many emails go out in one slot, so a big show does not hit the SMTP server (and
the recipients' spam filters) with hundreds of mails in the same minute.

The per-lead hash already spreads leads across the morning; this pass handles the rest:
overflow moves to the next slot with room on the same morning in the lead's zone, never past
the morning window. What cannot move stays put and says so in its reason.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from boothapp.core.followups import reasons as R
from boothapp.core.followups.plan import FollowUpPlan
from boothapp.core.followups.timing import local_label, zone
from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.models import Channel


def enforce_slot_capacity(
    touches: Sequence[tuple[str, PlannedTouch]],
    plan: FollowUpPlan,
    booked: Mapping[datetime, int] | None = None,
    rank: Mapping[str, int] | None = None,
) -> dict[str, PlannedTouch]:
    """``touches`` are (touch id, touch); returns every touch by id, moved where needed.

    Only emails count against the slot limit; calls and letters are worked by people.
    ``booked`` is how many emails already planned keep each slot (due time -> count): a save
    plans one lead against the counts, not against every other lead's touches.
    Processing is in (due, id) order, so the result is the same on every device.
    ``rank`` (touch id -> rank) goes first: leads captured in one go are given the slots the
    same leads saved one after the other would have had (issue 23).
    """
    slot = timedelta(minutes=plan.slot_minutes)
    morning = (plan.morning_start, plan.morning_end)
    limit = plan.max_sends_per_slot
    load: Counter[datetime] = Counter(booked or {})
    out: dict[str, PlannedTouch] = {}
    ranks = rank or {}
    ordered = sorted(touches, key=lambda item: (ranks.get(item[0], 0), item[1].due_utc, item[0]))
    zones: dict[str, ZoneInfo] = {}
    # Per (slot, zone): how far along its morning the slots are known full. Loads only grow
    # in this pass, so the next email of that slot looks from there: at a big show each
    # email walked the same full slots again (issue 23).
    full_up_to: dict[tuple[datetime, str], int] = {}
    for touch_id, touch in ordered:
        if touch.channel is not Channel.EMAIL:
            out[touch_id] = touch
            continue
        if touch.tz not in zones:
            zones[touch.tz] = zone(touch.tz)  # an unknown zone fails here, moved or not
        first = touch.due_utc
        if load[first] < limit:
            load[first] += 1
            out[touch_id] = touch
            continue
        key = (first, touch.tz)
        later = _later_slots(first, touch.tz, slot, *morning)
        i = full_up_to.get(key, 0)
        while i < len(later) and load[later[i]] >= limit:
            i += 1
        full_up_to[key] = i
        if i == len(later):  # the whole morning is full: it stays, and says so
            out[touch_id] = touch.moved(first, _full_note(first, touch.tz, limit))
            load[first] += 1
            continue
        due = later[i]
        load[due] += 1
        out[touch_id] = touch.moved(due, _moved_note(due, touch.tz, limit))
    return out


@functools.lru_cache(maxsize=4096)
def _moved_note(due: datetime, tz: str, limit: int) -> str:
    """What a moved email's reason gains; the same few hundred slots at a big show."""
    return "; " + R.english(R.MOVED, when=local_label(due, zone(tz)), limit=limit)


@functools.lru_cache(maxsize=4096)
def _full_note(due: datetime, tz: str, limit: int) -> str:
    return "; " + R.english(R.MORNING_FULL, limit=limit, when=local_label(due, zone(tz)))


def slots_read(touches: Iterable[PlannedTouch], plan: FollowUpPlan) -> set[datetime]:
    """Every slot ``enforce_slot_capacity`` may look at for ``touches``: each email's own slot
    and the later slots of its morning (where it may move). The booked counts of these are
    all it needs, so a save reads them, not every open mail of a 50,000-lead show (#23)."""
    slot = timedelta(minutes=plan.slot_minutes)
    out: set[datetime] = set()
    for due, tz in {(t.due_utc, t.tz) for t in touches if t.channel is Channel.EMAIL}:
        out.add(due)
        out.update(_later_slots(due, tz, slot, plan.morning_start, plan.morning_end))
    return out


@functools.lru_cache(maxsize=4096)
def _later_slots(
    due: datetime, tz: str, slot: timedelta, start: time, end: time
) -> tuple[datetime, ...]:
    """The slots after ``due`` on the same morning in ``tz``, where an email may move.
    Kept: a 50,000-lead show asks the same few hundred (slot, zone) pairs 200,000 times."""
    zone_ = zone(tz)
    day = due.astimezone(zone_).date()
    out: list[datetime] = []
    while True:
        due += slot
        local = due.astimezone(zone_)
        if local.date() != day or not (start <= local.time() < end):
            return tuple(out)
        out.append(due)
