"""Export and report speed on a large event: CSV, XLSX and the PDF report.

Peer for CSV: a naive ``csv.writer`` loop writing the same leads' fields as plain strings
(no column catalogue, no formula neutralisation, no answer labels), i.e. the floor.
Peer for XLSX: openpyxl in write-only mode appending the same typed rows; it is run on at most
5,000 leads (it needs ~1 ms a row here) and its rate is scaled to the full count. Second peer:
XlsxWriter in constant_memory mode through the app's own export (bench/xlsxwriter_peer.py),
on every lead: the figure that decided to keep the app's writer (issue #18).

End to end (``app_csv_s``, ``app_xlsx_s``, ``app_report_s``): the export service on a built
demo database, each export in a process of its own, as a user's first export of the session
(``app_csv_again_s`` ...: the same export once more in that process), so ``exports_peak_mb``
is the largest of the export processes' peak resident sizes (target <= 300 MB; each export's
own as ``app_csv_peak_mb`` ...; ``app_csv_cpu_s`` ...: the CPU time the export took, a figure
less swayed by other work on a shared box). The database is
built in another child process (``build_peak_memory_mb`` is its peak, a side figure), or
``--data DIR`` names a built data folder (opened once before, apart, so a schema upgrade is
not counted; the exports add their audit entries to it).

``--cold`` drops the data folder's files from the OS page cache before each export process
(``posix_fadvise(DONTNEED)``, the folder's files only: no root, the other processes' cache
kept), so each export reads its database from disk as the first export after a restart
does (issue 23's targets: CSV <= 2 s, XLSX <= 4 s, report <= 3 s). ``--app-only`` runs the
end-to-end exports only (no generated leads, no peers).

    python bench/exports.py [--quick] [--leads N] [--data DIR] [--cold] [--app-only]
Ends with one JSON line: {"bench": "exports", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from boothapp.core.models import Lead
from boothapp.reports.csv_export import export_csv
from boothapp.reports.demo_leads import DEMO_QUESTIONS, generate
from boothapp.reports.pdf_report import write_report_pdf
from boothapp.reports.stats import build_report_data
from boothapp.reports.xlsx_export import export_xlsx

TARGET_S = 10.0
PEAK_TARGET_MB = 300.0  # the export process's peak resident size (issue 23)
OPENPYXL_PEER_MAX = 5_000


def openpyxl_peer(leads: list[Lead], path: Path) -> None:
    from openpyxl import Workbook

    from boothapp.reports.columns import ExportContext, event_zone, resolve_columns
    from boothapp.reports.safety import xlsx_text

    event = generate(0).event
    cols = resolve_columns(event, DEMO_QUESTIONS, None)
    ctx = ExportContext(event, event_zone(event))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Leads")
    ws.append([c.label for c in cols])
    for lead in leads:
        values = [c.getter(lead, ctx) for c in cols]
        # Raw badge payloads hold GS/RS bytes that openpyxl refuses; escape them as we do.
        ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    wb.save(path)


def naive_csv(leads: list[Lead], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for lead in leads:
            c = lead.contact
            writer.writerow(
                [
                    lead.id, lead.created_at, c.first_name, c.last_name, c.email, c.phone,
                    c.company, c.title, c.country, c.city, c.timezone, lead.source,
                    lead.badge_id, lead.raw_payload, lead.staff_name, lead.device_id,
                    *(lead.answers.get(q.id) for q in DEMO_QUESTIONS),
                    lead.rating, lead.score, lead.qualified, lead.owner, lead.consent_text,
                    lead.consent_given_at, lead.notes, lead.stage, lead.referred_by,
                    lead.sync_state, lead.crm_ids, lead.please_delete,
                ]
            )  # fmt: skip


def timed(fn: object, *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - start


def build_child(count: int, data: Path, plain: bool = False) -> dict[str, float]:
    """The demo database, built in a process of its own (``--build-child``): its time and
    peak are the build's, never mixed into the exports' figures."""
    from boothapp.app import build_context
    from boothapp.demo.build import build_demo

    t0 = time.perf_counter()
    ctx = build_context(str(data), encrypt_new=not plain)
    try:
        build_demo(ctx, leads=count)
    finally:
        ctx.close()
    return {
        "build_s": round(time.perf_counter() - t0, 1),
        "build_peak_memory_mb": round(_peak_mb(), 1),
    }


EXPORT_KINDS = ("csv", "xlsx", "report")


def end_to_end(count: int, out: Path, data: Path, kind: str) -> dict[str, float]:
    """One export as the app runs it, in a process of its own (``--exports-child``) on a
    built demo database: leads in a real SQLite file, read back by the export service,
    written, audited. A fresh process each, so each is a user's first export of the kind
    (issue 23: the CSV no longer warms the XLSX and the report); what the app holds before
    any export (``build_context``: the services, the database open) is made before the
    clock starts. Memory: the process's peak resident size (``app_<kind>_process_peak_mb``,
    interpreter and libraries included, as the app's own process would hold them) and the
    export's own high-water mark (VmHWM reset before it). Then the same export again in
    the same process (``app_<kind>_again_s``): what a second export of the session costs."""
    from boothapp.app import build_context
    from boothapp.demo.build import build_demo
    from boothapp.services.exports import ExportFormat, ExportRequest

    ctx = build_context(str(data))
    try:
        event = build_demo(ctx, leads=0).event
        figures = {f"rss_before_{kind}_mb": round(_status_mb("VmRSS:"), 1)}
        hwm_reset = _reset_hwm()
        for again in (False, True):
            name = f"app_{kind}_again_s" if again else f"app_{kind}_s"
            t0, cpu0 = time.perf_counter(), time.process_time()
            if kind == "report":
                ctx.exports.report(event.id, out / "app-report.pdf")
            else:
                fmt = ExportFormat(kind)
                summary = ctx.exports.export(ExportRequest(event.id, out / f"app.{kind}", fmt))
                # A shared database may hold a few more (the scan benches add their visitors).
                assert summary.rows >= count, summary
                figures["app_rows"] = summary.rows
            figures[name] = round(time.perf_counter() - t0, 2)
            # The process's CPU time (this thread and the database's): less swayed than the
            # wall clock by the other processes of a shared box.
            figures[name.replace("_s", "_cpu_s")] = round(time.process_time() - cpu0, 2)
            if not again:
                if hwm_reset:
                    figures[f"app_{kind}_peak_mb"] = round(_status_mb("VmHWM:"), 1)
                # ru_maxrss is never reset: the process's peak, opening included.
                figures[f"app_{kind}_process_peak_mb"] = round(_peak_mb(), 1)
        return figures
    finally:
        ctx.close()


def run_child(*args: str) -> dict[str, float]:
    """One stage of the bench in its own process; its figures (the last line it prints)."""
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench/exports.py {args[0]} failed (exit {out.returncode}):\n{tail}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def drop_from_page_cache(folder: Path) -> None:
    """Evict ``folder``'s files from the OS page cache (written pages are flushed first, as
    DONTNEED leaves dirty pages in place)."""
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_hwm() -> bool:
    """Linux: writing 5 to clear_refs resets the process's peak resident size (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 leads instead of 50,000")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--data", type=Path, default=None, help="a built demo data folder")
    parser.add_argument(
        "--plain", action="store_true", help="end to end on a plain (unencrypted) database"
    )
    parser.add_argument(
        "--cold", action="store_true", help="the database out of the page cache before each export"
    )
    parser.add_argument("--app-only", action="store_true", help="the end-to-end exports only")
    parser.add_argument("--build-child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--exports-child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=EXPORT_KINDS, default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.leads if args.leads is not None else (5_000 if args.quick else 50_000)
    if args.build_child is not None:
        print(json.dumps(build_child(count, args.build_child, args.plain)))
        return 0
    if args.exports_child is not None:
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
            print(json.dumps(end_to_end(count, Path(tmp), args.exports_child, args.kind)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        out = Path(tmp)
        # End to end as the app runs it, each stage in a process of its own so the exports'
        # peak memory is theirs alone: the demo database built in one child (unless --data
        # names a built folder; its peak is a side figure), the exports run in another.
        data = args.data
        if data is None:
            data = out / "app"
            build = run_child("--build-child", str(data), "--leads", str(count),
                              *(["--plain"] if args.plain else []))  # fmt: skip
        else:
            # A built folder is opened once first, apart: a schema upgrade (with its backup
            # copy) on an older folder took 80 MB of page cache the exports never use.
            opened = run_child("--build-child", str(data), "--leads", "0")
            build = {"data_open_s": opened["build_s"],
                     "data_open_peak_mb": opened["build_peak_memory_mb"]}  # fmt: skip
        app_s: dict[str, float] = {}
        for kind in EXPORT_KINDS:  # each a user's first export, in a process of its own
            if args.cold:
                drop_from_page_cache(data)
            app_s.update(run_child("--exports-child", str(data), "--leads", str(count),
                                   "--kind", kind))  # fmt: skip
        app_s["exports_peak_mb"] = max(app_s[f"app_{k}_process_peak_mb"] for k in EXPORT_KINDS)
        app_s.update(build)
        if args.app_only:
            app_s["cold"] = args.cold
            print(json.dumps({"bench": "exports", "figures": app_s}, ensure_ascii=False))
            return 0
        t0 = time.perf_counter()
        demo = generate(count)
        gen_s = time.perf_counter() - t0
        figures: dict[str, float | int | bool] = {"leads": count, "generate_s": round(gen_s, 2)}
        naive_s = timed(naive_csv, demo.leads, out / "naive.csv")
        csv_s = timed(export_csv, demo.leads, demo.event, DEMO_QUESTIONS, out / "l.csv", bom=True)
        xlsx_s = timed(export_xlsx, demo.leads, demo.event, DEMO_QUESTIONS, out / "l.xlsx")
        from xlsxwriter_peer import XlsxWriterSheet

        from boothapp.reports import xlsx_export

        app_writer = xlsx_export.XlsxSheetWriter
        xlsx_export.XlsxSheetWriter = XlsxWriterSheet  # type: ignore[misc, assignment]
        try:
            xw_s = timed(export_xlsx, demo.leads, demo.event, DEMO_QUESTIONS, out / "xw.xlsx")
        finally:
            xlsx_export.XlsxSheetWriter = app_writer  # type: ignore[misc]
        peer_n = min(count, OPENPYXL_PEER_MAX)
        peer_s = timed(openpyxl_peer, demo.leads[:peer_n], out / "peer.xlsx") * count / peer_n
        t0 = time.perf_counter()
        data = build_report_data(
            demo.event, demo.leads, demo.staff, demo.first_touch, questions=DEMO_QUESTIONS
        )
        stats_s = time.perf_counter() - t0
        pdf_s = timed(write_report_pdf, data, out / "report.pdf")
        sizes = {
            p.suffix: p.stat().st_size for p in out.iterdir() if p.stem == "l" or p.suffix == ".pdf"
        }

    report_s = stats_s + pdf_s
    figures.update(app_s)
    figures.update(
        {
            "csv_s": round(csv_s, 2),
            "csv_naive_peer_s": round(naive_s, 2),
            "csv_vs_peer": round(csv_s / naive_s, 2),
            "csv_rows_per_s": round(count / csv_s),
            "xlsx_s": round(xlsx_s, 2),
            "xlsx_rows_per_s": round(count / xlsx_s),
            "xlsx_openpyxl_peer_s_scaled": round(peer_s, 2),
            "xlsx_xlsxwriter_peer_s": round(xw_s, 2),
            "report_stats_s": round(stats_s, 2),
            "report_pdf_s": round(pdf_s, 2),
            "report_total_s": round(report_s, 2),
            "csv_mb": round(sizes[".csv"] / 1e6, 1),
            "xlsx_mb": round(sizes[".xlsx"] / 1e6, 1),
            "pdf_kb": round(sizes[".pdf"] / 1e3),
            "app_csv_vs_naive": round(app_s["app_csv_s"] / naive_s, 2),
            "app_xlsx_vs_naive_csv": round(app_s["app_xlsx_s"] / naive_s, 2),
            "app_report_vs_naive_csv": round(app_s["app_report_s"] / naive_s, 2),
            "all_under_10s": max(
                csv_s,
                xlsx_s,
                report_s,
                app_s["app_csv_s"],
                app_s["app_xlsx_s"],
                app_s["app_report_s"],
            )
            < TARGET_S,
            "exports_peak_target_mb": PEAK_TARGET_MB,
            "exports_peak_ok": app_s["exports_peak_mb"] <= PEAK_TARGET_MB,
        }
    )
    print(f"{'':14}{'seconds':>9}")
    for label, value in (
        ("naive csv", naive_s),
        ("export_csv", csv_s),
        ("export_xlsx", xlsx_s),
        ("openpyxl peer*", peer_s),
        ("xlsxwriter peer", xw_s),
        ("report (all)", report_s),
    ):
        print(f"{label:14}{value:9.2f}")
    print(f"* openpyxl write-only timed on {min(count, OPENPYXL_PEER_MAX):,} leads, scaled")
    print(json.dumps({"bench": "exports", "figures": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
