"""``costs`` in the event configuration (issue 22): read exactly, errors name field and line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from boothapp.core.config import load_config
from boothapp.core.config.dump import dump_config
from boothapp.core.config.errors import ConfigError
from boothapp.resources import asset

TEXT = asset("event-config.example.yaml").read_text(encoding="utf-8")


def with_costs(block: str) -> str:
    return TEXT + "\n" + block


def uncommented() -> str:
    """Follow the example's instructions: remove the "# " in front of each costs line."""
    lines = TEXT.splitlines()
    start = lines.index("# costs:")
    block = [line.removeprefix("# ") for line in lines[start:]]
    return "\n".join(lines[:start] + block) + "\n"


def test_shipped_example_has_no_costs_and_its_commented_section_is_valid() -> None:
    assert load_config(TEXT, "x.yaml").costs is None
    costs = load_config(uncommented(), "x.yaml").costs
    assert costs is not None
    assert costs.currency == "EUR"
    assert costs.lines() == (
        ("booth", Decimal(12000)),
        ("stand_build", Decimal(8000)),
        ("travel", Decimal(4500)),
        ("staff", Decimal(5400)),  # 12 days x 450
        ("sponsorship", Decimal(5000)),
        ("other", Decimal(750)),
    )
    assert costs.total == Decimal(35650)
    assert costs.rates == {"USD": Decimal("0.92")}
    assert costs.rate_of("EUR") == 1 and costs.rate_of("GBP") is None


def test_costs_survive_a_dump_and_reload() -> None:
    cfg = load_config(uncommented(), "x.yaml")
    again = load_config(dump_config(cfg), "again.yaml")
    assert again.costs == cfg.costs


def test_bad_costs_are_reported_with_field_and_line() -> None:
    bad = with_costs(
        "costs:\n"
        "  currency: euro\n"
        "  booth: -5\n"
        "  travel: lots\n"
        "  stafdays: 3\n"
        "  rates:\n"
        "    usd: 1.1\n"
        "    GBP: 0\n"
    )
    first = len(TEXT.splitlines()) + 2  # the "costs:" line
    with pytest.raises(ConfigError) as info:
        load_config(bad, "event.yaml")
    got = {(p.path, p.line): p.message for p in info.value.problems}
    assert got == {
        ("costs.currency", first + 1): (
            "must be a three-letter ISO 4217 currency code such as EUR, got 'euro'"
        ),
        ("costs.booth", first + 2): "must be 0 or more, got -5",
        ("costs.travel", first + 3): "must be a number, got 'lots'",
        ("costs.stafdays", first + 4): (
            "unknown key 'stafdays'; did you mean 'staff_days'? (known keys: currency, booth, "
            "stand_build, travel, sponsorship, other, staff_days, day_rate, rates)"
        ),
        ("costs.rates.usd", first + 6): (
            "must be a three-letter ISO 4217 currency code such as EUR, got 'usd'"
        ),
        ("costs.rates.GBP", first + 7): "must be above 0",
    }


def test_costs_need_a_currency() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(with_costs("costs:\n  booth: 100\n"), "event.yaml")
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("costs", "missing required key 'currency'")
    ]
