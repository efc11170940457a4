"""Event manager verbs end to end on real files: roster import, export, report, lead sheet."""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfReader

from boothapp.app import build_context


def _event_with_leads(cli, data_dir: Path) -> str:  # type: ignore[no-untyped-def]
    cli("event", "create", "--name", "Istanbul Fair", "--timezone", "Europe/Istanbul",
        "--country", "TR")  # fmt: skip
    roster = data_dir.parent / "roster.csv"
    roster.write_bytes(
        "Kayıt No;Ad;Soyad;E-posta;Şirket\n"
        "12;Ayşe;Yılmaz;ayse@anadolu.com.tr;Anadolu A.Ş.\n"
        "13;Çağrı;Öztürk;cagri@ornek.com.tr;Örnek Ltd\n"
        "13;Dup;Row;dup@x.tr;X\n"
        ";No;Id;noid@x.tr;Y\n".encode("cp1254")
    )
    run = cli("import", str(roster), "--event", "Istanbul Fair")
    assert run.code == 0, run.err
    assert "2 attendees added" in run.out and "2 rows rejected" in run.out
    assert "line 4" in run.err and "line 5" in run.err  # the duplicate and the missing id
    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.find_event("Istanbul Fair")
        for payload in ("12", "000013", '=HYPERLINK("http://evil")'):
            ctx.leads.capture_scan(event.id, payload)
        return event.id
    finally:
        ctx.close()


def test_roster_import_then_export_csv_round_trip(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _event_with_leads(cli, data_dir)
    out = tmp_path / "leads.csv"
    run = cli("export", "--event", "Istanbul Fair", "-o", str(out), "--bom", "--delimiter", ";")
    assert run.code == 0 and "3 leads written" in run.out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    names = {(r.get("First name"), r.get("Last name")) for r in rows}
    assert ("Ayşe", "Yılmaz") in names and ("Çağrı", "Öztürk") in names
    payloads = [v for r in rows for v in r.values() if "HYPERLINK" in (v or "")]
    assert payloads and all(v.startswith("'=") for v in payloads)  # neutralised
    audit = build_context(str(data_dir))
    try:
        actions = [e.action.value for e in audit.audit.entries()]
    finally:
        audit.close()
    assert "export" in actions and "import" in actions


def test_export_filters_and_xlsx_and_report(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _event_with_leads(cli, data_dir)
    xlsx = tmp_path / "leads.xlsx"
    assert (
        cli("export", "--event", "Istanbul Fair", "-o", str(xlsx), "--search", "anadolu").code == 0
    )
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2  # header + Ayşe only
    assert "Ayşe" in values[1]
    pdf = tmp_path / "report.pdf"
    run = cli("report", "--event", "Istanbul Fair", "-o", str(pdf))
    assert run.code == 0 and "3 leads" in run.out
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Istanbul Fair" in text
    bad = cli("export", "--event", "Istanbul Fair", "-o", str(tmp_path / "nope" / "x.csv"))
    assert bad.code != 0 and "does not exist" in bad.err
    folder = cli("export", "--event", "Istanbul Fair", "-o", str(tmp_path))
    # Issue #18: a folder given as the output is named as such, no internal temp file name.
    assert folder.code != 0 and "is a folder; give a file name" in folder.err
    assert ".part" not in folder.err and len(folder.err.strip().splitlines()) == 1


def test_broken_roster_is_one_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("event", "create", "--name", "Empty Fair")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    run = cli("import", str(empty), "--event", "Empty Fair")
    assert run.code != 0 and run.err.startswith("boothapp: error:") and "Traceback" not in run.err
    missing = cli("import", str(tmp_path / "missing.csv"), "--event", "Empty Fair")
    assert missing.code != 0 and "missing.csv" in missing.err


def test_column_choice_and_order_are_remembered_per_event(
    cli, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _event_with_leads(cli, data_dir)
    listed = cli("export", "--event", "Istanbul Fair", "--list-columns")
    ids = [line.split("\t")[0][2:] for line in listed.lines]
    assert "badge_id" in ids and "raw_payload" in ids and any(i.startswith("q:") for i in ids)
    first = tmp_path / "first.csv"
    run = cli("export", "--event", "Istanbul Fair", "-o", str(first),
              "--columns", "last_name,first_name,badge_id")  # fmt: skip
    assert run.code == 0
    assert first.read_text(encoding="utf-8").splitlines()[0] == "Last name,First name,Badge ID"
    again = tmp_path / "again.csv"
    assert cli("export", "--event", "Istanbul Fair", "-o", str(again)).code == 0
    assert again.read_text(encoding="utf-8").splitlines()[0] == "Last name,First name,Badge ID"
    marked = cli("export", "--event", "Istanbul Fair", "--list-columns")
    assert sum(1 for line in marked.lines if line.startswith("*")) == 3
    bad = cli("export", "--event", "Istanbul Fair", "-o", str(again), "--columns", "nope")
    assert bad.code != 0 and "nope" in bad.err
