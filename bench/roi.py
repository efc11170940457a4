"""Results (issue 22) on a large event: ``ResultsService.compute`` over the app's own SQLite
(leads, follow-ups with outcomes, lead history, deals) and the ROI PDF pages.

The 50,000 leads, their touches and deals are bulk-inserted straight into a fresh database
(a fixture: the lead door would take minutes to write them, and is not what is measured).

    python bench/roi.py [--leads N]
Ends with one JSON line: {"bench": "roi", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from boothapp.app import build_context
from boothapp.demo.results import DEMO_COSTS
from boothapp.reports.pdf_roi import write_roi_pdf
from boothapp.services.events import NewEvent
from boothapp.store.tables import DealRow, FollowUpRow, LeadChangeRow, LeadRow

TARGET_S = 3.0


def fill(ctx, event_id: str, n: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    start = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    leads, touches, changes, deals = [], [], [], []
    for i in range(n):
        lid = str(uuid.uuid4())
        at = start + timedelta(minutes=rng.randrange(3 * 600))
        rating = rng.choice(["hot", "warm", "warm", "cold"])
        leads.append(dict(id=lid, event_id=event_id, badge_key=f"id:{i}", first_name=f"V{i}",
                          rating=rating, qualified=rng.random() < 0.4, owner=rng.choice("abcd"),
                          stage=rng.choice(["to_contact", "in_contact", "follow_up", "quote_sent"]),
                          created_at=at, updated_at=at))  # fmt: skip
        if rng.random() < 0.7:
            done = at + timedelta(minutes=rng.expovariate(1 / 600))
            outcome = rng.choice(
                ["email_sent", "reached", "replied", "meeting_booked", "voicemail"]
            )
            touches.append(dict(id=str(uuid.uuid4()), lead_id=lid, channel="email", due_at=done,
                                state="done", outcome=outcome, done_at=done, created_at=done,
                                updated_at=done))  # fmt: skip
            changes.append(dict(id=str(uuid.uuid4()), lead_id=lid, field="stage",
                                old_value="to_contact", new_value="in_contact", created_at=done,
                                updated_at=done))  # fmt: skip
            if outcome == "meeting_booked" and rng.random() < 0.6:
                won = rng.random() < 0.3
                deal = dict(id=str(uuid.uuid4()), crm="hubspot", remote_id=str(i), lead_id=lid,
                            amount=str(rng.randrange(1000, 90000)), stage="x", is_won=won,
                            currency=rng.choice(["EUR", "USD"]), is_closed=won, name="",
                            created_at=done, updated_at=done)  # fmt: skip
                deals.append(deal)
    with ctx.db.session() as s:
        for table, rows in ((LeadRow, leads), (FollowUpRow, touches), (LeadChangeRow, changes),
                            (DealRow, deals)):  # fmt: skip
            for k in range(0, len(rows), 5000):
                s.execute(insert(table), rows[k : k + 5000])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=50_000)
    args = ap.parse_args()
    ctx = build_context(tempfile.mkdtemp(prefix="bench-roi-"))
    event = ctx.events.create_event(NewEvent(name="Big Show"))
    cfg = ctx.configs.get(event.id)
    ctx.configs.save(event.id, replace(cfg, costs=DEMO_COSTS))
    fill(ctx, event.id, args.leads)
    t0 = time.perf_counter()
    results = ctx.results.compute(event.id)
    t1 = time.perf_counter()
    out = Path(tempfile.mkdtemp()) / "roi.pdf"
    write_roi_pdf([results], out)
    t2 = time.perf_counter()
    figures = {
        "leads": args.leads,
        "compute_s": round(t1 - t0, 2),
        "pdf_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "target_s": TARGET_S,
        "pdf_kb": out.stat().st_size // 1024,
    }
    print(f"{args.leads:,} leads: results {figures['compute_s']} s, ROI PDF "
          f"{figures['pdf_s']} s, total {figures['total_s']} s (target {TARGET_S} s)")  # fmt: skip
    print(json.dumps({"bench": "roi", "figures": figures}))
    ctx.close()


if __name__ == "__main__":
    main()
