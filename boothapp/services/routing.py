"""Give each new lead an owner by the event's routing rules, and re-route on demand.

The round-robin position lives in ``routing_state`` and open-lead counts come from the leads
themselves, so routing stays even across restarts and devices of one database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boothapp.core.config.model import EventConfig
from boothapp.core.models import CLOSED_STAGES as CLOSED
from boothapp.core.routing import (
    Phrase,
    RoutingDecision,
    RoutingState,
    facts_of,
    lead_facts,
    reroute_all,
    route,
)
from boothapp.services.event_config import EventConfigService
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges
from boothapp.store.bulk import loaded_values
from boothapp.store.db import Database
from boothapp.store.mappers import lead_from_row
from boothapp.store.tables import EventRow, LeadRow, RoutingStateRow

CLOSED_STAGES = tuple(stage.value for stage in CLOSED)
# What ``lead_facts`` reads of a lead row.
_FACT_COLUMNS = ("id", "country", "timezone", "answers", "score")


@dataclass(frozen=True, slots=True)
class Reassignment:
    lead_id: str
    old_owner: str
    new_owner: str
    reason: Phrase  # why, as data: say it with ``reason.words(translated=True)``

    @property
    def explanation(self) -> str:
        return self.reason.words()


def _today(s: Session, event_id: str) -> date:
    zone = s.scalar(select(EventRow.timezone).where(EventRow.id == event_id)) or "UTC"
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def _state(s: Session, event_id: str, exclude: set[str] | None = None) -> RoutingState:
    row = s.get(RoutingStateRow, event_id)
    q = (
        select(LeadRow.owner, func.count())
        .where(LeadRow.event_id == event_id, LeadRow.owner != "")
        .where(LeadRow.stage.not_in(CLOSED_STAGES))
        .group_by(LeadRow.owner)
    )
    if exclude:
        q = q.where(LeadRow.id.not_in(exclude))
    open_leads = {owner: int(n) for owner, n in s.execute(q)}
    last = {str(k): str(v) for k, v in (row.last_assigned if row else {}).items()}
    return RoutingState(last_assigned=last, open_leads=open_leads)


def _save_state(s: Session, event_id: str, state: RoutingState) -> None:
    row = s.get(RoutingStateRow, event_id)
    if row is None:
        row = RoutingStateRow(event_id=event_id, last_assigned={})
        s.add(row)
    row.last_assigned = dict(state.last_assigned)


def assign_owner(s: Session, row: LeadRow, cfg: EventConfig) -> RoutingDecision:
    """Route a lead inside the caller's transaction and store owner and reason on it."""
    decision = route(
        facts_of(lead_from_row(row), cfg), cfg, _state(s, row.event_id), _today(s, row.event_id)
    )
    row.owner = decision.owner
    row.routing_reason = decision.explanation
    _save_state(s, row.event_id, decision.state)
    return decision


def assign_owners(
    s: Session, rows: Sequence[LeadRow], cfg: EventConfig, state: RoutingState | None = None
) -> RoutingState | None:
    """Route many new leads of one event, the state carried from lead to lead in memory as
    routing them one by one would; returns where it ends (None: no rows, no state given).

    ``state``: where the previous rows of the same bulk capture left it, their leads not
    stored yet (issue 23); read from the database when None. The caller stores the
    returned state with ``save_routing`` in the transaction that inserts the rows."""
    if not rows:
        return state
    event_id = rows[0].event_id
    state, today = state or _state(s, event_id), _today(s, event_id)
    for row in rows:
        # The facts from the row's own values (``loaded_values``), no ``Lead`` built (#23).
        v = loaded_values(row, _FACT_COLUMNS)
        facts = lead_facts(v["id"], v["country"], v["timezone"], v["answers"], v["score"], cfg)
        decision = route(facts, cfg, state, today)
        row.owner, row.routing_reason = decision.owner, decision.explanation
        state = decision.state
    return state


save_routing = _save_state


class RoutingService:
    def __init__(
        self,
        db: Database,
        configs: EventConfigService,
        device_id: str = "",
        changes: LeadChanges | None = None,
    ) -> None:
        self._db = db
        self._configs = configs
        self._device_id = device_id
        self._changes = changes or LeadChanges(db, device_id)

    def reroute(
        self, event_id: str, staff_id: str = "", dry_run: bool = False
    ) -> list[Reassignment]:
        """Route every open lead again under the current rules (after a rule change).

        Captured answers are untouched; only owner and reason change, through the lead door
        (history, CRM re-queue, open touches to the new owner).
        """
        cfg = self._configs.get(event_id)
        with self._changes.transaction(ChangeOrigin.REROUTE, staff_id) as tx:
            s = tx.session
            rows = s.scalars(
                select(LeadRow)
                .where(LeadRow.event_id == event_id, LeadRow.stage.not_in(CLOSED_STAGES))
                .order_by(LeadRow.score.desc(), LeadRow.created_at)
            ).all()
            ids = {r.id for r in rows}
            start = RoutingState(last_assigned={}, open_leads=_state(s, event_id, ids).open_leads)
            decisions, final = reroute_all(
                [facts_of(lead_from_row(r), cfg) for r in rows], cfg, start, _today(s, event_id)
            )
            changes = [
                Reassignment(row.id, row.owner, decision.owner, decision.reason)
                for row, decision in zip(rows, decisions, strict=True)
                if row.owner != decision.owner
            ]
            if dry_run:
                tx.discard()
                return changes
            for row, decision in zip(rows, decisions, strict=True):
                tx.update(row, {"owner": decision.owner})
                row.routing_reason = decision.explanation  # why, not a change of the lead
            _save_state(s, event_id, final)
            return changes
