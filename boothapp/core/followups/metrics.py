"""Response time: capture -> first contact, per lead, per staff member and per event.

DOMAIN.md: speed decides the sale (an answer within the hour is ~7x as likely to qualify as
one in the second hour); measure it and show it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from boothapp.core.followups.timing import require_aware

# Buckets shown beside the medians, from DOMAIN.md's thresholds.
BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("5 min", timedelta(minutes=5)),
    ("1 h", timedelta(hours=1)),
    ("24 h", timedelta(hours=24)),
    ("48 h", timedelta(hours=48)),
    ("5 days", timedelta(days=5)),
)


@dataclass(frozen=True, slots=True)
class ResponseSample:
    lead_id: str
    staff_id: str
    event_id: str
    captured_at_utc: datetime
    first_touch_at_utc: datetime | None  # None: not contacted yet


@dataclass(frozen=True, slots=True)
class GroupStats:
    key: str
    leads: int
    contacted: int
    median: timedelta | None
    within: tuple[tuple[str, float], ...]  # (bucket label, share of all leads contacted within)


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    per_lead: dict[str, timedelta | None]
    per_staff: dict[str, GroupStats]
    per_event: dict[str, GroupStats]
    not_contacted: tuple[str, ...]


def response_times(samples: Iterable[ResponseSample]) -> ResponseTimes:
    per_lead: dict[str, timedelta | None] = {}
    by_staff: dict[str, list[timedelta | None]] = defaultdict(list)
    by_event: dict[str, list[timedelta | None]] = defaultdict(list)
    for s in samples:
        captured = require_aware(s.captured_at_utc, f"captured_at_utc of lead {s.lead_id}")
        delay: timedelta | None = None
        if s.first_touch_at_utc is not None:
            touched = require_aware(s.first_touch_at_utc, f"first touch of lead {s.lead_id}")
            # A touch logged before the capture (clock skew between devices) is kept as it is
            # and left out of the medians and buckets: it is not "within 5 min" (issue 16).
            delay = touched - captured
        per_lead[s.lead_id] = delay
        by_staff[s.staff_id].append(delay)
        by_event[s.event_id].append(delay)
    return ResponseTimes(
        per_lead=per_lead,
        per_staff={k: _stats(k, v) for k, v in sorted(by_staff.items())},
        per_event={k: _stats(k, v) for k, v in sorted(by_event.items())},
        not_contacted=tuple(k for k, v in per_lead.items() if v is None),
    )


def _stats(key: str, delays: list[timedelta | None]) -> GroupStats:
    done = [d for d in delays if d is not None]
    valid = [d for d in done if d >= timedelta(0)]
    med = timedelta(seconds=median(d.total_seconds() for d in valid)) if valid else None
    within = tuple(
        (label, sum(1 for d in valid if d <= limit) / len(delays)) for label, limit in BUCKETS
    )
    return GroupStats(key, len(delays), len(done), med, within)
