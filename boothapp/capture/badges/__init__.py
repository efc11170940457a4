"""Badge payload parsers: every pattern of shared/BADGES.md, one entry point.

``parse_badge`` detects the format by its prefix or shape (vCard, MeCard, BIZCARD, JSON, URL,
delimited record, prefixed id, bare id or token, email), keeps the raw payload verbatim and
never raises: a payload it cannot read comes back as ``BadgeFormat.UNKNOWN`` with a warning,
so the scan is still stored and can be resolved later.
"""

from __future__ import annotations

from collections.abc import Sequence

from boothapp.capture.badges.bizcard import PREFIX as BIZCARD_PREFIX
from boothapp.capture.badges.bizcard import parse_bizcard
from boothapp.capture.badges.delimited import default_map, parse_delimited
from boothapp.capture.badges.ids import (
    BARE_ID,
    EMAIL,
    HEX_TOKEN,
    match_prefix,
    parse_bare,
    parse_email,
    parse_prefixed,
)
from boothapp.capture.badges.jsonpayload import parse_json
from boothapp.capture.badges.mecard import PREFIX as MECARD_PREFIX
from boothapp.capture.badges.mecard import parse_mecard
from boothapp.capture.badges.model import (
    APTIFY_MAP,
    CVENT_MAP,
    DEVOXX_MAP,
    BadgeFormat,
    CheckDigitRule,
    DelimitedFieldMap,
    ParsedBadge,
)
from boothapp.capture.badges.urls import URL_START, parse_url
from boothapp.capture.badges.vcard import parse_vcard

__all__ = [
    "APTIFY_MAP",
    "CVENT_MAP",
    "DEVOXX_MAP",
    "BadgeFormat",
    "CheckDigitRule",
    "DelimitedFieldMap",
    "ParsedBadge",
    "parse_badge",
]

# Control characters scanners emit around a payload (GS/RS/EOT from PDF417 and Data Matrix,
# a keyboard-wedge Enter), plus a byte-order mark.
_NOISE = "\ufeff\x00\x04\x1d\x1e \t\r\n"


def _finish(parsed: ParsedBadge) -> ParsedBadge:
    """Set ``needs_lookup`` the same way for every format: an id, token or email but no name."""
    c = parsed.contact
    # A website alone is not a key, except a LinkedIn profile (its parser sets the flag).
    has_key = bool(parsed.badge_id or parsed.token or c.email)
    needs = parsed.needs_lookup or (has_key and not parsed.has_identity)
    if parsed.format is BadgeFormat.UNKNOWN:
        needs = False
    if needs == parsed.needs_lookup:
        return parsed
    return ParsedBadge(
        format=parsed.format,
        raw=parsed.raw,
        contact=parsed.contact,
        badge_id=parsed.badge_id,
        token=parsed.token,
        needs_lookup=needs,
        warnings=parsed.warnings,
        id_forms=parsed.id_forms,
    )


def _detect(
    raw: str,
    text: str,
    field_map: DelimitedFieldMap | None,
    prefixes: Sequence[str],
    check_digit: CheckDigitRule,
) -> ParsedBadge:
    upper_head = text[:16].upper()
    if upper_head.startswith("BEGIN:VCARD"):
        return parse_vcard(raw, text)
    if upper_head.startswith(MECARD_PREFIX):
        return parse_mecard(raw, MECARD_PREFIX + text[len(MECARD_PREFIX) :])
    if upper_head.startswith(BIZCARD_PREFIX):
        return parse_bizcard(raw, BIZCARD_PREFIX + text[len(BIZCARD_PREFIX) :])
    if text[:1] in ("{", "["):
        return parse_json(raw, text)
    if field_map is not None and field_map.delimiter in text:
        return parse_delimited(raw, text, field_map)
    if URL_START.match(text) and not any(ch.isspace() for ch in text):
        return parse_url(raw, text)
    if upper_head.startswith("MAILTO:") or EMAIL.fullmatch(text):
        return parse_email(raw, text)
    builtin = default_map(text)
    if builtin is not None:
        return parse_delimited(raw, text, builtin)
    prefix = match_prefix(text, prefixes)
    if prefix:
        return parse_prefixed(raw, text, prefix, check_digit)
    if HEX_TOKEN.fullmatch(text) or BARE_ID.fullmatch(text):
        return parse_bare(raw, text, check_digit)
    reason = "unrecognised badge payload; kept raw for later lookup"
    if any(ch.isspace() for ch in text):
        reason = "unrecognised badge payload (free text, maybe a text-only badge); kept raw"
    return ParsedBadge(format=BadgeFormat.UNKNOWN, raw=raw, warnings=(reason,))


def parse_badge(
    raw: str,
    field_map: DelimitedFieldMap | None = None,
    prefixes: Sequence[str] = (),
    *,
    check_digit: CheckDigitRule = CheckDigitRule.AUTO,
) -> ParsedBadge:
    """Read one scanned payload. Never raises; ``raw`` is returned verbatim.

    ``field_map`` is the event's delimited layout (takes precedence over the built-in Cvent,
    Devoxx and Aptify layouts); ``prefixes`` are the event's id prefixes (SpotMe ``SB``).
    """
    if not isinstance(raw, str):
        return ParsedBadge(
            format=BadgeFormat.UNKNOWN, raw=str(raw), warnings=("payload is not text",)
        )
    text = raw.strip(_NOISE)
    if not text:
        return ParsedBadge(format=BadgeFormat.UNKNOWN, raw=raw, warnings=("empty payload",))
    try:
        return _finish(_detect(raw, text, field_map, prefixes, check_digit))
    except Exception as exc:  # a parser bug must not lose the scan
        return ParsedBadge(
            format=BadgeFormat.UNKNOWN,
            raw=raw,
            warnings=(f"could not parse the payload ({type(exc).__name__}: {exc})",),
        )
