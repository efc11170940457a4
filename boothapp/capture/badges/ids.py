"""Id-only payloads: prefixed ids, bare ids (Code 39 zero-padded numbers), tokens, emails."""

from __future__ import annotations

import re
from collections.abc import Sequence

from boothapp.capture.badges.model import BadgeFormat, CheckDigitRule, ParsedBadge
from boothapp.core.models import Contact

HEX_TOKEN = re.compile(r"[0-9a-fA-F]{64}")
BARE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/#]{0,79}")
EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


def strip_padding(badge_id: str) -> str:
    """Code 39 badges zero-pad numeric ids to six digits or more: "000012" -> "12"."""
    if badge_id.isascii() and badge_id.isdigit():
        return badge_id.lstrip("0") or "0"
    return badge_id


def id_forms(*forms: str) -> tuple[str, ...]:
    """Distinct non-empty spellings in order."""
    return tuple(dict.fromkeys(f for f in forms if f))


def luhn_ok(digits: str) -> bool:
    total = 0
    for pos, ch in enumerate(reversed(digits)):
        d = int(ch)
        if pos % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def gs1_ok(digits: str) -> bool:
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(ch) * (3 if pos % 2 == 0 else 1) for pos, ch in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def check_digit_warning(badge_id: str, rule: CheckDigitRule) -> str:
    """A warning when the id's check digit does not hold, else ""."""
    if rule is CheckDigitRule.NONE or not (badge_id.isascii() and badge_id.isdigit()):
        return ""
    if rule is CheckDigitRule.AUTO:
        if len(badge_id) != 12 or luhn_ok(badge_id) or gs1_ok(badge_id):
            return ""
        return f"check digit of {badge_id} does not match (Luhn or mod 10): mistyped or misread?"
    if len(badge_id) < 2:
        return ""
    ok = luhn_ok(badge_id) if rule is CheckDigitRule.LUHN else gs1_ok(badge_id)
    return "" if ok else f"check digit of {badge_id} does not match ({rule.value})"


def parse_email(raw: str, text: str) -> ParsedBadge:
    email = text[7:] if text.lower().startswith("mailto:") else text
    email = email.split("?", 1)[0]
    return ParsedBadge(
        format=BadgeFormat.EMAIL,
        raw=raw,
        contact=Contact(email=email),
        needs_lookup=True,
    )


def match_prefix(text: str, prefixes: Sequence[str]) -> str:
    """The configured prefix the id starts with (longest first), or ""."""
    for prefix in sorted((p for p in prefixes if p), key=len, reverse=True):
        if text.startswith(prefix) and len(text) > len(prefix) and BARE_ID.fullmatch(text):
            return prefix
    return ""


def parse_prefixed(raw: str, text: str, prefix: str, rule: CheckDigitRule) -> ParsedBadge:
    rest = text[len(prefix) :]
    badge_id = strip_padding(rest)
    warning = check_digit_warning(rest, rule)
    return ParsedBadge(
        format=BadgeFormat.PREFIXED_ID,
        raw=raw,
        badge_id=badge_id,
        needs_lookup=True,
        warnings=(warning,) if warning else (),
        id_forms=id_forms(badge_id, rest, text),
    )


def parse_bare(raw: str, text: str, rule: CheckDigitRule) -> ParsedBadge:
    if HEX_TOKEN.fullmatch(text):
        # pgeu prints a 64-hex public token; accept it bare as well as inside its URL.
        return ParsedBadge(
            format=BadgeFormat.BARE_ID,
            raw=raw,
            token=text.lower(),
            needs_lookup=True,
            id_forms=id_forms(text.lower(), text),
        )
    badge_id = strip_padding(text)
    warning = check_digit_warning(text, rule)
    return ParsedBadge(
        format=BadgeFormat.BARE_ID,
        raw=raw,
        badge_id=badge_id,
        needs_lookup=True,
        warnings=(warning,) if warning else (),
        id_forms=id_forms(badge_id, text),
    )
