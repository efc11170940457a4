"""Typed values the badge parsers produce: the format seen, the contact, the ids to look up."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from boothapp.core.models import Contact


class BadgeFormat(enum.StrEnum):
    VCARD = "vcard"
    MECARD = "mecard"
    BIZCARD = "bizcard"
    JSON = "json"
    URL = "url"
    DELIMITED = "delimited"
    PREFIXED_ID = "prefixed_id"
    BARE_ID = "bare_id"
    EMAIL = "email"
    UNKNOWN = "unknown"


class CheckDigitRule(enum.StrEnum):
    """How to check the last digit of numeric badge ids (breizhcamp: 11 digits + 1 check)."""

    NONE = "none"
    AUTO = "auto"  # 12-digit ids: pass if either Luhn or GS1 mod 10 holds
    LUHN = "luhn"
    GS1 = "gs1"  # UPC/EAN weights 3,1


# Field names a delimited record may carry: Contact fields plus ids and the Aptify combo.
CONTACT_FIELDS: tuple[str, ...] = tuple(Contact.__dataclass_fields__)
DELIMITED_FIELDS: frozenset[str] = frozenset(
    {*CONTACT_FIELDS, "badge_id", "token", "name", "name_company", "state", "zip", "ignore"}
)


@dataclass(frozen=True, slots=True)
class DelimitedFieldMap:
    """Per-event layout of a delimited badge record.

    ``fields`` name each position in order. With ``anchor_end`` the names align to the end
    of the record, so the last name is the last token (Aptify puts the PersonID last).
    """

    delimiter: str
    fields: tuple[str, ...]
    anchor_end: bool = False

    def __post_init__(self) -> None:
        if not self.delimiter:
            raise ValueError("a delimited field map needs a delimiter")
        unknown = [f for f in self.fields if f not in DELIMITED_FIELDS]
        if unknown:
            raise ValueError(f"unknown delimited field name(s): {', '.join(unknown)}")
        if not self.fields:
            raise ValueError("a delimited field map needs at least one field")

    def to_dict(self) -> dict[str, object]:
        """For the event configuration document."""
        return {
            "delimiter": self.delimiter,
            "fields": list(self.fields),
            "anchor_end": self.anchor_end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> DelimitedFieldMap:
        fields = data.get("fields")
        if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
            raise ValueError("a delimited field map needs 'fields': a list of field names")
        return cls(str(data.get("delimiter", "")), tuple(fields), bool(data.get("anchor_end")))


# Cvent badge layout seen in superside-immersive/vasteroids (caret; asterisk, percent, pipe too).
CVENT_FIELDS: tuple[str, ...] = (
    "badge_id",
    "first_name",
    "last_name",
    "email",
    "title",
    "company",
    "city",
    "state",
    "zip",
    "phone",
)
CVENT_MAP = DelimitedFieldMap("^", CVENT_FIELDS)
DEVOXX_MAP = DelimitedFieldMap("::", ("badge_id", "last_name", "first_name", "company", "email"))
APTIFY_MAP = DelimitedFieldMap("^", ("name_company", "badge_id"), anchor_end=True)


@dataclass(frozen=True, slots=True)
class ParsedBadge:
    """What one scanned payload says. ``raw`` is always the payload exactly as scanned."""

    format: BadgeFormat
    raw: str
    contact: Contact = field(default_factory=Contact)
    badge_id: str = ""
    token: str = ""
    needs_lookup: bool = False
    warnings: tuple[str, ...] = ()
    # Every spelling of the id worth trying in a roster: stripped and as printed
    # ("12" and "000012", "pax001" and "SBpax001").
    id_forms: tuple[str, ...] = ()

    @property
    def has_identity(self) -> bool:
        c = self.contact
        return bool(c.first_name or c.last_name or c.company)
