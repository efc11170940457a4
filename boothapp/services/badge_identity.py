"""How a scanned payload identifies a visitor, so a second scan finds the first lead."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from boothapp.capture.badges import ParsedBadge


@dataclass(frozen=True, slots=True)
class BadgeIdentity:
    key: str  # unique per event: "id:…", "token:…", "email:…" or "raw:<sha256>"
    badge_id: str


def _id_key(badge_id: str) -> str:
    # "000012" and "12" are the same badge (Code 39 ids are zero-padded on print).
    text = badge_id.strip().lower()
    return f"id:{text.lstrip('0') or text}"


def roster_identity(badge_id: str) -> BadgeIdentity:
    """The identity of a roster row's badge id: what a later barcode scan of it finds."""
    return BadgeIdentity(_id_key(badge_id), badge_id)


def identity_of(parsed: ParsedBadge, roster_badge_id: str = "") -> BadgeIdentity:
    if roster_badge_id:
        return roster_identity(roster_badge_id)
    if parsed.badge_id:
        return BadgeIdentity(_id_key(parsed.badge_id), parsed.badge_id.strip())
    if parsed.token:
        return BadgeIdentity(f"token:{parsed.token.strip().lower()}", parsed.token.strip())
    email = parsed.contact.email.strip().lower()
    if email:
        return BadgeIdentity(f"email:{email}", "")
    # A badge with neither id nor email (e.g. a vCard with a name only): the payload itself is
    # its identity; hashed so the key stays short whatever the payload size.
    digest = hashlib.sha256(parsed.raw.strip().encode("utf-8", "surrogatepass")).hexdigest()
    return BadgeIdentity(f"raw:{digest}", "")
