"""Every payload pattern of BADGES.md, as realistic fixtures, parses to the right contact."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.capture.badges import BadgeFormat, parse_badge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "badges"


def load(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


# fixture -> (format, badge_id, token, needs_lookup, expected contact fields)
CASES: dict[str, tuple[BadgeFormat, str, str, bool, dict[str, str]]] = {
    "mecard_docomo.txt": (
        BadgeFormat.MECARD,
        "",
        "",
        False,
        {
            "first_name": "Sean",
            "last_name": "Owen",
            "phone": "+12125658770",
            "email": "srowen@example.com",
            "company": "Example Corp",
            "city": "New York",
            "country": "USA",
            "website": "https://example.com/sean",
        },
    ),
    "mecard_cvent_conf.txt": (
        BadgeFormat.MECARD,
        "2WBCTIXLFURQT",
        "",
        False,
        {
            "first_name": "Aiesha",
            "last_name": "Aaronson",
            "title": "Partner",
            "company": "Danube Partner",
            "email": "aiesha@danube.example",
        },
    ),
    "mecard_cvent_conf_only.txt": (BadgeFormat.MECARD, "2WBCTIXLFURQT", "", True, {}),
    "mecard_eventmaker_uid.txt": (
        BadgeFormat.MECARD,
        "5f3a9c1e2b7d4e0012ab34cd",
        "",
        False,
        {"first_name": "François", "last_name": "Dupré", "company": "Société Générale"},
    ),
    "bizcard.txt": (
        BadgeFormat.BIZCARD,
        "",
        "",
        False,
        {
            "first_name": "Sean",
            "last_name": "Owen",
            "title": "Software Engineer",
            "company": "Google",
            "phone": "+12125551212",
            "email": "srowen@example.com",
        },
    ),
    "json_badge.json": (
        BadgeFormat.JSON,
        "A-10442",
        "",
        False,
        {
            "first_name": "Priya",
            "last_name": "Natarajan",
            "company": "Infosys",
            "title": "Architect",
            "phone": "+91 80 5555 0101",
        },
    ),
    "json_nested.json": (
        BadgeFormat.JSON,
        "88231",
        "",
        False,
        {"first_name": "Lars Ingrid", "last_name": "Jensen", "company": "Maersk"},
    ),
    "cvent_caret.txt": (
        BadgeFormat.DELIMITED,
        "2WBCTIXLFURQT",
        "",
        False,
        {
            "first_name": "Mary",
            "last_name": "Smith",
            "email": "mary@co.example",
            "title": "CTO",
            "company": "Acme Corp",
            "city": "Austin",
            "phone": "+1 512 555 0100",
        },
    ),
    "cvent_pipe.txt": (
        BadgeFormat.DELIMITED,
        "RX7QK2",
        "",
        False,
        {"first_name": "Jonas", "company": "Volvo Cars", "city": "Göteborg"},
    ),
    "cvent_asterisk.txt": (
        BadgeFormat.DELIMITED,
        "RX7QK3",
        "",
        False,
        {"first_name": "Ayşe", "last_name": "Güneş", "company": "Koç"},
    ),
    "cvent_percent.txt": (
        BadgeFormat.DELIMITED,
        "RX7QK4",
        "",
        False,
        {"first_name": "Nikos", "company": "Ελληνικά Πετρέλαια"},
    ),
    "devoxx_double_colon.txt": (
        BadgeFormat.DELIMITED,
        "1234567",
        "",
        False,
        {
            "first_name": "Tom",
            "last_name": "Janssens",
            "company": "Devoxx BV",
            "email": "tom.janssens@example.be",
        },
    ),
    "aptify_caret_id_last.txt": (
        BadgeFormat.DELIMITED,
        "2427",
        "",
        False,
        {"first_name": "Aiesha", "last_name": "Aaronson", "company": "DanubePartner"},
    ),
    "code39_padded.txt": (BadgeFormat.BARE_ID, "12", "", True, {}),
    "cvent_reference_only.txt": (BadgeFormat.BARE_ID, "2WBCTIXLFURQT", "", True, {}),
    "cvent_email_only.txt": (BadgeFormat.EMAIL, "", "", True, {"email": "mary@co.example"}),
    "pgeu_token_url.txt": (
        BadgeFormat.URL,
        "",
        "3f6c1d0b8e2a4f7c9b5e1a3d6c8f0b2e4a6c8e0f2b4d6f8a0c2e4a6b8d0f2e4c",
        True,
        {},
    ),
    "pgeu_bare_token.txt": (
        BadgeFormat.BARE_ID,
        "",
        "3f6c1d0b8e2a4f7c9b5e1a3d6c8f0b2e4a6c8e0f2b4d6f8a0c2e4a6b8d0f2e4c",
        True,
        {},
    ),
    "scan_path_url.txt": (BadgeFormat.URL, "A3F9K2M", "", True, {}),
    "query_id_url.txt": (BadgeFormat.URL, "4521", "", True, {}),
    "linkedin_url.txt": (
        BadgeFormat.URL,
        "",
        "",
        True,
        {"website": "https://www.linkedin.com/in/jane-doe-1a2b3c"},
    ),
    "breizhcamp_check_digit.txt": (BadgeFormat.BARE_ID, "36000291452", "", True, {}),
    "opaque_integer.txt": (BadgeFormat.BARE_ID, "84213", "", True, {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_parses_to_expected_contact(name: str) -> None:
    raw = load(name)
    fmt, badge_id, token, needs_lookup, contact = CASES[name]
    parsed = parse_badge(raw)
    assert parsed.raw == raw
    assert parsed.format is fmt
    assert parsed.badge_id == badge_id
    assert parsed.token == token
    assert parsed.needs_lookup is needs_lookup
    for field_name, value in contact.items():
        assert getattr(parsed.contact, field_name) == value, field_name


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if not p.name.startswith("vcard")}
    on_disk.discard("spotme_prefixed.txt")  # needs a configured prefix: tested below
    assert on_disk == set(CASES)


def test_spotme_prefix_is_stripped_only_when_configured() -> None:
    raw = load("spotme_prefixed.txt")
    configured = parse_badge(raw, prefixes=("SB",))
    assert configured.format is BadgeFormat.PREFIXED_ID
    assert configured.badge_id == "pax001"
    assert configured.needs_lookup
    assert "SBpax001" in configured.id_forms
    plain = parse_badge(raw)
    assert plain.format is BadgeFormat.BARE_ID
    assert plain.badge_id == "SBpax001"


def test_padded_code39_id_keeps_both_forms_for_lookup() -> None:
    parsed = parse_badge("000012")
    assert parsed.badge_id == "12"
    assert parsed.id_forms == ("12", "000012")


def test_mecard_first_value_wins_and_escapes_are_undone() -> None:
    parsed = parse_badge(r"MECARD:N:Owen,Sean;ORG:Smith\, Jones\; Co;ORG:Other;NOTE:a\:b;;")
    assert parsed.contact.company == "Smith, Jones; Co"
    assert any("ORG" in w for w in parsed.warnings)


def test_mecard_without_comma_is_a_full_name() -> None:
    parsed = parse_badge("MECARD:N:Sean Owen;TEL:+12125658770;EMAIL:srowen@google.com;;")
    assert (parsed.contact.first_name, parsed.contact.last_name) == ("Sean", "Owen")


def test_lowercase_prefixes_and_scanner_noise_are_tolerated() -> None:
    raw = "\x1e\x04mecard:N:Doe,Jane;EMAIL:jane@example.com;;\r\n"
    parsed = parse_badge(raw)
    assert parsed.format is BadgeFormat.MECARD
    assert parsed.contact.first_name == "Jane"
    assert parsed.raw == raw


def test_url_with_check_in_token_warns() -> None:
    parsed = parse_badge("https://pg.example.org/t/id/" + "ab" * 32 + "/")
    assert parsed.token == "ab" * 32
    assert any("check-in" in w for w in parsed.warnings)


def test_plain_homepage_url_becomes_the_website() -> None:
    parsed = parse_badge("https://www.acme.example/")
    assert parsed.format is BadgeFormat.URL
    assert parsed.contact.website == "https://www.acme.example/"
    assert not parsed.needs_lookup
    assert parsed.warnings


def test_luma_style_ticket_query_token() -> None:
    parsed = parse_badge("https://lu.ma/check-in/evt-Xy12?pk=g-8Hq2LmP0")
    assert parsed.token == "g-8Hq2LmP0"
    assert parsed.needs_lookup


@pytest.mark.parametrize(
    ("raw", "warning_part"),
    [
        ("", "empty"),
        ("   \r\n", "empty"),
        ('{"id": 1,', "malformed JSON"),
        ("[1, 2, 3]", "no object"),
        ("Jane Doe, Acme", "free text"),
        ("U2FsdGVkX1+5Zk3Jd9p0Q2lK8s7xQ==:garbled", "unrecognised"),
    ],
)
def test_unreadable_payloads_are_unknown_with_raw_kept(raw: str, warning_part: str) -> None:
    parsed = parse_badge(raw)
    assert parsed.format is BadgeFormat.UNKNOWN
    assert parsed.raw == raw
    assert not parsed.needs_lookup
    assert any(warning_part in w for w in parsed.warnings)


def test_truncated_vcard_still_gives_the_name_and_a_warning() -> None:
    parsed = parse_badge("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane\r\nEMAIL:jane@exa")
    assert parsed.format is BadgeFormat.VCARD
    assert parsed.contact.last_name == "Doe"
    assert any("END:VCARD" in w for w in parsed.warnings)
