"""Leads list query speed at 50,000 leads on SQLite: count + first page, per kind of query.

Side by side: the list query with the FTS5 trigram index, the same query with the LIKE
fallback (what PostgreSQL-less-FTS or short words get), and the peer ``LeadService.list_leads``
(loads every matching lead). The target is count + first page under 100 ms.

    python bench/ui_list.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boothapp.core.models import Rating
from boothapp.services.lead_queries import LeadQuery, LeadQueryService, SortColumn, SortOrder
from boothapp.services.leads import LeadService
from boothapp.store.migrate import open_database
from tests.fixtures_leads import UNIQUE_LAST, populate

TARGET_MS = 100.0


def timed(fn: Callable[[], object], runs: int, warm_up: bool = True) -> float:
    """Median wall time in ms over ``runs`` (after one warm-up)."""
    if warm_up:
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10,000 leads, fewer runs")
    args = parser.parse_args()
    n, runs = (10_000, 3) if args.quick else (50_000, 7)
    tmp = Path(tempfile.mkdtemp())
    db, _ = open_database(f"sqlite:///{tmp / 'bench.db'}", tmp / "backups")
    start = time.perf_counter()
    pop = populate(db, n)
    populate_s = round(time.perf_counter() - start, 2)

    fts = LeadQueryService(db)
    like = LeadQueryService(db)
    like._fts = False  # force the LIKE fallback for the comparison
    peer = LeadService(db)
    e = pop.event_id
    cases: dict[str, LeadQuery] = {
        "all_newest": LeadQuery(e),
        "unique_name": LeadQuery(e, text=UNIQUE_LAST.lower()[:7]),
        "common_company": LeadQuery(e, text="acme industrial"),
        "greek_name": LeadQuery(e, text="παπαδόπουλος"),
        "two_words": LeadQuery(e, text="mehmet demo"),
        "accentless_turkish": LeadQuery(e, text="gulsen ozturk"),
        "short_word": LeadQuery(e, text="ab"),
        "hot_staff_day": LeadQuery(
            e, ratings=(Rating.HOT,), staff_ids=(next(iter(pop.staff)),), day=pop.days[1]
        ),
        "sort_name": LeadQuery(e, sort=SortColumn.NAME, order=SortOrder.ASC),
        "sort_staff": LeadQuery(e, sort=SortColumn.STAFF),
        "company_sorted_by_name": LeadQuery(e, text="nordwind", sort=SortColumn.NAME),
    }
    figures: dict[str, object] = {"leads": n, "populate_s": populate_s, "target_ms": TARGET_MS}
    worst = 0.0
    rows = []
    for name, q in cases.items():
        fts_ms = timed(lambda q=q: (fts.count(q), fts.page(q, 0, 200)), runs)
        like_ms = timed(lambda q=q: (like.count(q), like.page(q, 0, 200)), runs)
        peer_ms = (
            timed(lambda q=q: peer.list_leads(e, q.text), 1, warm_up=False)
            if not (q.ratings or q.staff_ids or q.day)
            else None
        )
        worst = max(worst, fts_ms)
        figures[f"{name}_ms"] = fts_ms
        figures[f"{name}_like_ms"] = like_ms
        if peer_ms is not None:
            figures[f"{name}_peer_list_leads_ms"] = peer_ms
        rows.append((name, fts.count(q), fts_ms, like_ms, peer_ms))
    deep = timed(lambda: fts.page(LeadQuery(e), n - 200, 200), runs)
    figures["last_page_ms"] = deep
    figures["worst_ms"] = worst
    figures["all_under_target"] = worst < TARGET_MS

    print(f"{'query':<24}{'matches':>9}{'fts ms':>10}{'like ms':>10}{'list_leads ms':>15}")
    for name, count, f_ms, l_ms, p_ms in rows:
        peer_text = f"{p_ms:>15.1f}" if p_ms is not None else f"{'-':>15}"
        print(f"{name:<24}{count:>9}{f_ms:>10.1f}{l_ms:>10.1f}{peer_text}")
    print(f"last page (offset {n - 200}): {deep} ms; populate {populate_s} s")
    db.dispose()
    print(json.dumps({"bench": "ui_list", "figures": figures}))


if __name__ == "__main__":
    main()
