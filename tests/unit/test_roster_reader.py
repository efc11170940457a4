"""Roster files as organisers send them, good and broken."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from boothapp.capture.roster import ColumnMapping, RosterError, read_roster


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


CVENT_EXPORT = (
    "Registration ID,First Name,Last Name,Email Address,Company Name,Job Title,Mobile,Country,"
    "Dietary\r\n"
    "000012,Ana,López,ana@example.es,Telefónica,CTO,+34 600 000 001,ES,vegan\r\n"
    '000013,"Jean-Luc","O\'Brien","jl@example.fr","Dupont, Fils & Cie",Buyer,,FR,\r\n'
    "000014,Şükrü,Öztürk,sukru@example.com.tr,Koç,Engineer,,TR,\r\n"
)


def test_reads_rows_with_guessed_mapping_and_extras(tmp_path: Path) -> None:
    result = read_roster(write_csv(tmp_path / "cvent.csv", CVENT_EXPORT), event_id="ev-1")
    assert result.rejected == []
    assert result.delimiter == ","
    assert [a.badge_id for a in result.rows] == ["000012", "000013", "000014"]
    first = result.rows[0]
    assert first.event_id == "ev-1"
    assert first.contact.last_name == "López"
    assert first.contact.company == "Telefónica"
    assert first.contact.phone == "+34 600 000 001"
    assert first.contact.country == "ES"
    assert first.extra == {"Dietary": "vegan"}
    assert result.rows[1].contact.company == "Dupont, Fils & Cie"  # quoted delimiter
    assert len({a.id for a in result.rows}) == 3


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = CVENT_EXPORT.replace('"Dupont, Fils & Cie"', "Dupont Fils").replace(",", delimiter)
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert result.delimiter == delimiter
    assert len(result.rows) == 3


def test_rejected_rows_name_line_and_reason(tmp_path: Path) -> None:
    text = (
        "Badge ID;First name;Last name;E-Mail\n"
        "A1;Ana;López;ana@example.es\n"
        ";Bob;Brown;bob@example.com\n"
        "a1;Ana;Again;ana2@example.es\n"
        "A2;Cem;Kaya;not-an-email\n"
        "\n"
        "A3;Dana;Lee;\n"
    )
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert [a.badge_id for a in result.rows] == ["A1", "A3"]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "missing badge id"),
        (4, "duplicate badge id 'a1' (first on line 2)"),
        (5, "invalid email 'not-an-email'"),
    ]


def test_email_only_roster_uses_the_email_as_key(tmp_path: Path) -> None:
    text = "Name,Email\nMary Smith,Mary@Co.example\nJohn Roe,\n"
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert [a.badge_id for a in result.rows] == ["mary@co.example"]
    assert (result.rows[0].contact.first_name, result.rows[0].contact.last_name) == (
        "Mary",
        "Smith",
    )
    assert result.rejected[0].line == 3


def test_explicit_mapping_is_used_and_checked(tmp_path: Path) -> None:
    text = "Code,Given,Family,Mail\n77,Ana,Lopez,ana@example.es\n"
    path = write_csv(tmp_path / "r.csv", text)
    mapping = ColumnMapping(badge_id="Code", first_name="Given", last_name="Family", email="Mail")
    result = read_roster(path, mapping)
    assert result.rows[0].contact.last_name == "Lopez"
    with pytest.raises(RosterError, match="'Badge' \\(badge_id\\) is not in the file"):
        read_roster(path, ColumnMapping(badge_id="Badge"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\r\n\r\n  \r\n", "the file is empty"),
        ("header_only.csv", b"Badge ID,Name,Email\r\n", "has a header but no attendee rows"),
        ("header_blank_rows.csv", b"Badge ID,Name\r\n,\r\n\r\n", "has a header but no attendee"),
        ("no_id.csv", b"Name,Company\r\nAna,Acme\r\n", r"no badge id column \(and no email"),
        ("no_header.csv", b"12,Ana,ana@example.es\r\n13,Bob,b@x.io\r\n", "no header line"),
        ("garbage.csv", os.urandom(2048).replace(b"\x00", b"") + b"\x00\x01\x02", "binary"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a CSV, XLSX, XLS or ODS file"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "not a readable workbook"),
        ("fake.xlsx", b"Badge ID,Name\r\n1,Ana\r\n", "not a spreadsheet workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "not a readable workbook"),
        ("all_bad.csv", b"Badge ID,Email\r\n,a@b.co\r\n", "none of the 1 rows could be imported"),
    ],
)
def test_broken_files_give_clear_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterError, match=message) as info:
        read_roster(path)
    assert name in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="file not found"):
        read_roster(tmp_path / "nope.csv")


def test_unbalanced_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    # csv in non-strict mode swallows the rest of the file into one field: the import is
    # refused, naming the line where the quote opened, instead of losing the rows after it.
    text = 'Badge ID,Name,Email\n1,Ana,ana@example.es\n2,"Bob,bob@example.com\n3,Cy,c@example.com\n'
    with pytest.raises(RosterError, match=r"^r\.csv: line 3: a quote opened here is not closed"):
        read_roster(write_csv(tmp_path / "r.csv", text))


def test_unclosed_quote_swallowing_many_rows_is_refused(tmp_path: Path) -> None:
    rows = [f"{i},Name{i},n{i}@example.com" for i in range(2, 203)]
    text = (
        'Badge ID,Name,Email\n1,"Ann,ann@example.com\n' + "\n".join(rows) + '\n203,"Zed",z@x.com\n'
    )
    with pytest.raises(RosterError, match=r"line 2: a quote opened here .* over 203 lines"):
        read_roster(write_csv(tmp_path / "r.csv", text))


def test_a_quoted_address_over_two_lines_is_kept(tmp_path: Path) -> None:
    text = 'Badge ID,Name,Address\n1,Ana,"Calle Mayor 1\n28013 Madrid"\n2,Bob,Main St\n'
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert result.rows[0].extra["Address"] == "Calle Mayor 1\n28013 Madrid"
    assert [a.badge_id for a in result.rows] == ["1", "2"]


def make_xlsx(path: Path, rows: list[list[object]], title: str = "Attendees") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_roster(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "r.xlsx",
        [
            [None],
            ["Barcode", "Vorname", "Nachname", "E-Mail", "Firma"],
            [12, "Jürgen", "Groß", "jg@example.de", "Bosch"],
            ["000013", "Γιώργος", "Παπαδόπουλος", None, "ΟΤΕ"],
            [12.0, "Dup", "Row", None, None],
        ],
    )
    result = read_roster(path)
    assert result.encoding == "xlsx"
    assert [a.badge_id for a in result.rows] == ["12", "000013"]
    assert result.rows[1].contact.first_name == "Γιώργος"
    assert [(r.line, r.reason[:18]) for r in result.rejected] == [(5, "duplicate badge id")]


def test_xlsx_with_no_rows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(RosterError, match="first sheet is empty"):
        read_roster(path)
    path = make_xlsx(tmp_path / "header.xlsx", [["Badge ID", "Email"]])
    with pytest.raises(RosterError, match="header but no attendee rows"):
        read_roster(path)


def test_hundred_thousand_rows_read_fast(tmp_path: Path) -> None:
    lines = ["Badge ID;First name;Last name;Email;Company"]
    lines += [f"{i:06d};Ayşe{i};Yılmaz;user{i}@example.com;Koç" for i in range(100_000)]
    path = write_csv(tmp_path / "big.csv", "\n".join(lines) + "\n", "utf-8-sig")
    start = time.process_time()  # own CPU, not the load of a shared CI box
    result = read_roster(path)
    elapsed = time.process_time() - start
    assert len(result.rows) == 100_000
    assert elapsed < 5.0, f"100k rows took {elapsed:.2f}s"


def test_padded_and_unpadded_ids_are_the_same_attendee(tmp_path: Path) -> None:
    text = "Badge ID,Name\n000012,Ana Lopez\n12,Ana L.\n"
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert [a.badge_id for a in result.rows] == ["000012"]
    assert result.rejected[0].reason == "duplicate badge id '12' (first on line 2)"


def test_excel_sep_line_sets_the_delimiter(tmp_path: Path) -> None:
    text = "sep=|\r\nBadge ID|Name|Notes\r\n7|Ana Lopez|likes, commas; and semicolons\r\n"
    result = read_roster(write_csv(tmp_path / "r.csv", text))
    assert result.delimiter == "|"
    assert result.rows[0].extra == {"Notes": "likes, commas; and semicolons"}
    assert result.rows[0].contact.last_name == "Lopez"


def test_progress_is_reported_on_big_rosters(tmp_path: Path) -> None:
    lines = ["Badge ID,Email"] + [f"{i},u{i}@example.com" for i in range(12_000)]
    seen: list[int] = []
    read_roster(write_csv(tmp_path / "r.csv", "\n".join(lines)), on_progress=seen.append)
    assert seen == [5_000, 10_000]
