"""BIZCARD, the reverse-engineered format ZXing reads (``N`` first name, ``X`` last name)."""

from __future__ import annotations

from boothapp.capture.badges.docomo import parse_fields, unescape
from boothapp.capture.badges.model import BadgeFormat, ParsedBadge
from boothapp.core.models import Contact

PREFIX = "BIZCARD:"


def parse_bizcard(raw: str, text: str) -> ParsedBadge:
    fields: dict[str, str] = {}
    for key, value in parse_fields(text[len(PREFIX) :]):
        fields.setdefault(key, unescape(value).strip())
    warnings: list[str] = []
    # B is the business line, M the mobile; F (fax) is never what a rep wants to call.
    contact = Contact(
        first_name=fields.get("N", ""),
        last_name=fields.get("X", ""),
        title=fields.get("T", ""),
        company=fields.get("C", ""),
        phone=fields.get("B", "") or fields.get("M", ""),
        email=fields.get("E", ""),
    )
    if not (contact.full_name or contact.email or contact.company):
        warnings.append("BIZCARD carries no name, company or email")
    return ParsedBadge(
        format=BadgeFormat.BIZCARD, raw=raw, contact=contact, warnings=tuple(warnings)
    )
