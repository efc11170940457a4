"""How a scanned payload identifies a visitor, so a second scan finds the first lead."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from boothapp.core.models import Contact


class ParsedBadgeLike(Protocol):
    """What the badge parsers return (boothapp.capture.badges.ParsedBadge)."""

    @property
    def contact(self) -> Contact: ...
    @property
    def badge_id(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def raw(self) -> str: ...


@dataclass(frozen=True, slots=True)
class BadgeIdentity:
    key: str  # unique per event: "id:…", "token:…", "email:…" or "raw:<sha256>"
    badge_id: str


def identity_of(parsed: ParsedBadgeLike) -> BadgeIdentity:
    if parsed.badge_id:
        return BadgeIdentity(f"id:{parsed.badge_id.strip().lower()}", parsed.badge_id.strip())
    if parsed.token:
        return BadgeIdentity(f"token:{parsed.token.strip().lower()}", parsed.token.strip())
    email = parsed.contact.email.strip().lower()
    if email:
        return BadgeIdentity(f"email:{email}", "")
    # A badge with neither id nor email (e.g. a vCard with a name only): the payload itself is
    # its identity; hashed so the key stays short whatever the payload size.
    digest = hashlib.sha256(parsed.raw.strip().encode("utf-8", "surrogatepass")).hexdigest()
    return BadgeIdentity(f"raw:{digest}", "")
