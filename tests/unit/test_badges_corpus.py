"""The payloads of the real-badge corpus (ZXing black-box sets, in-repo subset) all parse."""

from __future__ import annotations

from boothapp.capture.badges import BadgeFormat, parse_badge
from tests.helpers.badge_corpus import images, read_payload

PAYLOADS = [(image.payload_file, read_payload(image.payload_file)) for image in images()]


def test_every_corpus_payload_parses_and_keeps_raw() -> None:
    assert len(PAYLOADS) >= 80
    for name, raw in PAYLOADS:
        parsed = parse_badge(raw)
        assert parsed.raw == raw, name
        if parsed.format is BadgeFormat.UNKNOWN:
            assert parsed.warnings, name


def test_corpus_contact_cards_give_names() -> None:
    cards = [
        (n, r)
        for n, r in PAYLOADS
        if r.lstrip().upper().startswith(("BEGIN:VCARD", "MECARD:", "BIZCARD:"))
    ]
    assert cards
    for name, raw in cards:
        parsed = parse_badge(raw)
        assert parsed.format in (BadgeFormat.VCARD, BadgeFormat.MECARD, BadgeFormat.BIZCARD)
        assert parsed.contact.full_name, name


def test_corpus_vcard_sample_fields() -> None:
    raw = dict(PAYLOADS)["qrcode/zxing-qrcode-2/11.txt"]
    c = parse_badge(raw).contact
    assert (c.first_name, c.last_name, c.company) == ("Steve", "Kennedy", "NetTek Ltd")
    assert c.email == "steve@nettek.co.uk"  # the later "EMAIL;IM:MSN:..." is not an email
    assert (c.city, c.country) == ("London", "UK")
