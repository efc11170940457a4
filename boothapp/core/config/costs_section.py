"""``costs``: what the show cost, for cost per lead and return on cost (issue 22).

    costs:
      currency: EUR          # ISO 4217; every amount below is in it
      booth: 12000           # floor space
      stand_build: 8000
      travel: 4500
      staff_days: 12         # person-days at the booth
      day_rate: 450          # cost of one person-day
      sponsorship: 5000
      other: 750
      rates:                 # optional: 1 unit of a deal currency in the cost currency
        USD: 0.92

Deals in a currency without a rate are reported in their own currency and left out of the
return on cost: the app never invents an exchange rate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from boothapp.core.config.source import Reader, join
from boothapp.core.i18n import N_

COST_ITEMS = ("booth", "stand_build", "travel", "sponsorship", "other")
COSTS_KEYS = ("currency", *COST_ITEMS, "staff_days", "day_rate", "rates")
COST_LABELS = {  # msgids of the core catalogue (core.i18n), translated where shown
    "booth": N_("Booth space"),
    "stand_build": N_("Stand build"),
    "travel": N_("Travel"),
    "staff": N_("Staff days"),
    "sponsorship": N_("Sponsorship"),
    "other": N_("Other"),
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class EventCosts:
    currency: str
    booth: Decimal = Decimal(0)
    stand_build: Decimal = Decimal(0)
    travel: Decimal = Decimal(0)
    staff_days: Decimal = Decimal(0)
    day_rate: Decimal = Decimal(0)
    sponsorship: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def lines(self) -> tuple[tuple[str, Decimal], ...]:
        """(item, amount) in the order a person reads them; staff = days x day rate."""
        return (
            ("booth", self.booth),
            ("stand_build", self.stand_build),
            ("travel", self.travel),
            ("staff", self.staff_days * self.day_rate),
            ("sponsorship", self.sponsorship),
            ("other", self.other),
        )

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.lines()), Decimal(0))

    def rate_of(self, currency: str) -> Decimal | None:
        """Cost-currency value of one unit of ``currency``; None when none was given."""
        return Decimal(1) if currency == self.currency else self.rates.get(currency)


def read_costs(r: Reader, value: object) -> EventCosts | None:
    """``costs`` (absent: None, no cost figures). Problems are recorded with their line."""
    if value is None:
        return None
    path = "costs"
    c = r.mapping(value, path, COSTS_KEYS, required=("currency",))
    if c is None:
        return None
    currency = _currency(r, c["currency"], join(path, "currency")) if "currency" in c else ""
    amounts = {
        key: _amount(r, c[key], join(path, key))
        for key in (*COST_ITEMS, "staff_days", "day_rate")
        if key in c
    }
    rates: dict[str, Decimal] = {}
    if c.get("rates") is not None:
        rate_map = r.mapping(c["rates"], join(path, "rates"), _keys(c["rates"])) or {}
        for code, raw in rate_map.items():
            sub = join(join(path, "rates"), code)
            if _currency(r, code, sub) and (rate := _amount(r, raw, sub)) is not None:
                if rate == 0:
                    r.problem(sub, N_("must be above 0"))
                else:
                    rates[code] = rate
    return EventCosts(
        currency=currency,
        rates=rates,
        **{k: v for k, v in amounts.items() if v is not None},
    )


def costs_tree(costs: EventCosts) -> dict[str, object]:
    """The section as plain values ``read_costs`` reads back to an equal value."""
    tree: dict[str, object] = {"currency": costs.currency}
    for key in (*COST_ITEMS, "staff_days", "day_rate"):
        amount: Decimal = getattr(costs, key)
        if amount:
            tree[key] = int(amount) if amount == amount.to_integral() else float(amount)
    if costs.rates:
        tree["rates"] = {k: float(v) for k, v in costs.rates.items()}
    return tree


def _keys(value: object) -> list[str]:
    return [str(k) for k in value] if isinstance(value, dict) else []


def _currency(r: Reader, value: object, path: str) -> str:
    text = r.text(value, path)
    if not _CURRENCY.match(text):
        r.problem(path, N_("must be a three-letter ISO 4217 currency code such as EUR, "
                  "got {got!r}"), got=text)  # fmt: skip
        return ""
    return text


def _amount(r: Reader, value: object, path: str) -> Decimal | None:
    number = r.number(value, path)
    if number is None:
        return None
    if number < 0:
        r.problem(path, N_("must be 0 or more, got {got}"), got=value)
        return None
    # Through str so 0.1 stays 0.1, not the binary float's expansion.
    return Decimal(str(value))
