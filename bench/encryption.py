"""What SQLCipher costs (issue #18): the app's own paths on an encrypted database and on a
plain one, built the same way in the same run, with the ratio encrypted / plain.

For each database (the demo event with N leads, through ``build_context`` and ``build_demo``):

* open: ``build_context`` on the existing file (key from the store, schema check);
* scan: ``LeadService.record_scan`` for a badge (roster match, duplicate check, scan row), the
  work a scan does off the GUI thread before the form shows (as in bench/ui_latency.py);
* save: ``LeadService.save_lead`` of a new visitor through the lead door (history, CRM queue,
  follow-up plan; one committed transaction with ``synchronous=FULL``);
* list: the leads page's first page and count (``LeadQueryService``), and a text search;
* export: CSV and XLSX through the export service, and the PDF report, end to end.

Medians (and p95 for the per-scan paths) in ms, or seconds for the exports. Keys are raw
256-bit keys (no PBKDF2 per connection) and encrypted connections run with a 64 MiB page cache.

    python bench/encryption.py [--leads 20000] [--quick]

Ends with one JSON line: {"bench": "encryption", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# No OS keyring on a bench box: the key goes to the data folder's private secrets.json.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

SCANS = 200
SAVES = 100


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered) * 1000, 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
    }


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def run(root: Path, leads: int, encrypt: bool) -> dict[str, object]:
    from boothapp.app import build_context
    from boothapp.core.models import Contact
    from boothapp.demo.build import build_demo
    from boothapp.services.exports import ExportFormat, ExportRequest
    from boothapp.services.lead_queries import LeadQuery
    from boothapp.services.leads import LeadDraft
    from boothapp.store.cipher import FileState, file_state

    t0 = time.perf_counter()
    ctx = build_context(str(root), encrypt_new=encrypt)
    event = build_demo(ctx, leads=leads).event
    build_s = time.perf_counter() - t0
    ctx.close()
    state = file_state(root / "boothapp.db")
    assert (state is FileState.ENCRYPTED) == encrypt, state

    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        ctx = build_context(str(root), encrypt_new=encrypt)
        opens.append(time.perf_counter() - t0)
        ctx.close()
    ctx = build_context(str(root), encrypt_new=encrypt)
    try:
        attendees = ctx.attendees.all(event.id)[:SCANS]
        payloads = [a.badge_id for a in attendees if a.badge_id] or ["B-1"]
        scans = [
            _timed(lambda p=p: ctx.leads.record_scan(event.id, p))
            for p in (payloads * (SCANS // len(payloads) + 1))[:SCANS]
        ]
        saves = []
        for i in range(SAVES):
            contact = Contact(first_name=f"Bench{i}", last_name="Cipher", email=f"b{i}@x.io")
            draft = LeadDraft(event.id, contact, badge_key=f"BENCH-{i}", badge_id=f"BENCH-{i}")
            saves.append(_timed(lambda d=draft: ctx.leads.save_lead(d)))
        query = LeadQuery(event.id)
        pages = [
            _timed(lambda: (ctx.queries.count(query), ctx.queries.page(query, 0, 100)))
            for _ in range(20)
        ]
        search = LeadQuery(event.id, text="mar")
        searches = [
            _timed(lambda: (ctx.queries.count(search), ctx.queries.page(search, 0, 100)))
            for _ in range(20)
        ]
        exports: dict[str, float] = {}
        for fmt in (ExportFormat.CSV, ExportFormat.XLSX):
            path = root / f"out.{fmt.value}"
            exports[f"export_{fmt.value}_s"] = round(
                _timed(lambda f=fmt, p=path: ctx.exports.export(ExportRequest(event.id, p, f))), 3
            )
        exports["report_pdf_s"] = round(
            _timed(lambda: ctx.exports.report(event.id, root / "report.pdf")), 3
        )
    finally:
        ctx.close()
    return {
        "build_s": round(build_s, 1),
        "db_mb": round((root / "boothapp.db").stat().st_size / 1e6, 1),
        "open_ms": _ms(opens),
        "scan_ms": _ms(scans),
        "save_ms": _ms(saves),
        "list_page_ms": _ms(pages),
        "search_ms": _ms(searches),
        **exports,
    }


def _ratio(a: object, b: object) -> float:
    if isinstance(a, dict) and isinstance(b, dict):
        a, b = a["median"], b["median"]
    return round(float(a) / float(b), 2) if float(b) else 0.0  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="3,000 leads")
    args = parser.parse_args()
    leads = 3_000 if args.quick else args.leads
    with tempfile.TemporaryDirectory(prefix="bench-encryption-") as tmp:
        # Plain first, then encrypted: the encrypted run gets no warmer a disk cache.
        plain = run(Path(tmp) / "plain", leads, encrypt=False)
        encrypted = run(Path(tmp) / "encrypted", leads, encrypt=True)
    keys = [k for k in plain if k not in ("build_s", "db_mb")]
    ratios = {k: _ratio(encrypted[k], plain[k]) for k in keys}
    print(f"{'':16}{'plain':>16}{'encrypted':>16}{'ratio':>8}")
    for k in ["build_s", "db_mb", *keys]:
        a, b = plain[k], encrypted[k]
        sa = "/".join(str(v) for v in a.values()) if isinstance(a, dict) else str(a)
        sb = "/".join(str(v) for v in b.values()) if isinstance(b, dict) else str(b)
        print(f"{k:16}{sa:>16}{sb:>16}{ratios.get(k, ''):>8}")
    figures = {
        "leads": leads,
        "encrypted": encrypted,
        "plain": plain,
        "ratio_encrypted_over_plain": ratios,
        "load": os.getloadavg()[0],
    }
    print(json.dumps({"bench": "encryption", "figures": figures}))


if __name__ == "__main__":
    main()
