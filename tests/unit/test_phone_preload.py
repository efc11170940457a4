"""Phone metadata preloaded at startup: checking a number later imports nothing."""

from __future__ import annotations

import sys

from boothapp.core.hygiene.phones import preload_metadata, to_e164


def test_after_preload_checking_numbers_of_any_region_imports_nothing() -> None:
    assert preload_metadata() > 200
    before = set(sys.modules)
    results = [to_e164("0912 345 6789", "IR"), to_e164("+30 694 123 4567", "GR"),
               to_e164("+55 11 91234 5678", "BR"), to_e164("+800 1234 5678", "")]  # fmt: skip
    assert set(sys.modules) == before
    assert results[0].value == "+989123456789" and results[1].value == "+306941234567"
