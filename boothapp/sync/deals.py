"""Deals read back from a CRM for the booth's synced leads (issue 22): what every deal puller
returns. Each CRM's puller lives beside its adapter (``crm/hubspot_deals.py``,
``crm/salesforce_deals.py``); the service (``services/deals.py``) paces and stores.

BottleCRM (django-crm 1.35) has opportunities (``/api/opportunities/``: amount, currency, stage,
closed_on), but a lead keeps no link to the opportunity its conversion made (its
``converted_opportunity`` column is never filled: ``leads/models.py``), so there is nothing to
associate a deal with a booth lead by; a converted BottleCRM lead counts as won through its
status, as the lead pull already maps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from boothapp.core.results.inputs import Deal
from boothapp.sync.pull import PullRef, parse_iso


@dataclass(frozen=True, slots=True)
class DealBatch:
    # lead id -> every deal the CRM associates with it now (empty tuple: none any more)
    deals: Mapping[str, tuple[Deal, ...]]
    requests: int = 1


class DealPuller(Protocol):
    """Reads the deals of a batch of synced leads; raises ``CrmError`` when the request as a
    whole failed (``CrmThrottled`` carries the vendor's wait)."""

    name: str
    batch_size: int

    def fetch_deals(self, refs: Sequence[PullRef]) -> DealBatch: ...


def parse_amount(value: Any) -> Decimal | None:
    """A CRM amount (number or text); None when absent or not a finite number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def parse_day(value: Any) -> date | None:
    """A close date as ``YYYY-MM-DD`` or a full ISO timestamp (HubSpot's closedate)."""
    if not value or not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    stamp = parse_iso(value)
    return stamp.date() if stamp is not None else None
