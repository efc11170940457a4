"""Resolving scanned badges against the roster in memory."""

from __future__ import annotations

import time
from pathlib import Path

from boothapp.capture.badges import parse_badge
from boothapp.capture.roster import RosterIndex, read_roster
from boothapp.core.models import Attendee, Contact

ROSTER = (
    "Badge ID,First name,Last name,Email,Company,Token,LinkedIn\n"
    "000012,Aiesha,Aaronson,Aiesha@Danube.example,Danube Partner,,\n"
    "2WBCTIXLFURQT,Mary,Smith,mary@co.example,Acme,,\n"
    "pax001,Léa,Martin,lea@example.fr,Airbus,,\n"
    "7781,Jane,Doe,jane@example.com,Globex,{token},https://www.linkedin.com/in/jane-doe-1a2b3c/\n"
)
TOKEN = "3f6c1d0b8e2a4f7c9b5e1a3d6c8f0b2e4a6c8e0f2b4d6f8a0c2e4a6b8d0f2e4c"


def build(tmp_path: Path) -> RosterIndex:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER.format(token=TOKEN), encoding="utf-8")
    result = read_roster(path, event_id="ev")
    assert result.mapping.token == "Token"
    assert result.mapping.website == "LinkedIn"
    return RosterIndex(result.rows)


def who(index: RosterIndex, raw: str, **kwargs: object) -> str:
    found = index.resolve(parse_badge(raw, **kwargs))  # type: ignore[arg-type]
    return found.contact.full_name if found else ""


def test_resolve_every_id_only_pattern(tmp_path: Path) -> None:
    index = build(tmp_path)
    assert len(index) == 4
    assert who(index, "000012") == "Aiesha Aaronson"  # Code 39, padded as printed
    assert who(index, "12") == "Aiesha Aaronson"  # padding lost by the scanner
    assert who(index, "AieshaAaronson_DanubePartner^0012") == "Aiesha Aaronson"
    assert who(index, "2WBCTIXLFURQT") == "Mary Smith"
    assert who(index, "2wbctixlfurqt") == "Mary Smith"
    assert who(index, "MECARD:CONF:2WBCTIXLFURQT;N:;TEL:;EMAIL:;TITLE:;ORG:;;") == "Mary Smith"
    assert who(index, "SBpax001", prefixes=("SB",)) == "Léa Martin"
    assert who(index, "MARY@co.example") == "Mary Smith"
    assert who(index, f"https://pg.example.org/t/at/{TOKEN}/") == "Jane Doe"
    assert who(index, TOKEN.upper()) == "Jane Doe"
    assert who(index, "https://linkedin.com/in/Jane-Doe-1a2b3c") == "Jane Doe"
    assert who(index, "https://badges.example.com/scan/7781") == "Jane Doe"


def test_unknown_badges_resolve_to_none(tmp_path: Path) -> None:
    index = build(tmp_path)
    assert who(index, "999999") == ""
    assert who(index, "nobody@example.com") == ""
    assert who(index, "hello world") == ""


def test_lookups_are_sub_millisecond() -> None:
    rows = [
        Attendee(str(i), "ev", f"{i:06d}", Contact(email=f"u{i}@example.com"))
        for i in range(50_000)
    ]
    index = RosterIndex(rows)
    start = time.process_time()  # own CPU, not the load of a shared CI box
    for i in range(0, 50_000, 5):
        assert index.by_badge_id(str(i)) is rows[i]
        assert index.by_email(f"U{i}@EXAMPLE.COM") is rows[i]
    per_lookup_ms = (time.process_time() - start) / 20_000 * 1000
    assert per_lookup_ms < 1.0
