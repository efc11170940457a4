"""Money: pipeline created, revenue won, open and lost deals (kept per currency), cost per
lead / qualified lead / opportunity / won deal and return on cost.

Amounts are never added across currencies. The return on cost converts won revenue only with
the rates the event manager wrote in ``costs.rates``; a won currency without a rate leaves the
return unknown and says which currency is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from boothapp.core.config.costs_section import EventCosts
from boothapp.core.results.funnel import Funnel, Step
from boothapp.core.results.inputs import Deal, LeadFacts

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CurrencyTotals:
    currency: str
    pipeline: Decimal  # every deal the show's leads brought (won, open and lost)
    won: Decimal
    open: Decimal
    lost: Decimal
    deals: int
    won_deals: int
    open_deals: int
    lost_deals: int


@dataclass(frozen=True, slots=True)
class CostPer:
    step: Step
    count: int
    cost: Decimal | None  # None: nobody reached the step


@dataclass(frozen=True, slots=True)
class Money:
    totals: tuple[CurrencyTotals, ...]  # one per currency, by currency code
    cost_currency: str  # "" when the event has no costs
    total_cost: Decimal | None
    cost_lines: tuple[tuple[str, Decimal], ...]
    cost_per: tuple[CostPer, ...]
    revenue_in_cost_currency: Decimal | None  # None: a won currency has no rate
    return_on_cost: Decimal | None  # (revenue won - cost) / cost; None: unknown
    unconverted: tuple[str, ...]  # won currencies without a rate
    deals_without_amount: int
    earlier_deals: int  # won before the capture: prior business, not the show's

    def totals_of(self, currency: str) -> CurrencyTotals | None:
        return next((t for t in self.totals if t.currency == currency), None)


def money(leads: Sequence[LeadFacts], funnel: Funnel, costs: EventCosts | None) -> Money:
    deals: list[Deal] = []
    earlier = 0
    for lead in leads:
        kept = lead.show_deals()
        earlier += len(lead.deals) - len(kept)
        deals.extend(kept)
    totals = _totals(deals)
    no_amount = sum(1 for d in deals if d.amount is None)
    if costs is None:
        return Money(totals, "", None, (), (), None, None, (), no_amount, earlier)
    total = costs.total
    cost_per = tuple(
        CostPer(step, n, _q(total / n) if n else None)
        for step in (Step.LEADS, Step.QUALIFIED, Step.OPPORTUNITY, Step.WON)
        for n in (funnel.count(step),)
    )
    revenue, missing = _convert({t.currency: t.won for t in totals if t.won_deals}, costs)
    roc = None
    if revenue is not None and total > 0:
        roc = ((revenue - total) / total).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return Money(
        totals,
        costs.currency,
        total,
        costs.lines(),
        cost_per,
        revenue,
        roc,
        missing,
        no_amount,
        earlier,
    )


def _totals(deals: Sequence[Deal]) -> tuple[CurrencyTotals, ...]:
    out = []
    for cur in sorted({d.currency for d in deals}):
        mine = [d for d in deals if d.currency == cur]
        won = [d for d in mine if d.is_won]
        open_ = [d for d in mine if not d.is_closed and not d.is_won]
        lost = [d for d in mine if d.is_closed and not d.is_won]
        out.append(
            CurrencyTotals(
                cur,
                _sum(mine),
                _sum(won),
                _sum(open_),
                _sum(lost),
                len(mine),
                len(won),
                len(open_),
                len(lost),
            )
        )
    return tuple(out)


def _convert(
    amounts: Mapping[str, Decimal], costs: EventCosts
) -> tuple[Decimal | None, tuple[str, ...]]:
    missing = tuple(sorted(c for c in amounts if costs.rate_of(c) is None))
    if missing:
        return None, missing
    return _q(sum((a * (costs.rate_of(c) or 0) for c, a in amounts.items()), Decimal(0))), ()


def _sum(deals: Sequence[Deal]) -> Decimal:
    return sum((d.amount for d in deals if d.amount is not None), Decimal(0))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)
