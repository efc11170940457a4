"""vCard 2.1 / 3.0 / 4.0 as vendors print them: folding, escapes, QP, charsets, scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.capture.badges import BadgeFormat, parse_badge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "badges"


def parse_fixture(name: str):  # type: ignore[no-untyped-def]
    raw = (FIXTURES / name).read_bytes().decode("utf-8")
    parsed = parse_badge(raw)
    assert parsed.raw == raw
    assert parsed.format is BadgeFormat.VCARD
    assert parsed.warnings == ()
    return parsed


def test_vcard21_quoted_printable_utf8_turkish_with_soft_break() -> None:
    c = parse_fixture("vcard21_qp_utf8_turkish.vcf").contact
    assert (c.first_name, c.last_name) == ("Şükrü", "Öztürk")
    assert c.company == "Doğan Holding A.Ş."  # first ORG component only
    assert c.title == "Satin Alma Muduru"
    assert c.phone == "+90 212 555 02 02"  # WORK preferred over HOME and CELL
    assert c.email == "sukru.ozturk@doganholding.com.tr"
    assert (c.city, c.country) == ("İstanbul", "Türkiye")


def test_vcard21_iso_8859_7_greek() -> None:
    c = parse_fixture("vcard21_qp_iso8859_7_greek.vcf").contact
    assert (c.first_name, c.last_name) == ("Γιώργος", "Παπαδόπουλος")
    assert c.company == "Οργανισμός Τηλεπικοινωνιών"
    assert c.phone == "+30 694 555 1234"  # CELL when there is no WORK number
    assert c.email == "g.papadopoulos@ote.gr"


def test_vcard21_windows_1254_turkish() -> None:
    c = parse_fixture("vcard21_qp_windows1254_turkish.vcf").contact
    assert (c.first_name, c.last_name) == ("Ayşe Gül", "Yılmaz")
    assert c.title == "Genel Müdür"


def test_vcard21_windows_1256_persian() -> None:
    c = parse_fixture("vcard21_qp_windows1256_persian.vcf").contact
    assert (c.first_name, c.last_name) == ("علي", "رضايي")
    assert c.company == "شرکت نفت پارس"


def test_vcard30_folding_escapes_groups_and_types() -> None:
    c = parse_fixture("vcard30_folded_escaped.vcf").contact
    # N wins over FN; the additional name joins the given name.
    assert (c.first_name, c.last_name) == ("Mary Ann", "O'Neil")
    assert c.company == "Smith, Jones & Co."  # escaped comma kept, unescaped ; splits units
    assert c.title == "VP, Strategic Partnerships"  # folded line joined without the space
    assert c.email == "mary.oneil@sjco.example"  # grouped item1.EMAIL
    assert c.phone == "+1 617 555 0199"  # CELL beats HOME
    assert (c.city, c.country) == ("Boston", "USA")
    assert c.website == "https://sjco.example/team/mary"


def test_vcard40_utf8_chinese_with_tel_uri() -> None:
    c = parse_fixture("vcard40_utf8_chinese.vcf").contact
    assert (c.first_name, c.last_name) == ("小明", "王")
    assert c.company == "华为技术有限公司"
    assert c.title == "产品经理"
    assert c.phone == "+86-755-2878-0808"
    assert (c.city, c.country) == ("深圳", "中国")


def test_vcard30_persian_utf8() -> None:
    c = parse_fixture("vcard30_greek_persian_utf8.vcf").contact
    assert (c.first_name, c.last_name) == ("مریم", "حسینی")
    assert c.company == "ایران خودرو"


def test_vcard_fn_only_greek_is_split() -> None:
    c = parse_fixture("vcard30_fn_only_lf.vcf").contact
    assert (c.first_name, c.last_name) == ("Ελένη", "Κωνσταντίνου")


def test_vcard21_fold_keeps_the_whitespace() -> None:
    raw = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nTITLE:Head of\r\n Sales\r\nEND:VCARD"
    assert parse_badge(raw).contact.title == "Head of Sales"


def test_vcard30_tab_fold_is_removed() -> None:
    raw = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane\r\nORG:Acme Wid\r\n\tgets\r\nEND:VCARD"
    assert parse_badge(raw).contact.company == "Acme Widgets"


def test_mojibake_utf8_with_charset_is_repaired() -> None:
    # A scanner that decoded UTF-8 bytes as Latin-1 hands over "ÅžÃ¼krÃ¼".
    mojibake = "Öztürk;Şükrü".encode().decode("latin-1")
    raw = f"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8:{mojibake}\nEND:VCARD"
    c = parse_badge(raw).contact
    assert (c.first_name, c.last_name) == ("Şükrü", "Öztürk")


@pytest.mark.parametrize(
    ("n_line", "first", "last"),
    [
        ("N:Yılmaz;Şükrü;;;", "Şükrü", "Yılmaz"),
        ("N:Παπαδοπούλου;Αικατερίνη;;;", "Αικατερίνη", "Παπαδοπούλου"),
        ("N:رضایی;علی;;;", "علی", "رضایی"),
        ("N:张;伟;;;", "伟", "张"),
    ],
)
def test_utf8_names_in_four_scripts(n_line: str, first: str, last: str) -> None:
    raw = f"BEGIN:VCARD\r\nVERSION:3.0\r\n{n_line}\r\nEND:VCARD\r\n"
    parsed = parse_badge(raw)
    assert (parsed.contact.first_name, parsed.contact.last_name) == (first, last)


def test_unknown_charset_and_bad_qp_do_not_raise() -> None:
    raw = "BEGIN:VCARD\nN;CHARSET=X-KLINGON;ENCODING=QUOTED-PRINTABLE:D=FCrer;Hans\nEND:VCARD"
    parsed = parse_badge(raw)
    assert parsed.format is BadgeFormat.VCARD
    assert parsed.contact.first_name == "Hans"
    assert any("CHARSET" in w for w in parsed.warnings)


def test_second_vcard_in_one_payload_is_ignored_with_a_warning() -> None:
    one = "BEGIN:VCARD\nN:Doe;Jane\nEND:VCARD\n"
    parsed = parse_badge(one.replace("END:VCARD\n", "") + one.replace("Jane", "John"))
    assert parsed.contact.first_name == "Jane"
    assert any("more than one" in w for w in parsed.warnings)


def test_qp_value_with_literal_unicode_keeps_it() -> None:
    raw = (
        "BEGIN:VCARD\nVERSION:2.1\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gre=C3=A9n;Zoë\nEND:VCARD"
    )
    c = parse_badge(raw).contact
    assert (c.first_name, c.last_name) == ("Zoë", "Greén")
