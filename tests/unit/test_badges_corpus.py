"""The payloads of the shared real-badge corpus (ZXing black-box sets) all parse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from boothapp.capture.badges import BadgeFormat, parse_badge

SHARED = Path(
    os.environ.get("BOOTHAPP_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared")
)
CORPUS = SHARED / "corpus" / "badges-real"


def payloads() -> list[tuple[str, str]]:
    if not CORPUS.is_dir():
        return []
    out = []
    for path in sorted(CORPUS.glob("*/*/*")):
        if path.suffix == ".txt":
            out.append((str(path.relative_to(CORPUS)), path.read_text("utf-8", "replace")))
        elif path.suffix == ".bin":
            out.append((str(path.relative_to(CORPUS)), path.read_bytes().decode("latin-1")))
    return out


PAYLOADS = payloads()
pytestmark = pytest.mark.skipif(not PAYLOADS, reason="shared badge corpus not present")


def test_every_corpus_payload_parses_and_keeps_raw() -> None:
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
