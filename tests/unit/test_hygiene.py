"""Hygiene before routing: phones to E.164, countries, time zones, email checks, junk flags."""

from __future__ import annotations

import pytest

from boothapp.core.hygiene import (
    IssueCode,
    clean_contact,
    normalise_country,
    region_of,
    timezone_for,
)
from boothapp.core.hygiene.junk import junk_phone_reason
from boothapp.core.hygiene.phones import parse_phone
from boothapp.core.models import Contact


@pytest.mark.parametrize(
    ("typed", "country", "event_region", "e164"),
    [
        ("030 1234567", "", "DE", "+49301234567"),
        ("(415) 555-0132", "", "US", "+14155550132"),
        ("020 7946 0958", "", "GB", "+442079460958"),
        ("+33 1 42 68 53 00", "", "DE", "+33142685300"),
        ("03-1234-5678", "Japan", "DE", "+81312345678"),
        ("0212 555 12 34", "Türkiye", "US", "+902125551234"),
        ("(02) 9374 4000", "AU", "DE", "+61293744000"),
        ("011 2345 6789", "Brasil", "DE", "+551123456789"),
        ("0049 89 123456", "", "AT", "+4989123456"),
    ],
)
def test_phones_become_e164(typed: str, country: str, event_region: str, e164: str) -> None:
    result = clean_contact(Contact(phone=typed, country=country), event_region)
    assert result.contact.phone == e164
    assert [i for i in result.issues if i.field == "phone"] == []


@pytest.mark.parametrize("typed", ["+49 123", "+1 555 01", "+1 999 555 0123"])
def test_invalid_phone_is_reported_and_kept(typed: str) -> None:
    result = clean_contact(Contact(phone=typed), "DE")
    assert result.contact.phone == typed.strip()
    (issue,) = result.issues
    assert (issue.field, issue.code) == ("phone", IssueCode.INVALID_PHONE)
    assert typed.strip() in issue.message
    assert not result.junk


@pytest.mark.parametrize(
    "typed", [" +49 5555 5555 ", "+90 212 555 12 34", "+1 999 555 0123", "+800 1234 5678", "+49"]
)
def test_a_number_with_a_plus_is_read_the_same_in_every_region(typed: str) -> None:
    # clean_contact reads a phone once, in the contact's region, for both the E.164 value
    # and the junk test, which reads numbers with a "+" without a region (issue 23).
    alone = junk_phone_reason(typed)
    for region in ("", "DE", "US", "TR", "JP"):
        parsed = parse_phone(typed, region)
        assert repr(parsed) == repr(parse_phone(typed, ""))
        assert junk_phone_reason(typed, parsed) == alone


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("de", "DE"),
        ("United States of America", "US"),
        ("U.S.A.", "US"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Korea, Republic of", "KR"),
        ("Brasil", "BR"),
        ("  france ", "FR"),
        ("日本", "JP"),
    ],
)
def test_countries_become_alpha2(typed: str, code: str) -> None:
    assert normalise_country(typed) == code
    assert clean_contact(Contact(country=typed), "DE").contact.country == code


def test_unknown_country_is_reported_and_kept() -> None:
    result = clean_contact(Contact(country="Atlantis"), "DE")
    assert result.contact.country == "Atlantis"
    assert [(i.field, i.code) for i in result.issues] == [("country", IssueCode.UNKNOWN_COUNTRY)]


@pytest.mark.parametrize(
    ("country", "region"),
    [("DE", "EMEA"), ("AE", "EMEA"), ("ZA", "EMEA"), ("US", "AMER"), ("BR", "AMER"),
     ("JP", "APAC"), ("AU", "APAC"), ("IN", "APAC"), ("RU", "EMEA"), ("AQ", None)],
)  # fmt: skip
def test_regions(country: str, region: str | None) -> None:
    assert region_of(country) == region


@pytest.mark.parametrize(
    ("country", "city", "zone"),
    [
        ("FR", "", "Europe/Paris"),
        ("TR", "Izmir", "Europe/Istanbul"),
        ("DE", "", "Europe/Berlin"),
        ("US", "Chicago", "America/Chicago"),
        ("US", "San Francisco", "America/Los_Angeles"),
        ("US", "new york", "America/New_York"),
        ("CA", "Montréal", "America/Toronto"),
        ("CA", "Vancouver", "America/Vancouver"),
        ("BR", "Rio de Janeiro", "America/Sao_Paulo"),
        ("BR", "Manaus", "America/Manaus"),
        ("AU", "Perth", "Australia/Perth"),
        ("AU", "Canberra", "Australia/Sydney"),
        ("RU", "Novosibirsk", "Asia/Novosibirsk"),
        ("RU", "Saint Petersburg", "Europe/Moscow"),
        ("MX", "Guadalajara", "America/Mexico_City"),
        ("ID", "Bali", "Asia/Makassar"),
        ("US", "", None),
        ("US", "Springfield", None),
    ],
)
def test_time_zone_from_country_or_city(country: str, city: str, zone: str | None) -> None:
    assert timezone_for(country, city) == zone


def test_clean_contact_fills_time_zone_but_keeps_a_given_one() -> None:
    filled = clean_contact(Contact(country="USA", city="Dallas"), "DE")
    assert filled.contact.timezone == "America/Chicago"
    kept = clean_contact(Contact(country="US", city="Dallas", timezone="America/Denver"), "DE")
    assert kept.contact.timezone == "America/Denver"
    unknown = clean_contact(Contact(country="US"), "DE")
    assert unknown.contact.timezone == ""
    assert [(i.code, i.message) for i in unknown.issues] == [
        (IssueCode.UNKNOWN_TIMEZONE, "cannot tell the time zone for US; add the city")
    ]


@pytest.mark.parametrize(
    "email", ["first.last+booth@sub.example.co.uk", "ayse@örnek.com.tr".replace("ö", "o"), "A@B.io"]
)
def test_valid_emails_pass(email: str) -> None:
    result = clean_contact(Contact(email=f"  {email} "), "DE")
    assert result.issues == ()
    assert result.contact.email == email.rpartition("@")[0] + "@" + email.rpartition("@")[2].lower()


@pytest.mark.parametrize(
    "email", ["bad@@example.com", "no-at-sign.example.com", "a@localhost", "a..b@example.com",
              "a@-example.com", "a@example.c", "@example.com", "a b@example.com"],
)  # fmt: skip
def test_invalid_emails_are_reported_and_kept(email: str) -> None:
    result = clean_contact(Contact(email=email), "DE")
    assert result.contact.email == email
    assert [i.code for i in result.issues] == [IssueCode.INVALID_EMAIL]
    assert email in result.issues[0].message


@pytest.mark.parametrize(
    ("contact", "code"),
    [
        (Contact(first_name="Mickey", last_name="Mouse"), IssueCode.PLACEHOLDER_NAME),
        (Contact(first_name="test", last_name="test"), IssueCode.PLACEHOLDER_NAME),
        (Contact(first_name="asdf"), IssueCode.PLACEHOLDER_NAME),
        (Contact(first_name="xxx", last_name="xxx"), IssueCode.PLACEHOLDER_NAME),
        (Contact(first_name="N/A"), IssueCode.PLACEHOLDER_NAME),
        (Contact(first_name="Zzzz", last_name="Qqq"), IssueCode.PLACEHOLDER_NAME),
        (Contact(phone="1234567"), IssueCode.JUNK_PHONE),
        (Contact(phone="0000000"), IssueCode.JUNK_PHONE),
        (Contact(phone="+49 5555 5555"), IssueCode.JUNK_PHONE),
        (Contact(phone="987-6543"), IssueCode.JUNK_PHONE),
        (Contact(email="visitor@mailinator.com"), IssueCode.DISPOSABLE_EMAIL),
        (Contact(email="v@10minutemail.com"), IssueCode.DISPOSABLE_EMAIL),
        (Contact(email="v@guerrillamail.com"), IssueCode.DISPOSABLE_EMAIL),
        (Contact(email="v@YopMail.com"), IssueCode.DISPOSABLE_EMAIL),
        (Contact(email="v@tempmail.com"), IssueCode.DISPOSABLE_EMAIL),
        (Contact(email="v@eu.mailinator.com"), IssueCode.DISPOSABLE_EMAIL),
    ],
)
def test_junk_is_flagged_not_deleted(contact: Contact, code: IssueCode) -> None:
    result = clean_contact(contact, "DE")
    assert result.junk
    assert code in [i.code for i in result.issues]
    # the values stay for the administrator to review
    assert result.contact.first_name == contact.first_name
    assert result.contact.phone == contact.phone
    assert result.contact.email.lower() == contact.email.lower()


@pytest.mark.parametrize(
    "contact",
    [
        Contact("Ayşe", "Yılmaz", "ayse@example.com.tr", "+90 212 555 12 34", country="TR"),
        Contact("Jo", "Li", "jo.li@example.cn", country="China", city="Shanghai"),
        Contact("Testa", "Rossi", "testa@example.it", "06 1234 5678", country="Italia"),
        Contact("Mo", "Al Amin", country="UAE"),
    ],
)
def test_real_people_are_not_junk(contact: Contact) -> None:
    result = clean_contact(contact, "DE")
    assert not result.junk
    assert result.issues == ()


@pytest.mark.parametrize(
    "email",
    ["ayşe@örnek.com.tr", "info@xn--rnek-5qa.com.tr", "şükrü@örnek.com.tr", "用户@例子.广告"],
)
def test_internationalised_addresses_pass(email: str) -> None:
    # Issue #18: IDN domains (.com.tr) and EAI local parts, checked with email-validator.
    result = clean_contact(Contact(email=email), "TR")
    assert result.issues == ()
    assert result.contact.email == email


def test_a_throwaway_domain_is_told_per_domain() -> None:
    # Kept per domain (issue 23): a look-alike or a subdomain gets its own answer.
    from boothapp.core.hygiene.emails import is_disposable

    got = {
        e: is_disposable(e)
        for e in ("a@mailinator.com", "b@notmailinator.com", "c@x.mailinator.com",
                  "d@MAILINATOR.com", "e@mailinator.com.evil.example", "f@example.com")
    }  # fmt: skip
    assert got == {
        "a@mailinator.com": True,
        "b@notmailinator.com": False,
        "c@x.mailinator.com": True,
        "d@MAILINATOR.com": True,
        "e@mailinator.com.evil.example": False,
        "f@example.com": False,
    }
