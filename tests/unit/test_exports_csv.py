import csv
from datetime import datetime
from pathlib import Path

import pytest

from boothapp.reports.columns import ColumnChoice, default_choice
from boothapp.reports.csv_export import export_csv
from boothapp.reports.safety import restore_csv_text
from tests.unit.exports_cases import EVENT, QUESTIONS, expected_row, tricky_leads


def _read(path: Path, *, bom: bool, delimiter: str = ",") -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") is bom
    text = raw.decode("utf-8-sig")
    return list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))


def _as_csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@pytest.mark.parametrize("bom", [True, False])
def test_every_field_round_trips(tmp_path: Path, bom: bool) -> None:
    leads = tricky_leads()
    path = tmp_path / "leads.csv"
    summary = export_csv(leads, EVENT, QUESTIONS, path, bom=bom)
    assert summary.rows == len(leads)
    rows = _read(path, bom=bom)
    header = rows[0]
    assert header == list(expected_row(leads[0]))
    assert len(rows) == len(leads) + 1
    for lead, row in zip(leads, rows[1:], strict=True):
        got = {h: restore_csv_text(v) for h, v in zip(header, row, strict=True)}
        want = {h: _as_csv_text(v) for h, v in expected_row(lead).items()}
        assert got == want


def test_formula_looking_cells_are_neutralised_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    export_csv(tricky_leads(), EVENT, QUESTIONS, path)
    rows = _read(path, bom=False)
    header = rows[0]
    by_name = {r[header.index("Lead ID")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    evil = by_name["lead-4"]
    assert evil["First name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil["Last name"] == "'-2+3"
    assert by_name["lead-5"]["First name"] == "'@SUM(A1:A9)"
    assert by_name["lead-5"]["Last name"] == "'\tTabbed"
    assert by_name["lead-6"]["Last name"] == "''=quoted"
    assert by_name["lead-0"]["Phone"] == "'+44 20 7946 0958"
    assert by_name["lead-3"]["Phone"] == "0212 555 0100"
    assert by_name["lead-1"]["Job title"] == "'+Head of IT"
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_chosen_delimiter(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "leads.csv"
    export_csv(tricky_leads(), EVENT, QUESTIONS, path, delimiter=delimiter)
    rows = _read(path, bom=False, delimiter=delimiter)
    assert rows[0][:3] == ["Lead ID", "Captured (Europe/Istanbul)", "First name"]
    assert rows[1][rows[0].index("Company")] == "Öztürk A.Ş."
    assert rows[2][rows[0].index("Company")] == 'Acme; "Quoted", Inc.'


def test_column_choice_sets_columns_and_order(tmp_path: Path) -> None:
    choice = ColumnChoice(("q:budget", "last_name", "captured_at", "phone"))
    restored = ColumnChoice.from_dict(choice.to_dict())
    path = tmp_path / "leads.csv"
    summary = export_csv(tricky_leads(), EVENT, QUESTIONS, path, columns=restored)
    rows = _read(path, bom=False)
    assert summary.columns == ("q:budget", "last_name", "captured_at", "phone")
    assert rows[0] == ["Budget (EUR)", "Last name", "Captured (Europe/Istanbul)", "Phone"]
    # 21:30:05 UTC on 10 March is 00:30:05 on 11 March in Istanbul.
    assert rows[1] == ["25000", "Yılmaz", "2026-03-11 00:30:05", "'+44 20 7946 0958"]


def test_default_choice_lists_every_question_as_its_own_column() -> None:
    ids = default_choice(EVENT, QUESTIONS).column_ids
    assert [i for i in ids if i.startswith("q:")] == ["q:interests", "q:size", "q:budget", "q:when"]
    assert ids.index("raw_payload") < ids.index("q:interests") < ids.index("rating")


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    leads = tricky_leads() * 400  # 2,800 rows
    seen: list[tuple[int, int]] = []
    export_csv(
        leads, EVENT, QUESTIONS, tmp_path / "x.csv", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (1000, 2800)
    assert seen[-1] == (2800, 2800)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bad_input_is_refused_and_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("previous export", encoding="utf-8")
    with pytest.raises(ValueError, match="Unknown export column"):
        export_csv(tricky_leads(), EVENT, QUESTIONS, path, columns=ColumnChoice(("nope",)))
    with pytest.raises(ValueError, match="delimiter"):
        export_csv(tricky_leads(), EVENT, QUESTIONS, path, delimiter="x")
    with pytest.raises(ValueError, match="chosen twice"):
        ColumnChoice(("email", "email"))
    with pytest.raises(ValueError, match="columns"):
        ColumnChoice.from_dict({"columns": "email"})
    assert path.read_text(encoding="utf-8") == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]


def test_failure_mid_export_keeps_the_previous_file(tmp_path: Path) -> None:
    from collections.abc import Iterator

    from boothapp.core.models import Lead
    from boothapp.reports.xlsx_export import export_xlsx

    def leads_then_crash() -> Iterator[Lead]:
        yield from tricky_leads() * 300
        raise OSError("database went away")

    for name, export in (("leads.csv", export_csv), ("leads.xlsx", export_xlsx)):
        path = tmp_path / name
        path.write_bytes(b"previous export")
        with pytest.raises(OSError, match="database went away"):
            export(leads_then_crash(), EVENT, QUESTIONS, path)
        assert path.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv", "leads.xlsx"]


def test_time_cells_read_as_strftime_across_minutes_and_days() -> None:
    """The per-minute memo of the CSV time cells (issue 23) writes what strftime writes."""
    from datetime import timedelta

    from boothapp.reports.columns import ColumnType
    from boothapp.reports.csv_export import CSV_TIME_FORMAT, _column_cell

    cell = _column_cell(ColumnType.DATETIME)
    start = datetime(2026, 12, 31, 23, 58, 57, 999_999)
    moments = [start + timedelta(seconds=s * 7) for s in range(60)]
    moments += moments[::-1]  # the same minutes again, from the memo
    assert [cell(m) for m in moments] == [m.strftime(CSV_TIME_FORMAT) for m in moments]
    assert cell(None) == ""


def test_a_rows_texts_are_searched_together_yet_judged_cell_by_cell(tmp_path: Path) -> None:
    # The writer looks for formula-like cells with one search over a row's texts joined by
    # a mark (issue 23): a mark inside a text followed by "=" is no cell start, and a row
    # whose only formula-like cell is its last text column is still caught.
    from dataclasses import replace

    from boothapp.reports.csv_export import _CELL_START

    plain, last_only = tricky_leads()[2:4]
    plain = replace(plain, notes=f"a{_CELL_START}=b", raw_payload="x", consent_text="ok")
    last_only = replace(last_only, notes="fine", raw_payload="y", consent_text="ok")
    path = tmp_path / "leads.csv"
    cols = ColumnChoice(("first_name", "notes", "company"))
    leads = [plain, replace(last_only, contact=replace(last_only.contact, company="@Evil"))]
    export_csv(leads, EVENT, QUESTIONS, path, columns=cols)
    rows = _read(path, bom=False)
    assert rows[1][1] == f"a{_CELL_START}=b"
    assert rows[2][2] == "'@Evil"
