"""MeCard (DoCoMo), with the Cvent ``CONF`` and Eventmaker ``UID`` variants."""

from __future__ import annotations

from boothapp.capture.badges.docomo import parse_fields, split_unescaped, unescape
from boothapp.capture.badges.model import BadgeFormat, ParsedBadge
from boothapp.capture.badges.names import split_full_name
from boothapp.core.models import Contact

PREFIX = "MECARD:"


def _name(value: str) -> tuple[str, str]:
    # DoCoMo writes "Last,First"; without a comma it is a full name in reading order.
    parts = [unescape(p).strip() for p in split_unescaped(value, ",")]
    if len(parts) >= 2:
        return parts[1], parts[0]
    return split_full_name(parts[0])


def parse_mecard(raw: str, text: str) -> ParsedBadge:
    body = text[len(PREFIX) :]
    warnings: list[str] = []
    if not text.rstrip().endswith(";"):
        warnings.append("MeCard is not terminated with ';;' (payload may be cut off)")
    first: dict[str, str] = {}
    for key, value in parse_fields(body):
        # ZXing treats only TEL as multi-valued; for every key the first value wins.
        if key not in first:
            first[key] = value
        elif key != "TEL":
            warnings.append(f"MeCard repeats {key}; kept the first value")
    first_name, last_name = _name(first.get("N", ""))
    city = country = ""
    if "ADR" in first:
        adr = [unescape(p).strip() for p in split_unescaped(first["ADR"], ",")]
        if len(adr) >= 7:
            city, country = adr[3], adr[6]
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        email=unescape(first.get("EMAIL", "")).strip(),
        phone=unescape(first.get("TEL", "")).strip(),
        company=unescape(first.get("ORG", "")).strip(),
        title=unescape(first.get("TITLE", "")).strip(),
        city=city,
        country=country,
        website=unescape(first.get("URL", "")).strip(),
    )
    # Cvent puts its reference id in CONF, Eventmaker its guest id in UID.
    badge_id = unescape(first.get("CONF", "") or first.get("UID", "")).strip()
    if not (contact.full_name or contact.email or badge_id):
        warnings.append("MeCard carries no name, email or id")
    return ParsedBadge(
        format=BadgeFormat.MECARD,
        raw=raw,
        contact=contact,
        badge_id=badge_id,
        warnings=tuple(warnings),
        id_forms=(badge_id,) if badge_id else (),
    )
