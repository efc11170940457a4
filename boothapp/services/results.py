"""Gather one event's results (issue 22): the leads, their first contact and answers from the
follow-ups, when they entered their stage (lead history), the scans and the stored deals, then
hand them to the pure ``core.results``. Read-only; one read session.

First contact is the earliest follow-up with a contact outcome (``CONTACT_OUTCOMES``, the same
rule the response-time metrics use). Leads flagged "please delete" are left out: junk is not a
result of the show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from boothapp.core.followups.attempts import ANSWERED, Outcome
from boothapp.core.models import Rating, Stage
from boothapp.core.results.inputs import LeadFacts
from boothapp.core.results.report import ShowResults, show_results
from boothapp.services.deals import DealService
from boothapp.services.errors import NotFoundError
from boothapp.services.event_config import EventConfigService
from boothapp.services.followup_outputs import CONTACT_OUTCOMES
from boothapp.services.followup_rows import done_touches
from boothapp.store.db import Database
from boothapp.store.tables import EventRow, LeadChangeRow, LeadRow, ScanRow

_CONTACT = frozenset(o.value for o in CONTACT_OUTCOMES)
_RATINGS = {r.value: r for r in Rating}  # a dict look-up, not Enum(...), for 50k leads
_STAGES = {s.value: s for s in Stage}
_ANSWERED = frozenset(o.value for o in ANSWERED)


class ResultsService:
    def __init__(self, db: Database, configs: EventConfigService, deals: DealService) -> None:
        self._db = db
        self._configs = configs
        self._deals = deals

    def event_id_by_name(self, name: str) -> str:
        with self._db.read() as s:
            found = s.scalar(select(EventRow.id).where(EventRow.name == name))
        if found is None:
            raise NotFoundError(f"no event named {name!r}")
        return found

    def compute(self, event_id: str, now: datetime | None = None) -> ShowResults:
        now = now or datetime.now(UTC)
        cfg = self._configs.get(event_id)
        costs = cfg.costs
        rep_names = {rep.id: rep.name for rep in cfg.routing.reps}  # by rep: names people read
        deals = self._deals.deals_of(event_id)
        with self._db.read() as session:
            # Core rows, not ORM loading: an event may have 50,000 leads (bench/roi.py).
            s = session.connection()
            event = s.execute(
                select(EventRow.name, EventRow.timezone).where(EventRow.id == event_id)
            ).one_or_none()
            if event is None:
                raise NotFoundError(f"no event {event_id}")
            name, event_tz = event
            scans = s.scalar(select(func.count(ScanRow.id)).where(ScanRow.event_id == event_id))
            since = dict(
                s.execute(
                    select(LeadChangeRow.lead_id, func.max(LeadChangeRow.created_at))
                    .join(LeadRow, LeadRow.id == LeadChangeRow.lead_id)
                    .where(LeadRow.event_id == event_id, LeadChangeRow.field == "stage")
                    .group_by(LeadChangeRow.lead_id)
                ).all()
            )
            touches = done_touches(s, event_id)
            first: dict[str, datetime] = {}
            outcomes: dict[str, set[str]] = defaultdict(set)
            for lead_id, done_at, outcome in touches:
                outcomes[lead_id].add(outcome)
                if done_at is None or outcome not in _CONTACT:
                    continue
                if lead_id not in first or done_at < first[lead_id]:
                    first[lead_id] = done_at
            # Streamed into facts: the rows are never all held beside them (memory, 50k).
            leads = s.execute(
                select(
                    LeadRow.id, LeadRow.created_at, LeadRow.rating, LeadRow.qualified,
                    LeadRow.owner, LeadRow.stage, LeadRow.timezone,
                )
                .where(LeadRow.event_id == event_id, LeadRow.please_delete.is_(False))
                .execution_options(yield_per=2000)
            )  # fmt: skip
            zones = _Zones(event_tz)
            facts = []
            # Looked up once, not per lead (an enum member's .value is a descriptor call; 50k).
            none: frozenset[str] = frozenset()
            meeting = Outcome.MEETING_BOOKED.value
            for lead_id, created, rating, qualified, owner, stage, tz in leads:
                at = _utc(first[lead_id]) if lead_id in first else None
                seen = outcomes.get(lead_id, none)
                captured = _utc(created)
                changed = since.get(lead_id)
                facts.append(
                    LeadFacts(
                        lead_id=lead_id,
                        captured_at=captured,
                        rating=_RATINGS[rating],
                        qualified=bool(qualified),
                        owner=rep_names.get(owner, owner),
                        stage=_STAGES[stage],
                        stage_since=captured if changed is None else _utc(changed),
                        first_contact_at=at,
                        first_contact_local=None if at is None else at.astimezone(zones.of(tz)),
                        answered=not seen.isdisjoint(_ANSWERED),
                        meeting=meeting in seen,
                        deals=deals.get(lead_id, ()),
                    )
                )
        return show_results(event_id, name, facts, scans or 0, costs, now)

    def other_events(self, event_id: str) -> list[tuple[str, str]]:
        """(id, name) of the events to compare with, newest first."""
        with self._db.read() as s:
            rows = s.execute(
                select(EventRow.id, EventRow.name)
                .where(EventRow.id != event_id)
                .order_by(EventRow.created_at.desc())
            ).all()
        return [(i, n) for i, n in rows]

    def compare(self, event_ids: Sequence[str], now: datetime | None = None) -> list[ShowResults]:
        return [self.compute(e, now) for e in event_ids]


class _Zones:
    """The lead's own zone for first-touch timing, else the event's; cached per name."""

    def __init__(self, fallback: str) -> None:
        self._cache: dict[str, ZoneInfo] = {}
        self._fallback = self._load(fallback) or ZoneInfo("UTC")

    def of(self, name: str) -> ZoneInfo:
        if name not in self._cache:
            self._cache[name] = self._load(name) or self._fallback
        return self._cache[name]

    @staticmethod
    def _load(name: str) -> ZoneInfo | None:
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None


def _utc(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
