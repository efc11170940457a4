"""Clean and check a contact before routing: bad data routes leads to the wrong rep."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.hygiene.emails import email_problem, is_disposable, normalise_email
from boothapp.core.hygiene.junk import junk_name_reason, junk_phone_reason
from boothapp.core.hygiene.phones import parse_phone, to_e164
from boothapp.core.hygiene.timezones import timezone_for
from boothapp.core.models import Contact


class IssueCode(enum.StrEnum):
    INVALID_EMAIL = "invalid_email"
    DISPOSABLE_EMAIL = "disposable_email"
    INVALID_PHONE = "invalid_phone"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    PLACEHOLDER_NAME = "placeholder_name"
    JUNK_PHONE = "junk_phone"


# These mean "someone typed rubbish", so the record is flagged for the "please delete" review.
JUNK_CODES = frozenset(
    {IssueCode.DISPOSABLE_EMAIL, IssueCode.PLACEHOLDER_NAME, IssueCode.JUNK_PHONE}
)


@dataclass(frozen=True, slots=True)
class HygieneIssue:
    field: str
    code: IssueCode
    message: str


@dataclass(frozen=True, slots=True)
class CleanResult:
    contact: Contact
    issues: tuple[HygieneIssue, ...]
    junk: bool


def clean_contact(contact: Contact, default_region: str) -> CleanResult:
    """Normalise what can be normalised and report the rest; values are never dropped.

    ``default_region`` is the event's country, used for phone numbers typed without "+".
    """
    issues: list[HygieneIssue] = []
    changes: dict[str, str] = {}

    reason = junk_name_reason(contact.first_name, contact.last_name)
    if reason:
        issues.append(HygieneIssue("name", IssueCode.PLACEHOLDER_NAME, reason))

    if contact.email.strip():
        email = normalise_email(contact.email)
        changes["email"] = email
        problem = email_problem(email)
        if problem:
            issues.append(HygieneIssue("email", IssueCode.INVALID_EMAIL, f"{email!r}: {problem}"))
        elif is_disposable(email):
            message = f"'{email}' is a throwaway address"
            issues.append(HygieneIssue("email", IssueCode.DISPOSABLE_EMAIL, message))

    country = contact.country
    if contact.country.strip():
        code = normalise_country(contact.country)
        if code is None:
            message = f"'{contact.country}' is not a country we know"
            issues.append(HygieneIssue("country", IssueCode.UNKNOWN_COUNTRY, message))
        else:
            country = code
            changes["country"] = code

    if contact.phone.strip():
        # The contact's own country beats the event's for numbers typed without "+".
        region = country if len(country) == 2 else default_region
        # Read once for both checks: the junk test reads only numbers with a "+", which
        # read the same in any region.
        parsed = parse_phone(contact.phone, region)
        junk_reason = junk_phone_reason(contact.phone, parsed)
        if junk_reason:
            issues.append(HygieneIssue("phone", IssueCode.JUNK_PHONE, junk_reason))
        else:
            phone = to_e164(contact.phone, region, parsed)
            changes["phone"] = phone.value
            if phone.problem:
                issues.append(HygieneIssue("phone", IssueCode.INVALID_PHONE, phone.problem))

    if not contact.timezone and len(country) == 2:
        zone = timezone_for(country, contact.city)
        if zone:
            changes["timezone"] = zone
        else:
            where = f"{contact.city}, {country}" if contact.city else country
            message = f"cannot tell the time zone for {where}; add the city"
            issues.append(HygieneIssue("timezone", IssueCode.UNKNOWN_TIMEZONE, message))

    junk = any(issue.code in JUNK_CODES for issue in issues)
    return CleanResult(replace(contact, **changes), tuple(issues), junk)
