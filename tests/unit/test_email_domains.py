"""Each domain's check is remembered (``emails._remember_domains``, issue 23): the verdicts
are email-validator's own, address by address, and a show's addresses cost one domain
check per domain."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from boothapp.core.hygiene.emails import email_problem

_MODULE: Any = sys.modules["email_validator.validate_email"]

ADDRESSES = [
    "ana@example.com",
    "Ana.Ruiz@Example.COM",
    "emre@örnek.com.tr",
    "emre@xn--rnek-zoa.com.tr",
    "μαρία@παράδειγμα.gr",
    "a@exa_mple.com",
    "a@-example.com",
    "a@example..com",
    "a@example.c",
    "a@localhost",
    "a b@example.com",
    "x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 63 + ".com",  # 260 long
    "ana@@example.com",
    "a@" + "b" * 64 + ".com",
]


@contextmanager
def _uncached() -> Iterator[None]:
    cached = _MODULE.validate_email_domain_name
    _MODULE.validate_email_domain_name = cached.__wrapped__
    try:
        yield
    finally:
        _MODULE.validate_email_domain_name = cached


def test_the_library_check_is_remembered_per_domain() -> None:
    check = _MODULE.validate_email_domain_name
    assert hasattr(check, "cache_info"), "email-validator's domain check is not remembered"
    before = check.cache_info()
    for i in range(300):
        assert email_problem(f"visitor{i}@nordwind-{i % 3}.gr") is None
    after = check.cache_info()
    assert after.misses - before.misses <= 3
    assert after.hits - before.hits >= 297


def test_verdicts_are_the_library_own() -> None:
    with _uncached():
        plain = [email_problem(a) for a in ADDRESSES]
    assert plain[0] is None and plain[2] is None and plain[4] is None
    assert all(problem for problem in plain[5:])
    assert [email_problem(a) for a in ADDRESSES] == plain
    # Asked again: the remembered domains give the same answers.
    assert [email_problem(a) for a in ADDRESSES] == plain
