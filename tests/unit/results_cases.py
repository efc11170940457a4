"""A fixed show of ten leads with known contact times and deals (issue 22's hand-computed case).

    lead rating qual rep  first contact  answered meeting deals (amount, cur, state, closed)
    L1   hot    yes  ana  +3 min         yes      yes     10000 EUR won 2026-04-01
    L2   hot    yes  ana  +4 min         yes      yes      5000 EUR open
    L3   warm   yes  ben  +30 min        yes      yes      2000 USD lost
    L4   warm   no   ben  +30 min        yes      no
    L5   warm   yes  ana  +2 h           no       no
    L6   cold   no   ben  +30 h          no       no
    L7   cold   no   ben  +72 h          yes      no       3000 USD won 2026-03-20
    L8   cold   yes  -    never
    L9   warm   no   ana  never
    L10  hot    no   ana  never                            7000 EUR won 2026-01-15 (before)

All captured Tuesday 2026-03-10 10:00 UTC; 12 scans.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from boothapp.core.config.costs_section import EventCosts
from boothapp.core.models import Rating, Stage
from boothapp.core.results.inputs import Deal, LeadFacts

CAPTURED = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 10, 10, 0, tzinfo=UTC)
SCANS = 12
COSTS = EventCosts(
    currency="EUR",
    booth=Decimal(10000),
    stand_build=Decimal(2000),
    travel=Decimal(1500),
    staff_days=Decimal(10),
    day_rate=Decimal(300),
    other=Decimal(500),
    rates={"USD": Decimal("0.9")},
)


def _deal(lead: str, amount: int, cur: str, won: bool, closed: bool, on: date | None) -> Deal:
    return Deal("hubspot", f"d-{lead}", lead, Decimal(amount), cur, "x", won, closed, on)


def _lead(
    n: int,
    rating: Rating,
    qualified: bool,
    owner: str,
    delay: timedelta | None,
    answered: bool = False,
    meeting: bool = False,
    deals: tuple[Deal, ...] = (),
    stage: Stage = Stage.TO_CONTACT,
    since: datetime = CAPTURED,
) -> LeadFacts:
    at = None if delay is None else CAPTURED + delay
    return LeadFacts(
        f"L{n}", CAPTURED, rating, qualified, owner, stage, since,
        at, at, answered, meeting, deals,
    )  # fmt: skip


def show() -> list[LeadFacts]:
    m = timedelta(minutes=1)
    h = timedelta(hours=1)
    d31 = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    d11 = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    return [
        _lead(1, Rating.HOT, True, "ana", 3 * m, True, True,
              (_deal("L1", 10000, "EUR", True, True, date(2026, 4, 1)),),
              Stage.WON, datetime(2026, 4, 1, 10, 0, tzinfo=UTC)),
        _lead(2, Rating.HOT, True, "ana", 4 * m, True, True,
              (_deal("L2", 5000, "EUR", False, False, None),), Stage.QUOTE_SENT, d31),
        _lead(3, Rating.WARM, True, "ben", 30 * m, True, True,
              (_deal("L3", 2000, "USD", False, True, date(2026, 3, 30)),),
              Stage.QUOTE_SENT, d31),
        _lead(4, Rating.WARM, False, "ben", 30 * m, True, stage=Stage.IN_CONTACT, since=d11),
        _lead(5, Rating.WARM, True, "ana", 2 * h, stage=Stage.IN_CONTACT, since=d11),
        _lead(6, Rating.COLD, False, "ben", 30 * h, stage=Stage.IN_CONTACT, since=d11),
        _lead(7, Rating.COLD, False, "ben", 72 * h, True, False,
              (_deal("L7", 3000, "USD", True, True, date(2026, 3, 20)),),
              Stage.WON, datetime(2026, 3, 20, 10, 0, tzinfo=UTC)),
        _lead(8, Rating.COLD, True, "", None),
        _lead(9, Rating.WARM, False, "ana", None),
        _lead(10, Rating.HOT, False, "ana", None,
              deals=(_deal("L10", 7000, "EUR", True, True, date(2026, 1, 15)),)),
    ]  # fmt: skip
