from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from boothapp.reports.columns import ColumnChoice
from boothapp.reports.safety import restore_xlsx_text
from boothapp.reports.xlsx_export import export_xlsx
from tests.unit.exports_cases import EVENT, QUESTIONS, expected_row, tricky_leads


def _normalise(value: object) -> object:
    if isinstance(value, str):
        return restore_xlsx_text(value)
    return value


def test_every_field_round_trips_with_types(tmp_path: Path) -> None:
    leads = tricky_leads()
    path = tmp_path / "leads.xlsx"
    summary = export_xlsx(leads, EVENT, QUESTIONS, path)
    assert summary.rows == len(leads)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(expected_row(leads[0]))
    for lead, row in zip(leads, rows[1:], strict=True):
        got = {h: _normalise(v) for h, v in zip(header, row, strict=True)}
        want = {h: (None if v == "" else v) for h, v in expected_row(lead).items()}
        assert got == want
    first = dict(zip(header, rows[1], strict=True))
    assert first["Captured (Europe/Istanbul)"] == datetime(2026, 3, 11, 0, 30, 5)
    assert isinstance(first["Score"], int) and isinstance(first["Budget (EUR)"], int)
    assert first["Qualified"] is True


def test_formula_looking_text_is_stored_as_text_not_formula(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    export_xlsx(tricky_leads(), EVENT, QUESTIONS, path)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    first_name = header.index("First name") + 1
    evil = ws.cell(row=6, column=first_name)  # lead-4
    assert evil.value == '=HYPERLINK("http://evil.example","click")'
    assert evil.data_type == "s"
    assert evil.quotePrefix is True
    carriage = ws.cell(row=8, column=first_name)  # lead-6, "\rCarriage"
    assert restore_xlsx_text(carriage.value) == "\rCarriage"
    assert carriage.quotePrefix is True
    plain = ws.cell(row=2, column=first_name)
    assert (plain.value, plain.quotePrefix) == ("Ayşe", False)
    phone = ws.cell(row=2, column=header.index("Phone") + 1)
    assert (phone.value, phone.data_type) == ("+44 20 7946 0958", "s")
    for row in ws.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)


def test_sheet_has_frozen_header_filter_widths(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    export_xlsx(tricky_leads(), EVENT, QUESTIONS, path)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "Expo_ Istanbul_2026"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AK8"  # 4 answer-code columns at the end
    assert ws["A1"].font.b is True
    header = [c.value for c in ws[1]]
    raw_col = openpyxl.utils.get_column_letter(header.index("Raw badge payload") + 1)
    assert ws.column_dimensions[raw_col].width >= 20
    captured = ws.cell(row=2, column=2)
    assert captured.is_date and captured.number_format == "yyyy-mm-dd hh:mm:ss"


def test_column_choice_and_order(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    choice = ColumnChoice(("q:interests", "first_name", "please_delete"))
    export_xlsx(tricky_leads(), EVENT, QUESTIONS, path, columns=choice)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("Interests", "First name", "Please delete")
    assert rows[2] == ("Cloud hosting; AI assistant", "Γιώργος", False)
    assert rows[4] == ("Cloud hosting; AI assistant", "小明", True)


def test_unknown_zone_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "leads.xlsx"
    with pytest.raises(ValueError, match="unknown time zone"):
        export_xlsx(tricky_leads(), replace(EVENT, timezone="Mars/Olympus"), QUESTIONS, path)
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_column_letters_and_excel_serials() -> None:
    from boothapp.reports.xlsx_writer import column_letter, excel_serial

    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA"
    ]  # fmt: skip
    assert excel_serial(datetime(1900, 3, 1)) == 61.0  # Excel's own serial for that date
    assert excel_serial(datetime(2026, 3, 11, 12, 0)) == 46092.5


def test_no_leads_gives_a_header_only_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    summary = export_xlsx([], EVENT, QUESTIONS, path)
    ws = openpyxl.load_workbook(path).active
    assert summary.rows == 0
    assert [c.value for c in ws[1]][:2] == ["Lead ID", "Captured (Europe/Istanbul)"]
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:AK1"


def test_a_rows_texts_escaped_together_read_back_cell_by_cell(tmp_path: Path) -> None:
    # The writer escapes a row's texts in one pass, joined by a separator (issue 23): every
    # cell must read back as its own text, an _xHHHH_ lookalike split across two cells stays
    # as it is, and a text holding the separator itself still comes back whole.
    from boothapp.reports.xlsx_writer import _ROW_SEP, XlsxSheetWriter

    rows: list[list[object]] = [
        ["BEGIN:VCARD\r\nN:Ψαρρά\r\nEND", "a & b <c>", "=1+2", "\rCR first", "plain", 7],
        ["ends _x", "0041_ starts", "_x0041_", "gs\x1dsep", "", None],
        [f"holds {_ROW_SEP} it", "\x00nul", "-3", "tab\tkept", "x", True],
    ]
    path = tmp_path / "rows.xlsx"
    with XlsxSheetWriter(path, "Leads", [10.0] * 6) as sheet:
        sheet.header(["a", "b", "c", "d", "e", "f"])
        for row in rows:
            sheet.row(row)  # type: ignore[arg-type]
    ws = openpyxl.load_workbook(path).active
    for want, got in zip(rows, ws.iter_rows(min_row=2), strict=True):
        assert [_normalise(c.value) for c in got] == [None if v == "" else v for v in want]
        for value, cell in zip(want, got, strict=True):
            quoted = isinstance(value, str) and bool(value) and value[0] in "=+-@\t\r"
            assert cell.quotePrefix is quoted, (value, cell.quotePrefix)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_is_raised_from_the_sheets_thread_and_no_thread_is_left() -> None:
    # The sheet is deflated into the zip by a thread of its own (issue 23): a write that
    # fails there (here every write: /dev/full says the disk is full) must reach the
    # exporter as the error it is, and the thread must end, not wait for rows forever.
    import threading

    from boothapp.reports.xlsx_writer import XlsxSheetWriter

    before = threading.active_count()
    with (
        pytest.raises(OSError, match="No space left"),
        XlsxSheetWriter(Path("/dev/full"), "Leads", [10.0] * 3) as sheet,
    ):
        sheet.header(["a", "b", "c"])
        for i in range(20_000):
            sheet.row([f"visitor {i} " * 20, i, "x"])
    assert threading.active_count() == before
