"""Speed-to-lead: conversion to meeting and to won by first-contact delay, each rate with a
95 % Wilson score interval, and one plain paragraph of what the figures do and do not show.

DOMAIN.md's thresholds (5 min, 1 h, 24 h, 48 h) make the buckets. The Wilson interval is used
because it stays inside 0..1 and behaves with the small counts a single show gives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from boothapp.core.i18n import N_, list_separator, ngettext
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_percent
from boothapp.core.results.funnel import Step, depths_of
from boothapp.core.results.inputs import LeadFacts

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
SMALL_BUCKET = 30  # below this many leads a rate moves a lot with a few leads

DELAY_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<= 5 min", timedelta(minutes=5)),
    ("<= 1 h", timedelta(hours=1)),
    ("<= 24 h", timedelta(hours=24)),
    ("<= 48 h", timedelta(hours=48)),
    ("later", None),
)
NEVER = "never"
BUCKET_LABELS = (*(label for label, _limit in DELAY_BUCKETS), NEVER)


@dataclass(frozen=True, slots=True)
class Rate:
    hits: int
    n: int
    low: float | None  # Wilson 95 % bounds; None when n is 0
    high: float | None

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class SpeedBucket:
    label: str
    leads: int
    meeting: Rate
    won: Rate


@dataclass(frozen=True, slots=True)
class SpeedToLead:
    buckets: tuple[SpeedBucket, ...]
    summary: str


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    if n <= 0:
        return None
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(hits: int, n: int) -> Rate:
    bounds = wilson(hits, n)
    return Rate(hits, n, *(bounds if bounds else (None, None)))


def bucket_of(delay: timedelta | None) -> str:
    if delay is None:
        return NEVER
    for label, limit in DELAY_BUCKETS:
        if limit is None or delay <= limit:
            return label
    return DELAY_BUCKETS[-1][0]


def speed_to_lead(
    leads: Sequence[LeadFacts], depths: Mapping[str, int] | None = None
) -> SpeedToLead:
    order = list(Step)
    depths = depths if depths is not None else depths_of(leads)
    groups: dict[str, list[int]] = {label: [] for label in BUCKET_LABELS}
    for lead in leads:
        delay = None
        if lead.first_contact_at is not None:
            # A touch logged before the capture (device clock skew) counts as instant.
            delay = max(lead.first_contact_at - lead.captured_at, timedelta(0))
        groups[bucket_of(delay)].append(depths[lead.lead_id])
    buckets = tuple(
        SpeedBucket(
            label,
            len(ds),
            rate(sum(1 for d in ds if d >= order.index(Step.MEETING)), len(ds)),
            rate(sum(1 for d in ds if d >= order.index(Step.WON)), len(ds)),
        )
        for label, ds in groups.items()
    )
    return SpeedToLead(buckets, summary(buckets))


def summary(buckets: Sequence[SpeedBucket]) -> str:
    """What the figures show and what they do not, in words a manager reads aloud."""
    contacted = [b for b in buckets if b.label != NEVER and b.leads]
    if not contacted:
        return _(
            "No lead has a recorded first contact yet, so nothing can be said about speed. "
            "Log follow-up outcomes (or send the planned e-mails) to measure it."
        )
    fast, slow = contacted[0], contacted[-1]
    parts = []
    if fast is not slow:
        parts.append(
            _(
                "Leads first contacted {fast} got a meeting {fast_rate} of the time "
                "({fast_hits} of {fast_leads}), against {slow_rate} ({slow_hits} of "
                "{slow_leads}) for those contacted {slow}."
            ).format(
                fast=_when(fast.label),
                fast_rate=_pct(fast.meeting),
                fast_hits=fast.meeting.hits,
                fast_leads=fast.leads,
                slow_rate=_pct(slow.meeting),
                slow_hits=slow.meeting.hits,
                slow_leads=slow.leads,
                slow=_when(slow.label),
            )
        )
        if _overlap(fast.meeting, slow.meeting):
            parts.append(
                _(
                    "Their 95 % intervals overlap, so this show alone cannot tell the "
                    "difference from chance."
                )
            )
        else:
            parts.append(_("Their 95 % intervals do not overlap."))
    else:
        parts.append(
            _(
                "Every contacted lead fell in one bucket ({bucket}), so there is nothing to "
                "compare speed against."
            ).format(bucket=bucket_label(fast.label))
        )
    small = [bucket_label(b.label) for b in buckets if 0 < b.leads < SMALL_BUCKET]
    if small:
        parts.append(
            ngettext(
                "{count} bucket ({buckets}) holds fewer than {limit} leads: one or two leads "
                "more or less would move its rates a lot.",
                "{count} buckets ({buckets}) hold fewer than {limit} leads: one or two leads "
                "more or less would move their rates a lot.",
                len(small),
            ).format(count=len(small), buckets=list_separator().join(small), limit=SMALL_BUCKET)
        )
    parts.append(
        _(
            "These are associations, not causes: the leads answered first are often the "
            "hottest, so speed and interest are mixed up here."
        )
    )
    return " ".join(parts)


def _pct(r: Rate) -> str:
    return _("n/a") if r.value is None else format_percent(r.value)  # CLDR's pattern


# What people read for each bucket; the bucket ids above stay as they are in JSON.
_BUCKET_WORDS = {
    "<= 5 min": N_("<= 5 min"),
    "<= 1 h": N_("<= 1 h"),
    "<= 24 h": N_("<= 24 h"),
    "<= 48 h": N_("<= 48 h"),
    "later": N_("later"),
    NEVER: N_("never"),
}
_WITHIN = {
    "<= 5 min": N_("within 5 min"),
    "<= 1 h": N_("within 1 h"),
    "<= 24 h": N_("within 24 h"),
    "<= 48 h": N_("within 48 h"),
    "later": N_("later"),
}


def bucket_label(bucket: str) -> str:
    """A bucket id ("<= 1 h") in the current language."""
    return _(_BUCKET_WORDS[bucket]) if bucket in _BUCKET_WORDS else bucket


def _when(bucket: str) -> str:
    return _(_WITHIN[bucket]) if bucket in _WITHIN else bucket


def _overlap(a: Rate, b: Rate) -> bool:
    if a.low is None or b.low is None or a.high is None or b.high is None:
        return True
    return a.low <= b.high and b.low <= a.high
