"""Rosters saved by Excel on Turkish, Greek, Persian and Western Windows, and as UTF-16."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.capture.roster import RosterError, read_roster

TURKISH = [
    ("1001", "Şükrü", "Öztürk", "Doğan Holding A.Ş."),
    ("1002", "Ayşe", "Güneş", "Koç Sistem"),
    ("1003", "İbrahim", "Çelik", "Türk Telekom"),
    ("1004", "Gülşen", "Yıldırım", "Ağaoğlu"),
]
GREEK = [
    ("2001", "Γιώργος", "Παπαδόπουλος", "ΟΤΕ Α.Ε."),
    ("2002", "Ελένη", "Κωνσταντίνου", "Εθνική Τράπεζα"),
    ("2003", "Αικατερίνη", "Δημητρίου", "Κωτσόβολος"),
]
# cp1256 predates the Persian yeh/kaf code points; Persian Windows wrote the Arabic ones.
PERSIAN = [
    ("3001", "علي", "رضايي", "شرکت نفت پارس"),
    ("3002", "مريم", "حسيني", "ايران خودرو"),
    ("3003", "پژمان", "چگيني", "گروه صنعتي"),
]
WESTERN = [
    ("4001", "José", "Müller", "Société Générale"),
    ("4002", "François", "Dupré", "Crème & Co"),
    ("4003", "Zoë", "Ångström", "Nestlé"),
]
MIXED = [*TURKISH[:2], *GREEK[:2], ("5001", "小明", "王", "华为"), ("5002", "مریم", "حسینی", "ی")]


def write(path: Path, rows: list[tuple[str, ...]], encoding: str, delimiter: str = ";") -> Path:
    lines = [delimiter.join(("Badge ID", "First name", "Last name", "Company"))]
    lines += [delimiter.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def names(path: Path) -> list[tuple[str, ...]]:
    result = read_roster(path)
    return [
        (a.badge_id, a.contact.first_name, a.contact.last_name, a.contact.company)
        for a in result.rows
    ]


@pytest.mark.parametrize(
    ("rows", "encoding"),
    [(TURKISH, "cp1254"), (GREEK, "cp1253"), (PERSIAN, "cp1256"), (WESTERN, "cp1252")],
)
def test_legacy_code_page_round_trip(tmp_path: Path, rows: list, encoding: str) -> None:
    path = write(tmp_path / "roster.csv", rows, encoding)
    assert names(path) == rows
    assert read_roster(path).encoding == encoding


@pytest.mark.parametrize(
    ("rows", "encoding"), [(TURKISH, "cp1254"), (GREEK, "cp1253"), (PERSIAN, "cp1256")]
)
def test_single_row_legacy_file_is_detected(tmp_path: Path, rows: list, encoding: str) -> None:
    path = write(tmp_path / "one.csv", rows[:1], encoding, delimiter=",")
    assert names(path) == rows[:1]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_round_trip_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "roster.csv", MIXED, encoding, delimiter="\t")
    assert names(path) == MIXED


def test_forced_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "roster.csv", TURKISH, "cp1254")
    with pytest.raises(RosterError, match=r"not in utf-8 \(undecodable bytes on line 2\)"):
        read_roster(path, encoding="utf-8")
    with pytest.raises(RosterError, match="unknown text encoding"):
        read_roster(path, encoding="klingon")


def test_forced_encoding_is_used(tmp_path: Path) -> None:
    path = write(tmp_path / "roster.csv", GREEK, "cp1253")
    assert read_roster(path, encoding="cp1253").rows[0].contact.first_name == "Γιώργος"


def test_broken_bom_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xef\xbb\xbfBadge ID;Name\r\n1;Jos\xe9\r\n")
    with pytest.raises(RosterError, match="byte-order mark"):
        read_roster(path)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("euc-kr", "Badge ID,Name\n1,김민준\n2,이서연\n3,박지훈\n"),
        ("shift_jis", "Badge ID,Name\n1,山田太郎\n2,佐藤花子\n"),
        ("gbk", "Badge ID,Name\n1,王小明\n2,李华\n"),
    ],
)
def test_undetectable_encoding_is_a_clear_error(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "asia.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(RosterError, match=r"cannot tell the text encoding.*save the file as CSV"):
        read_roster(path)
    forced = read_roster(path, encoding=encoding)  # the way out the message points to
    assert forced.rows[0].contact.first_name == text.split("\n")[1].split(",")[1]


def test_initials_and_currency_do_not_confuse_detection(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("Badge ID,Name,Fee\n1,Ş. Öztürk,100 €\n2,Ümit Ünal,–\n".encode("cp1254"))
    assert [a.contact.full_name for a in read_roster(path).rows] == ["Ş. Öztürk", "Ümit Ünal"]


def test_binary_bytes_without_nuls_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(1, 32)) * 50 + b"Badge ID,Name\n1,Ana\n")
    with pytest.raises(RosterError, match="binary data"):
        read_roster(path)


def test_cyrillic_cp1251_roster_is_detected(tmp_path: Path) -> None:
    # Issue #18: Cyrillic was "cannot tell" before charset-normalizer was asked.
    text = (
        "Badge ID;First name;Last name;Company\n1;Дмитрий;Иванов;Газпром\n2;Анна;Смирнова;Яндекс\n"
    )
    path = tmp_path / "ru.csv"
    path.write_bytes(text.encode("cp1251"))
    result = read_roster(path)
    assert result.encoding == "cp1251"
    assert [a.contact.last_name for a in result.rows] == ["Иванов", "Смирнова"]
