"""Id-only badges, check digits and per-event delimited layouts."""

from __future__ import annotations

import pytest

from boothapp.capture.badges import (
    APTIFY_MAP,
    BadgeFormat,
    CheckDigitRule,
    DelimitedFieldMap,
    parse_badge,
)


def test_twelve_digit_code_with_good_check_digit_has_no_warning() -> None:
    assert parse_badge("036000291452").warnings == ()  # UPC-A, GS1 mod 10


def test_luhn_valid_twelve_digits_pass() -> None:
    from boothapp.capture.badges.ids import luhn_ok

    body = "10000000001"
    good = next(body + d for d in "0123456789" if luhn_ok(body + d))
    assert parse_badge(good).warnings == ()


def test_failing_check_digit_warns_but_still_parses() -> None:
    from boothapp.capture.badges.ids import gs1_ok, luhn_ok

    bad = next(
        f"03600029145{d}"
        for d in "0123456789"
        if not luhn_ok(f"03600029145{d}") and not gs1_ok(f"03600029145{d}")
    )
    parsed = parse_badge(bad)
    assert parsed.format is BadgeFormat.BARE_ID
    assert parsed.needs_lookup
    assert any("check digit" in w for w in parsed.warnings)


def test_check_digit_rule_can_be_turned_off_or_forced() -> None:
    assert parse_badge("036000291453", check_digit=CheckDigitRule.NONE).warnings == ()
    assert parse_badge("79927398713", check_digit=CheckDigitRule.LUHN).warnings == ()
    assert parse_badge("79927398710", check_digit=CheckDigitRule.LUHN).warnings


def test_short_ids_are_not_check_digit_validated_by_default() -> None:
    assert parse_badge("A3F9K2M").warnings == ()
    assert parse_badge("84213").warnings == ()


@pytest.mark.parametrize("raw", ["0", "0000", "000000"])
def test_all_zero_ids_stay_a_zero(raw: str) -> None:
    assert parse_badge(raw).badge_id == "0"


def test_event_field_map_overrides_the_builtin_layouts() -> None:
    layout = DelimitedFieldMap("|", ("email", "badge_id", "name", "company"))
    parsed = parse_badge("lea@example.fr|00731|Léa Martin|Airbus", field_map=layout)
    assert parsed.format is BadgeFormat.DELIMITED
    assert parsed.badge_id == "731"
    assert "00731" in parsed.id_forms
    assert (parsed.contact.first_name, parsed.contact.last_name) == ("Léa", "Martin")
    assert parsed.contact.company == "Airbus"


def test_field_count_mismatch_is_a_warning_not_a_failure() -> None:
    parsed = parse_badge("RX1^Ana^Lopez")
    assert parsed.format is BadgeFormat.DELIMITED
    assert parsed.contact.last_name == "Lopez"
    assert any("expects 10" in w for w in parsed.warnings)


def test_aptify_map_anchors_the_id_at_the_end() -> None:
    parsed = parse_badge("Extra^JohnSmith_Acme^000981", field_map=APTIFY_MAP)
    assert parsed.badge_id == "981"
    assert (parsed.contact.first_name, parsed.contact.last_name) == ("John", "Smith")


def test_invalid_field_map_is_rejected_when_configured() -> None:
    with pytest.raises(ValueError, match="unknown delimited field"):
        DelimitedFieldMap("^", ("badge_id", "shoe_size"))
    with pytest.raises(ValueError, match="delimiter"):
        DelimitedFieldMap("", ("badge_id",))


def test_email_payloads() -> None:
    assert parse_badge("MAILTO:Mary@Co.example").contact.email == "Mary@Co.example"
    parsed = parse_badge("mary.o'neil+expo@co.example")
    assert parsed.format is BadgeFormat.EMAIL
    assert parsed.needs_lookup


def test_field_map_round_trips_through_the_event_configuration() -> None:
    saved = APTIFY_MAP.to_dict()
    assert saved == {"delimiter": "^", "fields": ["name_company", "badge_id"], "anchor_end": True}
    assert DelimitedFieldMap.from_dict(saved) == APTIFY_MAP
    with pytest.raises(ValueError, match="fields"):
        DelimitedFieldMap.from_dict({"delimiter": "^", "fields": "badge_id"})
