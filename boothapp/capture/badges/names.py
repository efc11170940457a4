"""Turning one printed name into first and last name."""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")


def split_full_name(full: str) -> tuple[str, str]:
    """ "Sean Owen" -> ("Sean", "Owen"); "Ana de la Cruz" keeps particles with the last name.

    A name without spaces (one word, or CJK written without spaces) stays whole as the first
    name, because guessing where a family name ends would corrupt it.
    """
    words = full.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    particles = {"de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von"}
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in particles:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def split_camel_name(joined: str) -> tuple[str, str]:
    """Aptify prints "AieshaAaronson": split at the capital letters, last part is the surname."""
    if " " in joined.strip():
        return split_full_name(joined)
    parts = [p for p in _CAMEL_BOUNDARY.split(joined) if p]
    if len(parts) < 2:
        return joined, ""
    return "".join(parts[:-1]), parts[-1]
