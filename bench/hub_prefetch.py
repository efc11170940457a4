"""CPU of ``LeadTransaction.prefetch`` alone (issue 19): what a pulled page's lookups cost a
device, pages of a varying number of changes as a backlog brings them (``time.process_time``).

One device (its own SQLite file) captures 200 badges; then 3,000 hub transactions each
prefetch a page of ``--min``..``--max`` of its own changes and leads plus one change and one
lead it has not seen. The first 500 are warm-up.

    python bench/hub_prefetch.py [--min 1] [--max 8]
    python bench/hub_prefetch.py --code /tmp/main-checkout   # another checkout's code (A/B)

Ends with one JSON line: {"bench": "hub_prefetch", "figures": {...}} (CPU ms a prefetch).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

_args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_args.add_argument("--min", type=int, default=1)
_args.add_argument("--max", type=int, default=8)
_args.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
ARGS = _args.parse_args()
sys.path.insert(0, ARGS.code)

from sqlalchemy import select  # noqa: E402

import boothapp  # noqa: E402
from boothapp.app import build_context  # noqa: E402
from boothapp.services.events import NewEvent  # noqa: E402
from boothapp.services.lead_changes import ChangeOrigin  # noqa: E402
from boothapp.store.tables import ChangeLogRow  # noqa: E402


def main() -> None:
    root = tempfile.mkdtemp(prefix="boothapp-prefetch-bench-")
    try:
        ctx = build_context(root)
        ctx.events.create_event(NewEvent(name="X", timezone="UTC", starts_on=date(2026, 12, 1)))
        event_id = ctx.events.find_event("X").id
        leads = [ctx.leads.capture_scan(event_id, f"B-{n}")[0].id for n in range(200)]
        with ctx.db.read() as s:
            keys = [
                (d, q)
                for d, q in s.execute(select(ChangeLogRow.device_id, ChangeLogRow.device_seq))
            ]
        rng = random.Random(1)
        samples = []
        for i in range(3000):
            n = rng.randint(ARGS.min, ARGS.max)
            page_keys = [*rng.sample(keys, n), ("other", 100_000 + i)]
            page_leads = [*rng.sample(leads, n), f"new-{i}"]
            with ctx.changes.transaction(ChangeOrigin.HUB, "hub") as tx:
                start = time.process_time()
                tx.prefetch(page_keys, page_leads)
                samples.append(time.process_time() - start)
        ctx.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    kept = sorted(samples[500:])
    figures = {
        "page": f"{ARGS.min}-{ARGS.max}",
        "prefetch_cpu_ms_median": round(kept[len(kept) // 2] * 1000, 3),
        "prefetch_cpu_ms_mean": round(sum(kept) / len(kept) * 1000, 3),
    }
    figures["code"] = str(Path(boothapp.__file__).parents[1])
    print(json.dumps({"bench": "hub_prefetch", "figures": figures}))


if __name__ == "__main__":
    main()
