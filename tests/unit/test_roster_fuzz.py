"""Whatever bytes a "roster" file holds, the import answers with rows or a RosterError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from boothapp.capture.roster import RosterError, read_roster

GOOD = (
    "Badge ID;First name;Last name;Email\r\n"
    "000012;Şükrü;Öztürk;sukru@example.com.tr\r\n"
    '000013;"Ana; Maria";López;ana@example.es\r\n'
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1254", "cp1253", "cp1256", "cp1252"]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    encoding = draw(st.sampled_from(ENCODINGS))
    data = bytearray(GOOD.encode(encoding, "replace"))
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(data)))
        piece = draw(st.binary(min_size=1, max_size=6))
        if draw(st.booleans()):
            data[pos:pos] = piece
        else:
            del data[pos : pos + len(piece)]
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(st.one_of(damaged(), st.binary(max_size=400)), st.sampled_from([".csv", ".txt", ".xlsx"]))
def test_import_never_fails_with_anything_but_a_roster_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{suffix}"
        path.write_bytes(data)
        try:
            result = read_roster(path)
        except RosterError as exc:
            assert str(exc).startswith("roster")  # names the file
            return
        assert result.rows
        assert all(a.badge_id for a in result.rows)
