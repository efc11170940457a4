"""Email syntax checks without the network, and throwaway-address domains.

The syntax is checked by email-validator (issue #18): internationalised domains such as
``örnek.com.tr`` (and their ``xn--`` form) and internationalised local parts (EAI, RFC 6531)
are valid addresses, which the hand-written ASCII rules here refused. No DNS look-up is made:
a booth often has no network.
"""

from __future__ import annotations

import sys
from functools import lru_cache

import email_validator

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


def _remember_domains() -> None:
    """email-validator checks the domain of every address afresh (IDNA and UTS #46 rules,
    character by character): two thirds of a check, while a show's 50,000 addresses have a
    few hundred domains (~1 s of a 50,000-lead demo build's worker, issue 23). That check is
    a function of the domain and two flags alone, which ``validate_email`` looks up by name
    at each call: it is remembered per domain here (a domain it refuses is checked again
    each time, as its error is not kept). A version that moves it is used as it is."""
    module = sys.modules.get("email_validator.validate_email")
    check = getattr(module, "validate_email_domain_name", None)
    if check is not None and not hasattr(check, "cache_info"):
        module.validate_email_domain_name = lru_cache(maxsize=4096)(check)  # type: ignore[union-attr]


_remember_domains()


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
    try:
        valid = email_validator.validate_email(
            email, check_deliverability=False, allow_smtputf8=True, allow_quoted_local=False
        )
    except email_validator.EmailNotValidError as exc:
        return str(exc).rstrip(".")
    # email-validator leaves top-level domains to DNS, which a booth does not ask: a typo
    # such as "example.c" is still caught here.
    tld = valid.ascii_domain.rpartition(".")[2]
    if len(tld) < 2 or tld.isdigit():
        return f"'{email.rpartition('@')[2]}' has no valid top-level domain"
    return None


def is_disposable(email: str) -> bool:
    return _disposable_domain(email.rpartition("@")[2].lower())


@lru_cache(maxsize=4096)
def _disposable_domain(domain: str) -> bool:
    # Per domain: a show's addresses have a few hundred (issue 23).
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)
