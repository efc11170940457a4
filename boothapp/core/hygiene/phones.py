"""Phone numbers to E.164 with the phonenumbers library."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers


def preload_metadata() -> int:
    """Load every region's numbering metadata now; returns how many regions.

    phonenumbers imports a region's module the first time a number of that region is checked.
    Call this once off the GUI thread at startup: a first Greek or Iranian number checked in
    the lead form otherwise paid for the import on the GUI thread (a ~100 ms freeze).
    """
    from phonenumbers.phonemetadata import PhoneMetadata

    for region in phonenumbers.SUPPORTED_REGIONS:
        PhoneMetadata.metadata_for_region(region)
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        PhoneMetadata.metadata_for_nongeo_region(code)
    return len(phonenumbers.SUPPORTED_REGIONS)


@dataclass(frozen=True, slots=True)
class PhoneResult:
    value: str  # E.164 when valid, else the input as typed (never thrown away)
    problem: str | None


# A number as phonenumbers reads it, or why it cannot.
Parsed = phonenumbers.PhoneNumber | phonenumbers.NumberParseException


def parse_phone(phone: str, default_region: str) -> Parsed:
    """``phone`` read once for all the checks of a lead (the junk test and E.164; parsing it
    twice was a tenth of evaluating a lead, issue 23). A number with a "+" reads the same
    whatever ``default_region``: its own country code decides."""
    try:
        return phonenumbers.parse(phone.strip(), default_region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        return exc


def to_e164(phone: str, default_region: str, parsed: Parsed | None = None) -> PhoneResult:
    """Parse ``phone``; numbers without a "+" are read as numbers of ``default_region``.
    ``parsed``: ``parse_phone(phone, default_region)`` when the caller has it already."""
    raw = phone.strip()
    region = default_region.upper() or None
    if parsed is None:
        parsed = parse_phone(raw, default_region)
    if isinstance(parsed, phonenumbers.NumberParseException):
        return PhoneResult(raw, f"cannot read '{raw}' as a phone number ({parsed._msg})")
    if not phonenumbers.is_valid_number(parsed):
        where = f" for region {region}" if region and not raw.startswith("+") else ""
        return PhoneResult(raw, f"'{raw}' is not a valid phone number{where}")
    return PhoneResult(
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None
    )
