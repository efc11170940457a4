"""Data hygiene before routing: normalise, validate and flag junk (never delete it)."""

from boothapp.core.hygiene.clean import (
    CleanResult,
    HygieneIssue,
    IssueCode,
    clean_contact,
)
from boothapp.core.hygiene.countries import normalise_country, region_of
from boothapp.core.hygiene.timezones import timezone_for

__all__ = [
    "CleanResult",
    "HygieneIssue",
    "IssueCode",
    "clean_contact",
    "normalise_country",
    "region_of",
    "timezone_for",
]
