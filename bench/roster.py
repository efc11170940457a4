"""Roster import and lookup speed: 100k-row CSV, 20k-row XLSX, 10k lookups by id/email/token.

Peers: a plain ``csv.DictReader`` load of the same file (no encoding detection, mapping,
validation or Attendee objects) shows what the extra work costs; openpyxl's read-only
iteration of the same workbook is the peer of the python-calamine sheet reader (rows only).

Before/after python-calamine replaced the hand-written XLSX reader (issue #18), same machine,
under the load of 8 engineers on 2 cores: rows of the 20k-row workbook in 0.37-0.40 s with
calamine and its limit checks vs 0.73-0.92 s with the hand-written streaming reader (best of
3, interleaved in one process); openpyxl read-only ~2.3-3.7 s.

    python bench/roster.py [--quick] [--encodings]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boothapp.capture.badges import parse_badge
from boothapp.capture.roster import RosterIndex, guess_mapping, read_roster
from boothapp.capture.roster.spreadsheet import spreadsheet_rows

FIRST = [
    "Anna",
    "Jonas",
    "Şükrü",
    "Ayşe",
    "İbrahim",
    "Γιώργος",
    "Ελένη",
    "علی",
    "مریم",
    "小明",
    "Maria",
    "José",
    "François",
    "Zoë",
    "Oğuz",
    "Nikos",
    "Fatemeh",
    "Wei",
    "Priya",
    "Lars",
    "Ingrid",
    "Tomasz",
    "Dmitri",
    "Keiko",
    "Ngozi",
    "Mateo",
    "Chloé",
    "Björn",
]
LAST = [
    "Müller",
    "Öztürk",
    "Yılmaz",
    "Çelik",
    "Παπαδόπουλος",
    "Κωνσταντίνου",
    "رضایی",
    "حسینی",
    "王",
    "Smith",
    "García",
    "Dupré",
    "Nowak",
    "Kowalski",
    "Ivanova",
    "Tanaka",
    "Okafor",
    "Rossi",
    "Jensen",
    "Brown",
    "Nguyen",
    "Silva",
    "Şahin",
    "Doğan",
]
COMPANIES = [
    "Acme GmbH",
    "Doğan A.Ş.",
    "ΟΤΕ Α.Ε.",
    "شرکت نفت",
    "华为",
    "Globex Ltd",
    "Initech",
    "Umbrella SA",
]


def make_rows(n: int, rng: random.Random) -> list[list[str]]:
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append(
            [
                f"{i + 1:06d}",
                first,
                last,
                f"user{i}@example{i % 97}.com",
                rng.choice(COMPANIES),
                rng.choice(("CTO", "Engineer", "Buyer", "Head of Sales")),
                f"+90 532 {i % 1000:03d} {i % 10000:04d}",
                rng.choice(("TR", "GR", "IR", "DE", "FR", "CN")),
                f"{rng.getrandbits(256):064x}",
            ]
        )
    return rows


HEADERS = ["Badge ID", "First name", "Last name", "Email", "Company", "Job title", "Phone",
           "Country", "Token"]  # fmt: skip


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def lookup_stats(fn, keys: list[str]) -> dict[str, float]:
    times = []
    for key in keys:
        t0 = time.perf_counter_ns()
        found = fn(key)
        times.append(time.perf_counter_ns() - t0)
        assert found is not None, key
    times.sort()
    return {
        "median_us": round(statistics.median(times) / 1000, 2),
        "p99_us": round(times[int(len(times) * 0.99) - 1] / 1000, 2),
    }


ENCODING_SAMPLES = {
    "cp1254": "Badge ID;Ad;Soyad;Firma\n1;Şükrü;Öztürk;Koç Holding A.Ş.\n2;Ayşe;Yılmaz;Doğan\n",
    "cp1253": "Badge ID;Όνομα;Επώνυμο\n1;Γιώργος;Παπαδόπουλος\n2;Ελένη;Κωνσταντίνου\n",
    "cp1253-one-row": "Badge ID,First,Last,Company\n2001,Γιώργος,Παπαδόπουλος,ΟΤΕ Α.Ε.\n",
    "cp1256": "Badge ID;نام;شرکت\n1;علي;شرکت نفت\n2;مريم;ايران خودرو\n",
    "cp1251": "Badge ID;Имя;Фамилия\n1;Дмитрий;Иванов\n2;Анна;Смирнова\n3;Олег;Петров\n",
    "cp1252": "Badge ID;First;Last\n1;José;García\n2;François;Dupré\n3;Björn;Müller\n",
    "utf-16": "Badge ID;Имя;Company\n1;Дмитрий;Газпром\n2;Şükrü;Koç\n",
    "utf-16-le": "Badge ID;Name;Company\n1;Ana;Acme\n2;Şükrü;Koç\n",
}


def compare_encodings() -> dict[str, object]:
    """The roster's own detection vs charset-normalizer on the same bytes (issue #18)."""
    import charset_normalizer

    from boothapp.capture.roster.encoding import detect_and_decode
    from boothapp.capture.roster.errors import RosterError

    out: dict[str, object] = {}
    for label, text in ENCODING_SAMPLES.items():
        data = text.encode(label.removesuffix("-one-row"))
        try:
            decoded, used = detect_and_decode(data, label)
            ours = f"{used} {'ok' if decoded == text else 'WRONG'}"
        except RosterError:
            ours = "cannot tell"
        best = charset_normalizer.from_bytes(data).best()
        theirs = (
            "none" if best is None else f"{best.encoding} {'ok' if str(best) == text else 'WRONG'}"
        )
        out[label] = {"boothapp": ours, "charset_normalizer": theirs}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k CSV rows, 2k XLSX rows")
    parser.add_argument("--encodings", action="store_true", help="only the encoding comparison")
    args = parser.parse_args()
    if args.encodings:
        print(json.dumps({"bench": "roster-encodings", "figures": compare_encodings()}))
        return 0
    n_csv, n_xlsx, n_lookups = (10_000, 2_000, 2_000) if args.quick else (100_000, 20_000, 10_000)
    rng = random.Random(20261122)
    rows = make_rows(n_csv, rng)
    figures: dict[str, object] = {"csv_rows": n_csv, "xlsx_rows": n_xlsx}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "roster.csv"
        with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(HEADERS)
            writer.writerows(rows)

        def peer() -> int:
            with csv_path.open(encoding="utf-8-sig", newline="") as fh:
                return len(list(csv.DictReader(fh, delimiter=";")))

        peer_s, peer_n = timed(peer, repeat=2)
        read_s, result = timed(lambda: read_roster(csv_path, event_id="ev1"), repeat=2)
        assert peer_n == n_csv and len(result.rows) == n_csv, (peer_n, len(result.rows))
        map_s, _ = timed(lambda: guess_mapping(HEADERS), repeat=5)
        index_s, index = timed(lambda: RosterIndex(result.rows), repeat=2)
        # The whole import as the app does it: read, then store in a real SQLite file.
        from boothapp.app import build_context
        from boothapp.services.events import NewEvent

        ctx = build_context(str(Path(tmp) / "app"))
        event = ctx.events.create_event(NewEvent(name="Roster bench"))
        t0 = time.perf_counter()
        stored = read_roster(csv_path, event_id=event.id)
        summary = ctx.attendees.import_attendees(event.id, stored.rows)
        import_s = time.perf_counter() - t0
        assert summary.total == n_csv, summary
        db_lookup = lookup_stats(
            lambda badge: ctx.attendees.find(event.id, badge_id=badge),
            [p[0] for p in rows[: min(n_lookups, 2000)]],
        )
        ctx.close()
        figures.update(
            import_to_db_s=round(import_s, 3),
            import_under_5s=import_s < 5.0,
            db_lookup=db_lookup,
            csv_read_s=round(read_s, 3),
            peer_dictreader_s=round(peer_s, 3),
            csv_vs_peer=round(read_s / peer_s, 2),
            mapping_ms=round(map_s * 1000, 3),
            index_build_s=round(index_s, 3),
            csv_total_s=round(read_s + map_s + index_s, 3),
        )

        import openpyxl
        from openpyxl import Workbook

        xlsx_path = Path(tmp) / "roster.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Attendees")
        sheet.append(HEADERS)
        for row in rows[:n_xlsx]:
            sheet.append(row)
        book.save(xlsx_path)
        xlsx_s, xresult = timed(lambda: read_roster(xlsx_path, event_id="ev1"))
        assert len(xresult.rows) == n_xlsx
        rows_s, _ = timed(lambda: list(spreadsheet_rows(xlsx_path)), repeat=2)

        def openpyxl_rows() -> int:
            wb = openpyxl.load_workbook(xlsx_path, read_only=True, data_only=True)
            try:
                return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
            finally:
                wb.close()

        peer_x_s, _ = timed(openpyxl_rows)
        figures["xlsx_read_s"] = round(xlsx_s, 3)
        figures["xlsx_rows_only_s"] = round(rows_s, 3)
        figures["peer_openpyxl_readonly_s"] = round(peer_x_s, 3)

        assert isinstance(index, RosterIndex)
        picks = [rng.choice(rows) for _ in range(n_lookups)]
        figures["lookup_id"] = lookup_stats(index.by_badge_id, [p[0] for p in picks])
        figures["lookup_id_unpadded"] = lookup_stats(
            index.by_badge_id, [p[0].lstrip("0") for p in picks]
        )
        figures["lookup_email"] = lookup_stats(index.by_email, [p[3].upper() for p in picks])
        figures["lookup_token"] = lookup_stats(index.by_token, [p[8] for p in picks])
        figures["parse_and_resolve"] = lookup_stats(
            lambda raw: index.resolve(parse_badge(raw)), [p[0] for p in picks]
        )
    for key, value in figures.items():
        print(f"{key:22} {value}", file=sys.stderr)
    print(json.dumps({"bench": "roster", "figures": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
