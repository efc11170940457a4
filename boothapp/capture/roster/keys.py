"""How badge ids compare: the import's duplicate check and the index agree on this."""

from __future__ import annotations


def normalise_id(badge_id: str) -> str:
    """Case- and zero-padding-insensitive key: "000012" and "12", "ab12" and "AB12" meet.

    Code 39 badges print ids zero-padded (Aptify) while Excel drops the padding of the same
    id in the roster, so both spellings must find the attendee.
    """
    key = badge_id.strip().casefold()
    if key.isascii() and key.isdigit():
        key = key.lstrip("0") or "0"
    return key
