"""What the results are computed from: one ``LeadFacts`` per lead, its ``Deal`` records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from boothapp.core.models import Rating, Stage


@dataclass(frozen=True, slots=True)
class Deal:
    """A CRM deal / opportunity associated with one of the booth's leads.

    ``amount`` is None when the CRM holds none (the deal still counts, its value does not).
    ``currency`` is the record's own ISO 4217 code: amounts are never summed across currencies.
    """

    crm: str
    remote_id: str
    lead_id: str
    amount: Decimal | None
    currency: str
    stage: str
    is_won: bool
    is_closed: bool
    close_date: date | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class LeadFacts:
    lead_id: str
    captured_at: datetime  # aware UTC
    rating: Rating
    qualified: bool
    owner: str  # the routed rep id ("" when nobody)
    stage: Stage
    stage_since: datetime  # aware UTC: when the lead entered its current stage
    first_contact_at: datetime | None = None  # aware UTC; None: never contacted
    first_contact_local: datetime | None = None  # the same moment in the lead's own zone
    answered: bool = False  # reached, replied, booked a meeting or said no: a person answered
    meeting: bool = False  # a meeting was booked
    deals: tuple[Deal, ...] = field(default_factory=tuple)

    def show_deals(self) -> tuple[Deal, ...]:
        """Deals the show can claim: not ones already won before the visitor came by."""
        if not self.deals:  # most leads: no date arithmetic for nothing
            return ()
        captured = self.captured_at.date()
        return tuple(
            d
            for d in self.deals
            if not (d.is_won and d.close_date is not None and d.close_date < captured)
        )

    @property
    def won(self) -> bool:
        """Won: any associated deal won after the capture (issue 22), or, where the CRM holds
        no deals for the lead, the CRM marked the lead itself won (converted / customer)."""
        deals = self.show_deals()
        if any(d.is_won for d in deals):
            return True
        return not self.deals and self.stage is Stage.WON
