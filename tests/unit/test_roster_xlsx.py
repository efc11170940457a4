"""The spreadsheet reader (python-calamine) on what Excel really writes, and its limits."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from boothapp.capture.roster import RosterError, read_roster
from boothapp.capture.roster.spreadsheet import spreadsheet_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# What Excel writes: shared strings (one rich-text with a phonetic hint), numbers as
# "12" / "13.0" / "1.4E+1", a boolean, an error, a skipped column and a skipped row.
SHARED = f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{MAIN}" count="6" uniqueCount="6">
<si><t>Badge ID</t></si><si><t>First name</t></si><si><t>Email</t></si>
<si><r><rPr><b/></rPr><t>Şük</t></r><r><t>rü</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>
<si><t xml:space="preserve">Γιώργος </t></si><si><t>VIP</t></si>
</sst>"""
SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>
<c r="E1" t="s"><v>5</v></c></row>
<row r="2"><c r="A2"><v>12</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" t="str"><v>a@b.co</v></c>
<c r="E2" t="b"><v>1</v></c></row>
<row r="4"><c r="A4"><v>13.0</v></c><c r="B4" t="s"><v>4</v></c>
<c r="C4" t="e"><v>#N/A</v></c></row>
<row r="5"><c r="A5"><v>1.4E+1</v></c><c r="B5" t="inlineStr"><is><t>王</t></is></c></row>
</sheetData></worksheet>"""


def excel_like(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Teilnehmer" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", SHEET)
        z.writestr("xl/sharedStrings.xml", SHARED)
    return path


def test_reader_reads_excel_cells(tmp_path: Path) -> None:
    rows = [(line, cells) for line, cells in spreadsheet_rows(excel_like(tmp_path / "r.xlsx"))]
    assert rows == [
        (1, ["Badge ID", "First name", "Email", "", "VIP"]),
        (2, ["12", "Şükrü", "a@b.co", "", "TRUE"]),
        (3, ["", "", "", "", ""]),
        (4, ["13", "Γιώργος ", "", "", ""]),
        (5, ["14", "王", "", "", ""]),
    ]


def test_roster_import_from_excel_file(tmp_path: Path) -> None:
    result = read_roster(excel_like(tmp_path / "r.xlsx"))
    assert [a.badge_id for a in result.rows] == ["12", "13", "14"]
    assert result.rows[0].contact.first_name == "Şükrü"
    assert result.rows[0].extra == {"VIP": "TRUE"}
    assert result.rows[2].contact.first_name == "王"


def test_openpyxl_written_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Badge ID", "Ad", "Soyad", "E-posta"])
    sheet.append([1001, "Ayşe", "Yılmaz", "ayse@example.com.tr"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert list(spreadsheet_rows(path))[1] == (2, ["1001", "Ayşe", "Yılmaz", "ayse@example.com.tr"])
    assert read_roster(path).rows[0].contact.last_name == "Yılmaz"


def test_broken_zip_inside_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    with pytest.raises(RosterError, match=r"broken\.xlsx: not a readable workbook"):
        read_roster(path)


def test_column_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    # Issue #18 finding 2: one cell at column ZZZZZZ made the old reader pad the row for 35 s
    # and 5 GB; calamine would abort the process allocating the grid.
    import tests.unit.test_roster_xlsx as this

    sheet = SHEET.replace("</row>", '<c r="ZZZZZZ1" t="s"><v>5</v></c></row>', 1)
    path = tmp_path / "bomb.xlsx"
    original = this.SHEET
    this.SHEET = sheet
    try:
        excel_like(path)
    finally:
        this.SHEET = original
    with pytest.raises(
        RosterError, match=r"^bomb\.xlsx: sheet sheet1\.xml: cell ZZZZZZ1 is in column"
    ):
        read_roster(path)


def test_broken_shared_strings_is_a_clear_error(tmp_path: Path) -> None:
    import tests.unit.test_roster_xlsx as this

    original = this.SHARED
    this.SHARED = SHARED[:200]
    try:
        path = excel_like(tmp_path / "sst.xlsx")
    finally:
        this.SHARED = original
    with pytest.raises(RosterError, match=r"^sst\.xlsx: not a readable workbook \(.*\)$"):
        read_roster(path)


def test_ods_roster(tmp_path: Path) -> None:
    path = tmp_path / "r.ods"
    write_ods(path, [["Badge ID", "Ad", "E-posta"], ["7", "Ayşe", "ayse@example.com.tr"]])
    result = read_roster(path)
    assert result.encoding == "ods"
    assert (result.rows[0].badge_id, result.rows[0].contact.first_name) == ("7", "Ayşe")


def test_ods_row_repeated_past_the_area_limit_is_refused(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "rows.ods", [["Badge ID", "Ad"], ["7", "Ayşe"]])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b'<table:table-row><table:table-cell office:value-type="string"><text:p>7',
        b'<table:table-row table:number-rows-repeated="50000000"><table:table-cell '
        b'office:value-type="string"><text:p>7',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(RosterError, match=r"^rows\.ods: row 2: the sheet's values reach "
                       r"50,000,001 rows x 2 columns"):  # fmt: skip
        read_roster(path)


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet as LibreOffice writes it (mimetype first, stored)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row
        )
        + '<table:table-cell table:number-columns-repeated="1021"/></table:table-row>'
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
        f'<office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
        'type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)  # fmt: skip
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_one_cell_far_down_is_sized_from_a1(tmp_path: Path) -> None:
    # The rows are handed on from A1, so a lone cell at J900000 is a 9-million-cell grid.
    import tests.unit.test_roster_xlsx as this

    original = this.SHEET
    this.SHEET = SHEET.replace(
        "</sheetData>", '<row r="900000"><c r="J900000"><v>1</v></c></row></sheetData>'
    )
    try:
        path = excel_like(tmp_path / "far.xlsx")
    finally:
        this.SHEET = original
    with pytest.raises(RosterError, match=r"cell J900000: the sheet reaches 900,000 rows x 10 "):
        read_roster(path)
