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
from boothapp.core.config.rep_names import rep_names
from boothapp.core.followups.metrics import BUCKETS, GroupStats
from boothapp.core.i18n import _
from boothapp.core.models import Rating
from boothapp.core.textfold import fold
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
# share is read from the metrics bucket with this limit, so it is the CLI's "within 48 h"
# figure. A duration, not a label: each reader's language words the hours (issue 21).
RESPONSE_TARGET = timedelta(hours=48)


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
    target: timedelta  # RESPONSE_TARGET; worded in the reader's language where shown
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

    def _hub_staff(self, staff_ids: set[str]) -> dict[str, tuple[str, str]]:
        """Other devices' staff, as their change-log entries carry them: id -> (name,
        device name)."""
        if not staff_ids:
            return {}
        with self._db.read() as s:
            rows = s.execute(
                select(ChangeLogRow.staff_id, ChangeLogRow.staff_name, ChangeLogRow.device_name)
                .where(ChangeLogRow.staff_id.in_(sorted(staff_ids)), ChangeLogRow.staff_name != "")
                .distinct()
            ).all()
        found: dict[str, tuple[str, str]] = {}
        for sid, name, device in sorted(rows, key=lambda r: (r[0], bool(r[2]))):
            found[sid] = (name, device)  # a row naming the device wins over one that does not
        return found

    def _owner_names(self, event_id: str) -> dict[str, str]:
        if self._configs is None:
            return {}
        return rep_names(self._configs.get(event_id).routing.reps)  # "مسئول غرفه" (#21)

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

        # Staff of the event hub's other devices (issue 19) are not on this device's roster:
        # their names come with their changes ("Ayşe (laptop 2)"), and the same person
        # signed in on two laptops is one row (``people``).
        local = {sid: name for sid, name in staff}
        elsewhere = self._hub_staff(
            {sid for sid, *_ in totals if sid and sid not in local}
            | {sid for sid in by_staff if sid and sid not in local}
        )
        who = people(staff, elsewhere)
        per_person: dict[str, list[int]] = {}
        for sid, (n, h) in by_staff.items():
            counts = per_person.setdefault(who[sid].id if sid in who else sid, [0, 0])
            counts[0], counts[1] = counts[0] + n, counts[1] + h
        shown = {p.id: p.name for p in who.values() if p.local or p.id in per_person}
        progress = tuple(
            StaffProgress(
                pid,
                name,
                leads=per_person.get(pid, [0, 0])[0],
                hot=per_person.get(pid, [0, 0])[1],
                target=target,
            )
            for pid, name in sorted(shown.items(), key=lambda p: p[1].casefold())
        )
        board = _leaderboard(totals, who)
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
        (~0.3 s of Python at 50,000 leads, holding the GIL the GUI thread needs; issue 23).

        Leads per staff member come from the ``(event, staff, created)`` index alone; the hot
        leads, which need each lead's row (80-250 ms warm, 0.5-1.5 s on a fresh connection at
        50k leads, all of a core beside the scanning GUI thread), are counted only for the
        people level with this rep on leads, the only ones they can change the rank against
        (the leaderboard's order: leads, then hot leads, then name)."""
        start, end = day_bounds(today, tz)
        with self._db.read() as s:
            mine = s.scalar(
                select(func.count()).where(
                    LeadRow.event_id == event_id,
                    LeadRow.staff_id == staff_id,
                    LeadRow.created_at >= start,
                    LeadRow.created_at < end,
                )
            )
            counts = [
                (sid, int(n))
                for sid, n in s.execute(
                    select(LeadRow.staff_id, func.count())
                    .where(LeadRow.event_id == event_id)
                    .group_by(LeadRow.staff_id)
                )
            ]
            staff = [
                (sid, name)
                for sid, name in s.execute(
                    select(StaffRow.id, StaffRow.name).where(StaffRow.event_id == event_id)
                )
            ]
        local = {sid for sid, _ in staff}
        who = people(staff, self._hub_staff({sid for sid, _ in counts if sid and sid not in local}))

        def person(sid: str) -> str:
            return who[sid].id if sid in who else sid

        me = person(staff_id)
        per_person: dict[str, int] = {}
        for sid, n in counts:
            if sid:
                per_person[person(sid)] = per_person.get(person(sid), 0) + n
        level = {pid for pid, n in per_person.items() if n == per_person.get(me)}
        hot: dict[str, int] = {}
        if len(level) > 1:
            with self._db.read() as s:
                hot = {
                    sid: int(n)
                    for sid, n in s.execute(
                        select(LeadRow.staff_id, func.count())
                        .where(
                            LeadRow.event_id == event_id,
                            LeadRow.staff_id.in_(
                                sorted(sid for sid, _ in counts if sid and person(sid) in level)
                            ),
                            LeadRow.rating == Rating.HOT.value,
                        )
                        .group_by(LeadRow.staff_id)
                    )
                }
        board = _leaderboard([(sid, n, hot.get(sid, 0)) for sid, n in counts], who)
        rank = next((e.rank for e in board if e.staff_id == me), None)
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


@dataclass(frozen=True, slots=True)
class Person:
    """One staff member on the dashboard, whichever devices they signed in on."""

    id: str  # this device's staff id when they are on its roster, else one of theirs
    name: str
    local: bool  # on this device's roster (shown even before their first lead)


def people(
    local: Sequence[tuple[str, str]], elsewhere: Mapping[str, tuple[str, str]]
) -> dict[str, Person]:
    """Staff id -> the person it belongs to, for this device's staff (``local``: id, name)
    and other devices' (``elsewhere``: id -> (name, device name), from the change log).

    Identity is the folded name within the event (``core.textfold.fold``: case, accents,
    dotted/dotless i): each laptop keeps its own staff list with its own ids, and a change
    carries the person's name, not their e-mail, so "Ayşe" on this laptop and "AYSE" on
    laptop 2 are one row. The row keeps this device's name for them; someone only on other
    devices is named with those devices, "Ayşe (laptop 2, laptop 3)". Two different people
    with the same name in one event's staff would share a row: the sign-in page could not
    tell them apart either.
    """
    groups: dict[str, list[tuple[str, str, str | None]]] = {}  # device None: this one
    for sid, name in local:
        groups.setdefault(fold(name) or sid, []).append((sid, name, None))
    for sid, (name, device) in sorted(elsewhere.items()):
        groups.setdefault(fold(name) or sid, []).append((sid, name, device))
    found: dict[str, Person] = {}
    for members in groups.values():
        here = [m for m in members if m[2] is None]
        if here:
            person = Person(here[0][0], here[0][1], True)
        else:
            devices = sorted({m[2] for m in members if m[2]})
            name = members[0][1]
            person = Person(
                members[0][0], f"{name} ({', '.join(devices)})" if devices else name, False
            )
        for member in members:
            found[member[0]] = person
    return found


def _leaderboard(
    totals: Sequence[Any],  # rows of (staff id, leads, hot leads)
    who: Mapping[str, Person],
) -> tuple[LeaderboardEntry, ...]:
    """The whole-event leaderboard from (staff id, leads, hot leads), one row per person
    (``people``): by leads, then hot leads, then name."""
    event_totals: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for sid, n, h in totals:
        if not sid:
            continue
        person = who.get(sid)
        pid = person.id if person is not None else sid
        names[pid] = person.name if person is not None else ""
        counts = event_totals.setdefault(pid, [0, 0])
        counts[0], counts[1] = counts[0] + int(n), counts[1] + int(h or 0)
    ranked = sorted(
        ((pid, names[pid], n, h) for pid, (n, h) in event_totals.items()),
        key=lambda e: (-e[2], -e[3], e[1].casefold()),
    )
    return tuple(
        LeaderboardEntry(i + 1, sid, name or "(former staff)", n, h)
        for i, (sid, name, n, h) in enumerate(ranked)
    )


def _share_within(stats: GroupStats, limit: timedelta) -> float:
    label = next((name for name, bound in BUCKETS if bound == limit), None)
    for bucket, share in stats.within:
        if bucket == label:
            return share
    raise ValueError(f"no response-time bucket of {limit}")  # BUCKETS changed: fix the target
