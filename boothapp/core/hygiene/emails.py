"""Email syntax checks without the network, and throwaway-address domains."""

from __future__ import annotations

import re

# Local part: the dot-atom of RFC 5322 (no quoted strings: nobody types those at a booth).
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")

DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com",
        "10minutemail.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "sharklasers.com",
        "yopmail.com",
        "tempmail.com",
        "temp-mail.org",
        "trashmail.com",
        "dispostable.com",
        "getnada.com",
        "maildrop.cc",
        "throwawaymail.com",
        "fakeinbox.com",
        "mintemail.com",
        "mohmal.com",
        "emailondeck.com",
    }
)


def normalise_email(email: str) -> str:
    """Trimmed, with the domain lower-cased (the local part is case-sensitive in theory)."""
    value = email.strip()
    if "@" not in value:
        return value
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_problem(email: str) -> str | None:
    """Why ``email`` is not a usable address, or None when it looks fine."""
    if email.count("@") != 1:
        return "must contain exactly one '@'"
    local, domain = email.split("@")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        return f"'{local}' is not a valid name before the '@'"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"'{domain}' is not a valid domain"
    if labels[-1].isdigit() or len(labels[-1]) < 2:
        return f"'{domain}' has no valid top-level domain"
    return None


def is_disposable(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)
