"""Figures painted or counted on the dashboard and the sync page in the reader's digits
(issue 21): Persian digits in Persian, Latin ones in English."""

from __future__ import annotations

from boothapp.ui.dashboard_page import hour_label
from boothapp.ui.i18n import apply_language, number


def test_hour_axis_and_counts_in_persian_digits(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert hour_label(8) == "08" and number(12) == "12"
    apply_language("fa")
    try:
        assert hour_label(8) == "۰۸"
        assert hour_label(17) == "۱۷"
        assert number(12) == "۱۲"
    finally:
        apply_language("en")
