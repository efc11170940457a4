"""Signs that a record is junk: flagged for an administrator, never deleted (DOMAIN.md)."""

from __future__ import annotations

import re

import phonenumbers

from boothapp.core.hygiene.countries import _fold
from boothapp.core.hygiene.phones import Parsed, parse_phone

_PLACEHOLDER_NAMES = frozenset(
    {
        "mickey mouse",
        "minnie mouse",
        "donald duck",
        "test test",
        "test",
        "tester",
        "asdf",
        "asdf asdf",
        "qwerty",
        "xxx",
        "xxx xxx",
        "n a",
        "na",
        "none",
        "nobody",
        "john doe",
        "jane doe",
        "foo bar",
        "abc",
        "aaa",
        "no name",
        "anonymous",
    }
)
_PLACEHOLDER_PARTS = frozenset({"test", "asdf", "qwerty", "xxx", "n a", "dummy", "fake"})
_REPEATED = re.compile(r"^(.)\1+$")


def junk_name_reason(first: str, last: str) -> str | None:
    full = _fold(f"{first} {last}")
    if not full:
        return None
    shown = f"{first} {last}".strip()
    parts = [_fold(first), _fold(last)]
    if full in _PLACEHOLDER_NAMES or any(p in _PLACEHOLDER_PARTS for p in parts if p):
        return f"'{shown}' looks like a placeholder name"
    if all(_REPEATED.match(p.replace(" ", "")) for p in parts if p):
        return f"'{shown}' is one repeated character"
    return None


def junk_phone_reason(phone: str, parsed: Parsed | None = None) -> str | None:
    """``parsed``: ``parse_phone(phone, region)`` when the caller has it (for any region: a
    number with a "+", the only kind read here, reads the same for every region)."""
    digits = _national_digits(phone, parsed)
    if not digits:
        return None
    if len(digits) >= 5 and _REPEATED.match(digits):
        return f"'{phone}' is one repeated digit"
    if len(digits) >= 5 and (digits in "01234567890123456789" or digits in "9876543210"):
        return f"'{phone}' is a run of consecutive digits"
    if len("".join(c for c in phone if c.isdigit())) < 5:
        return f"'{phone}' is too short to be a phone number"
    return None


def _national_digits(phone: str, parsed: Parsed | None) -> str:
    """Digits after any country code: "+49 5555 5555" is as fake as "5555 5555"."""
    if phone.strip().startswith("+"):
        number = parse_phone(phone, "") if parsed is None else parsed
        if isinstance(number, phonenumbers.PhoneNumber):
            return str(number.national_number)
    return "".join(c for c in phone if c.isdigit())
