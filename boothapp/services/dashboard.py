"""Booth dashboard figures: how today is going, per hour and per staff member.

"Today" and the hours are the event's local calendar (``tz``), because that is the clock on
the booth wall. The leaderboard covers the whole event; the per-staff bars cover today.
The response time (capture -> first contact) covers the whole event and comes from the same
follow-up metrics that ``boothapp followups metrics`` prints, so screen and CLI agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from boothapp.core.config.model import DEFAULT_LEADS_PER_STAFF_PER_DAY
from boothapp.core.followups.metrics import GroupStats
from boothapp.core.i18n import _
from boothapp.core.models import Rating
from boothapp.services import followup_outputs
from boothapp.services.errors import ValidationError
from boothapp.services.event_config import EventConfigService
from boothapp.services.lead_queries import day_bounds
from boothapp.store.db import Database
from boothapp.store.tables import ChangeLogRow, LeadRow, OutboxRow, StaffRow

DEFAULT_TARGET_PER_STAFF = DEFAULT_LEADS_PER_STAFF_PER_DAY
# Outbox states that mean the change reached its target (the sync worker owns the states).
DELIVERED_STATES = ("sent", "synced", "done")
# DOMAIN.md: contact show leads within 24-48 hours (only about 22 % of exhibitors do). The
# share is read from the metrics bucket of this name, so it is the CLI's "within 48 h" figure.
RESPONSE_TARGET = "48 h"


@dataclass(frozen=True, slots=True)
class RatingMix:
    cold: int = 0
    warm: int = 0
    hot: int = 0

    @property
    def total(self) -> int:
        return self.cold + self.warm + self.hot


@dataclass(frozen=True, slots=True)
class StaffProgress:
    staff_id: str
    name: str
    leads: int
    hot: int
    target: int

    @property
    def fraction(self) -> float:
        return self.leads / self.target if self.target else 0.0


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    rank: int
    staff_id: str
    name: str
    leads: int
    hot: int


@dataclass(frozen=True, slots=True)
class StaffResponse:
    name: str  # the lead's owner, as on the follow-up queue
    leads: int
    contacted: int
    median: timedelta | None


@dataclass(frozen=True, slots=True)
class ResponseTime:
    """Capture -> first contact over the whole event."""

    leads: int
    contacted: int
    median: timedelta | None  # over the contacted leads; None before the first contact
    target: str  # bucket label, e.g. "48 h"
    within_target: float  # share of *all* leads contacted within the target (0..1)
    per_staff: tuple[StaffResponse, ...]  # by owner name

    @property
    def waiting(self) -> int:
        return self.leads - self.contacted


@dataclass(frozen=True, slots=True)
class Standing:
    """One rep's day so far, for the scan page's status strip."""

    leads_today: int
    rank: int | None  # on the whole-event leaderboard; None before a first lead
    ranked: int  # how many staff are on it


@dataclass(frozen=True, slots=True)
class BoothStats:
    day: date
    timezone: str
    leads_today: int
    per_hour: tuple[int, ...]  # 24 buckets, local hour 0..23
    rating_mix: RatingMix  # today
    per_staff: tuple[StaffProgress, ...]  # today, against the daily target, by name
    leaderboard: tuple[LeaderboardEntry, ...]  # whole event, by leads then hot leads
    last_sync: datetime | None  # last change delivered from the outbox; None if never
    target_per_staff: int
    qualified: int = 0  # whole event: sales-qualified leads (SQL), handed to sales
    nurture: int = 0  # whole event: the rest (MQL), nurtured
    response: ResponseTime | None = None  # whole event; None while there are no leads
    last_capture: datetime | None = None  # the newest lead's capture time (UTC)


class DashboardService:
    def __init__(
        self,
        db: Database,
        target_per_staff: int = DEFAULT_TARGET_PER_STAFF,
        configs: EventConfigService | None = None,
    ) -> None:
        if target_per_staff < 1:
            raise ValidationError(_("the daily target per staff member must be at least 1"))
        self._db = db
        self.target_per_staff = target_per_staff
        self._configs = configs  # names the routing reps that own leads

    def _hub_staff(self, staff_ids: set[str]) -> dict[str, str]:
        """Names of other devices' staff, as their change-log entries carry them."""
        if not staff_ids:
            return {}
        with self._db.read() as s:
            rows = s.execute(
                select(ChangeLogRow.staff_id, ChangeLogRow.staff_name, ChangeLogRow.device_name)
                .where(ChangeLogRow.staff_id.in_(sorted(staff_ids)), ChangeLogRow.staff_name != "")
                .distinct()
            ).all()
        return {sid: f"{name} ({device})" if device else name for sid, name, device in rows}

    def _owner_names(self, event_id: str) -> dict[str, str]:
        if self._configs is None:
            return {}
        return {rep.id: rep.name for rep in self._configs.get(event_id).routing.reps}

    def booth_stats(
        self,
        event_id: str,
        today: date,
        tz: str,
        target: int | None = None,
        *,
        with_response: bool = True,
    ) -> BoothStats:
        """Today's booth figures. ``with_response=False`` leaves out the response times,
        which read every lead of the event (the scan page's status strip needs none)."""
        if target is None:  # the event's own (config `targets`), else the service's
            target = (
                self._configs.get(event_id).targets.leads_per_staff_per_day
                if self._configs is not None
                else self.target_per_staff
            )
        if target < 1:
            raise ValidationError(_("the daily target per staff member must be at least 1"))
        zone = ZoneInfo(tz)
        start, end = day_bounds(today, tz)
        with self._db.read() as s:
            today_rows = s.execute(
                select(LeadRow.created_at, LeadRow.rating, LeadRow.staff_id).where(
                    LeadRow.event_id == event_id,
                    LeadRow.created_at >= start,
                    LeadRow.created_at < end,
                )
            ).all()
            staff = s.execute(
                select(StaffRow.id, StaffRow.name).where(
                    StaffRow.event_id == event_id, StaffRow.active.is_(True)
                )
            ).all()
            hot = func.sum(case((LeadRow.rating == Rating.HOT.value, 1), else_=0))
            totals = s.execute(
                select(LeadRow.staff_id, func.count(), hot)
                .where(LeadRow.event_id == event_id)
                .group_by(LeadRow.staff_id)
            ).all()
            funnel = dict(
                s.execute(
                    select(LeadRow.qualified, func.count())
                    .where(LeadRow.event_id == event_id)
                    .group_by(LeadRow.qualified)
                ).all()
            )
            last_capture = s.scalar(
                select(func.max(LeadRow.created_at)).where(LeadRow.event_id == event_id)
            )
            last_sync = s.scalar(
                select(func.max(OutboxRow.updated_at))
                .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
                .where(LeadRow.event_id == event_id, OutboxRow.state.in_(DELIVERED_STATES))
            )

        per_hour = [0] * 24
        mix = {r: 0 for r in Rating}
        by_staff: dict[str, list[int]] = {}
        for created, rating, staff_id in today_rows:
            moment = created if created.tzinfo else created.replace(tzinfo=UTC)
            per_hour[moment.astimezone(zone).hour] += 1
            mix[Rating(rating)] += 1
            counts = by_staff.setdefault(staff_id, [0, 0])
            counts[0] += 1
            counts[1] += rating == Rating.HOT.value

        names = {sid: name for sid, name in staff}
        # Staff of the event hub's other devices (issue 19) are not on this device's roster:
        # their names come with their changes ("Ayşe (laptop 2)").
        elsewhere = self._hub_staff(
            {sid for sid, *_ in totals if sid and sid not in names}
            | {sid for sid in by_staff if sid and sid not in names}
        )
        names.update(elsewhere)
        people = [*staff, *((sid, name) for sid, name in elsewhere.items() if sid in by_staff)]
        progress = tuple(
            StaffProgress(
                sid,
                name,
                leads=by_staff.get(sid, [0, 0])[0],
                hot=by_staff.get(sid, [0, 0])[1],
                target=target,
            )
            for sid, name in sorted(people, key=lambda p: p[1].casefold())
        )
        board = _leaderboard(totals, names)
        return BoothStats(
            day=today,
            timezone=tz,
            leads_today=len(today_rows),
            last_capture=last_capture,
            per_hour=tuple(per_hour),
            rating_mix=RatingMix(mix[Rating.COLD], mix[Rating.WARM], mix[Rating.HOT]),
            per_staff=progress,
            leaderboard=board,
            last_sync=last_sync,
            target_per_staff=target,
            qualified=int(funnel.get(True, 0)),
            nurture=int(funnel.get(False, 0)),
            response=self.response_time(event_id) if with_response else None,
        )

    def standing(self, event_id: str, staff_id: str, today: date, tz: str) -> Standing:
        """One rep's leads today and place on the leaderboard, counted in SQL: the scan
        page's strip asks after every save, and ``booth_stats`` reads each of the day's leads
        (~0.3 s of Python at 50,000 leads, holding the GIL the GUI thread needs; issue 23)."""
        start, end = day_bounds(today, tz)
        hot = func.sum(case((LeadRow.rating == Rating.HOT.value, 1), else_=0))
        with self._db.read() as s:
            mine = s.scalar(
                select(func.count()).where(
                    LeadRow.event_id == event_id,
                    LeadRow.staff_id == staff_id,
                    LeadRow.created_at >= start,
                    LeadRow.created_at < end,
                )
            )
            totals = s.execute(
                select(LeadRow.staff_id, func.count(), hot)
                .where(LeadRow.event_id == event_id)
                .group_by(LeadRow.staff_id)
            ).all()
            names: dict[str, str] = {
                sid: name
                for sid, name in s.execute(
                    select(StaffRow.id, StaffRow.name).where(StaffRow.event_id == event_id)
                )
            }
        names.update(self._hub_staff({sid for sid, *_ in totals if sid and sid not in names}))
        board = _leaderboard(totals, names)
        rank = next((e.rank for e in board if e.staff_id == staff_id), None)
        return Standing(leads_today=int(mine or 0), rank=rank, ranked=len(board))

    def response_time(self, event_id: str) -> ResponseTime | None:
        """The event's capture -> first contact figures; None while it has no leads."""
        metrics = followup_outputs.metrics(self._db, event_id)
        event = metrics.per_event.get(event_id)
        if event is None:
            return None
        names = self._owner_names(event_id)  # owners are rep ids; people read rep names
        return ResponseTime(
            leads=event.leads,
            contacted=event.contacted,
            median=event.median,
            target=RESPONSE_TARGET,
            within_target=_share_within(event, RESPONSE_TARGET),
            per_staff=tuple(
                sorted(
                    (
                        StaffResponse(names.get(owner, owner), g.leads, g.contacted, g.median)
                        for owner, g in metrics.per_staff.items()
                    ),
                    key=lambda r: r.name.casefold(),
                )
            ),
        )


def _leaderboard(
    totals: Sequence[Any],  # rows of (staff id, leads, hot leads)
    names: Mapping[str, str],
) -> tuple[LeaderboardEntry, ...]:
    """The whole-event leaderboard from (staff id, leads, hot leads): by leads, then hot
    leads, then name."""
    ranked = sorted(
        ((sid, names.get(sid, ""), int(n), int(h or 0)) for sid, n, h in totals if sid),
        key=lambda e: (-e[2], -e[3], e[1].casefold()),
    )
    return tuple(
        LeaderboardEntry(i + 1, sid, name or "(former staff)", n, h)
        for i, (sid, name, n, h) in enumerate(ranked)
    )


def _share_within(stats: GroupStats, label: str) -> float:
    for bucket, share in stats.within:
        if bucket == label:
            return share
    raise ValueError(f"no response-time bucket {label!r}")  # BUCKETS changed: fix the target
