"""Deals of an event's leads: pulled from the CRM, kept locally, read by the results (issue 22).

``pull`` reads every synced lead's deals in the CRM's batch size, waiting out throttling (the
vendor's Retry-After, else growing pauses, as the lead pull does), and stores each batch in one
transaction. Storing is idempotent: a lead's rows become exactly what the CRM associates with it
now, so a re-pull of unchanged deals writes nothing and a deal gone from the CRM is removed.
Deals are not lead fields: the lead door, its history and the CRM outbox are not involved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from sqlalchemy import select

from boothapp.core.i18n import _
from boothapp.core.results.inputs import Deal
from boothapp.services.errors import ValidationError
from boothapp.services.sync import SyncService
from boothapp.services.sync_pull import PullPolicy, read_with_retry
from boothapp.store.db import Database
from boothapp.store.tables import DealRow, LeadRow, OutboxRow
from boothapp.sync.crm.base import CrmError, ErrorKind
from boothapp.sync.crm.hubspot_deals import HubSpotDealPuller
from boothapp.sync.crm.hubspot_pull import HubSpotPuller
from boothapp.sync.crm.salesforce import SalesforceConfig
from boothapp.sync.crm.salesforce_deals import SalesforceDealPuller
from boothapp.sync.crm.salesforce_pull import SalesforcePuller
from boothapp.sync.deals import DealPuller
from boothapp.sync.pull import PullRef

log = logging.getLogger(__name__)
DEAL_CRMS = ("hubspot", "salesforce")


@dataclass(frozen=True, slots=True)
class DealChanges:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __add__(self, other: DealChanges) -> DealChanges:
        return DealChanges(
            self.added + other.added, self.changed + other.changed, self.removed + other.removed
        )


@dataclass(frozen=True, slots=True)
class DealPullSummary:
    crm: str
    checked: int  # leads whose deals were read
    deals: int  # deals the CRM associates with them now
    changes: DealChanges
    errors: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        c = self.changes
        text = (
            f"deals: {self.checked} lead(s) checked, {self.deals} deal(s) in {self.crm}: "
            f"{c.added} new, {c.changed} changed, {c.removed} gone"
        )
        if self.errors:
            text += f"; {len(self.errors)} problem(s): {self.errors[0]}"
        return text


class DealService:
    def __init__(self, db: Database, device_id: str, sync: SyncService) -> None:
        self._db = db
        self._device = device_id
        self._sync = sync
        self.policy = PullPolicy()

    def deals_of(self, event_id: str) -> dict[str, tuple[Deal, ...]]:
        """Lead id -> its stored deals (plain columns: an event may have thousands)."""
        out: dict[str, list[Deal]] = {}
        with self._db.read() as s:
            rows = s.execute(
                select(
                    DealRow.crm, DealRow.remote_id, DealRow.lead_id, DealRow.amount,
                    DealRow.currency, DealRow.stage, DealRow.is_won, DealRow.is_closed,
                    DealRow.close_date, DealRow.name,
                )
                .join(LeadRow, LeadRow.id == DealRow.lead_id)
                .where(LeadRow.event_id == event_id)
                .order_by(DealRow.lead_id, DealRow.crm, DealRow.remote_id)
            )  # fmt: skip
            for crm, remote, lead, amount, cur, stage, won, closed, day, name in rows:
                out.setdefault(lead, []).append(
                    Deal(crm, remote, lead, None if amount is None else Decimal(amount), cur,
                         stage, won, closed, day, name)
                )  # fmt: skip
        return {k: tuple(v) for k, v in out.items()}

    def store(self, crm: str, deals: Mapping[str, Iterable[Deal]]) -> DealChanges:
        """Make each listed lead's ``crm`` deals exactly ``deals[lead]``, in one transaction."""
        added = changed = removed = 0
        with self._db.session() as s:
            for lead_id, wanted in deals.items():
                have = {
                    r.remote_id: r
                    for r in s.scalars(
                        select(DealRow).where(DealRow.crm == crm, DealRow.lead_id == lead_id)
                    )
                }
                seen: set[str] = set()
                for d in wanted:
                    seen.add(d.remote_id)
                    values = _values(d)
                    row = have.get(d.remote_id)
                    if row is None:
                        s.add(DealRow(crm=crm, lead_id=lead_id, device_id=self._device, **values))
                        added += 1
                    elif any(getattr(row, k) != v for k, v in values.items()):
                        for k, v in values.items():
                            setattr(row, k, v)
                        changed += 1
                for remote_id, row in have.items():
                    if remote_id not in seen:
                        s.delete(row)
                        removed += 1
        return DealChanges(added, changed, removed)

    def puller(self, event_id: str, event_name: str = "") -> DealPuller:
        settings = self._sync.settings(event_id)
        if settings is None:
            raise ValidationError(_("no CRM is configured for this event"))
        if settings.name not in DEAL_CRMS:
            raise ValidationError(
                _(
                    "deals are read from HubSpot and Salesforce; {crm} offers no deal "
                    "linked to a lead (see boothapp/sync/deals.py)"
                ).format(crm=settings.name)
            )
        lead_puller = self._sync.puller(event_id)
        if isinstance(lead_puller, HubSpotPuller):
            return HubSpotDealPuller(lead_puller.config)
        if isinstance(lead_puller, SalesforcePuller):
            cfg = lead_puller.config
            return SalesforceDealPuller(
                SalesforceConfig(
                    cfg.instance_url, cfg.access_token, campaign_id=settings.campaign_id
                ),
                campaign_name=event_name,
            )
        raise ValidationError(_("{crm} has no deal reader").format(crm=settings.name))

    def pull(
        self,
        event_id: str,
        event_name: str = "",
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        puller: DealPuller | None = None,
    ) -> DealPullSummary:
        """Read and store the deals of every lead synced to the event's CRM; blocking."""
        puller = puller or self.puller(event_id, event_name)
        cancel = cancel or threading.Event()
        with self._db.read() as s:
            refs = [
                PullRef(lead_id, remote_id)
                for lead_id, remote_id in s.execute(
                    select(OutboxRow.lead_id, OutboxRow.remote_id)
                    .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
                    .where(
                        LeadRow.event_id == event_id,
                        OutboxRow.crm == puller.name,
                        OutboxRow.remote_id != "",
                    )
                    .order_by(OutboxRow.lead_id)
                )
            ]
        checked = total = 0
        changes = DealChanges()
        errors: list[str] = []
        for start in range(0, len(refs), puller.batch_size):
            if cancel.is_set():
                errors.append(f"cancelled: {len(refs) - start} lead(s) not checked")
                break
            chunk = refs[start : start + puller.batch_size]
            try:
                batch = read_with_retry(
                    f"{puller.name} deals", partial(puller.fetch_deals, chunk), self.policy, cancel
                )
            except CrmError as exc:
                errors.append(f"{exc.message} ({len(refs) - start} lead(s) not checked)")
                if exc.kind in (ErrorKind.AUTH, ErrorKind.CONFIG, ErrorKind.THROTTLED):
                    break
                continue
            changes = changes + self.store(puller.name, batch.deals)
            checked += len(batch.deals)
            total += sum(len(d) for d in batch.deals.values())
            if progress is not None:
                progress(start + len(chunk), len(refs))
        log.info("deals from %s: %d leads, %d deals, %s", puller.name, checked, total, changes)
        return DealPullSummary(puller.name, checked, total, changes, tuple(errors))


def _values(d: Deal) -> dict[str, object]:
    return {
        "remote_id": d.remote_id,
        "name": d.name[:300],
        "amount": None if d.amount is None else str(d.amount),
        "currency": d.currency[:3],
        "stage": d.stage[:120],
        "is_won": d.is_won,
        "is_closed": d.is_closed,
        "close_date": d.close_date,
    }
