"""Delimited badge records: Cvent ``^``/``|``/``*``/``%``, Devoxx ``::``, Aptify ``Name_Co^Id``."""

from __future__ import annotations

from boothapp.capture.badges.ids import id_forms, strip_padding
from boothapp.capture.badges.model import (
    APTIFY_MAP,
    CVENT_FIELDS,
    DEVOXX_MAP,
    BadgeFormat,
    DelimitedFieldMap,
    ParsedBadge,
)
from boothapp.capture.badges.names import split_camel_name, split_full_name
from boothapp.core.models import Contact

_CVENT_DELIMITERS = ("^", "|", "*", "%")


def default_map(text: str) -> DelimitedFieldMap | None:
    """The built-in layout a record looks like, or None when it is not a delimited record."""
    if "::" in text:
        return DEVOXX_MAP
    if "^" in text:
        fields = text.split("^")
        if len(fields) == 2 and fields[1].strip() and not fields[0].count("@"):
            return APTIFY_MAP
        return DelimitedFieldMap("^", CVENT_FIELDS)
    for delim in _CVENT_DELIMITERS[1:]:
        if text.count(delim) >= 2:
            return DelimitedFieldMap(delim, CVENT_FIELDS)
    return None


def parse_delimited(raw: str, text: str, field_map: DelimitedFieldMap) -> ParsedBadge:
    tokens = [t.strip() for t in text.split(field_map.delimiter)]
    names = field_map.fields
    warnings: list[str] = []
    if len(tokens) != len(names):
        warnings.append(f"record has {len(tokens)} fields, the layout expects {len(names)}")
    if field_map.anchor_end:
        pairs = list(zip(reversed(names), reversed(tokens), strict=False))
    else:
        pairs = list(zip(names, tokens, strict=False))
    values: dict[str, str] = {}
    for name, token in pairs:
        if name != "ignore" and token:
            values.setdefault(name, token)

    first_name, last_name = values.get("first_name", ""), values.get("last_name", "")
    company = values.get("company", "")
    if "name_company" in values:
        # Aptify: "AieshaAaronson_DanubePartner" (name and company joined by "_").
        name_part, _, company_part = values["name_company"].partition("_")
        first_name, last_name = split_camel_name(name_part)
        company = company or company_part
    if not (first_name or last_name) and values.get("name"):
        first_name, last_name = split_full_name(values["name"])
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        company=company,
        title=values.get("title", ""),
        country=values.get("country", ""),
        city=values.get("city", ""),
        website=values.get("website", ""),
    )
    printed = values.get("badge_id", "")
    badge_id = strip_padding(printed)
    if not (badge_id or contact.full_name or contact.email):
        warnings.append("delimited record has no id, name or email")
    return ParsedBadge(
        format=BadgeFormat.DELIMITED,
        raw=raw,
        contact=contact,
        badge_id=badge_id,
        token=values.get("token", ""),
        warnings=tuple(warnings),
        id_forms=id_forms(badge_id, printed),
    )
