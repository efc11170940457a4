"""Follow-up sending on the demo event, through the app's own send run (issue 16).

300 demo leads, their follow-ups planned by the app, sent to a real aiosmtpd on 127.0.0.1 by
``FollowUpService.send_due`` in hourly runs over three simulated days starting at 00:00 UTC.
Measured: how fast mail actually left (max in any 60 s and per receiving domain, smallest gap)
against the configured pacing, and how many mails reached a lead outside their local sending
window or as a second mail the same local day (both must be 0).

    python bench/followup_send.py [--leads 300] [--per-minute 600] [--per-domain 120]

Ends with one JSON line: {"bench": "followup_send", "figures": {...}}. The rates are raised
from the safe defaults (20/min, 6/min per domain) to 120/min and 30/min per domain so the
bench takes about two minutes; the pacing code is the same. Arrival gaps are measured at the
server (after DATA), so one gap can be shorter than the client's spacing; the window counts
are what a relay's throttle sees.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.core.followups.quiet_hours import outside_window
from boothapp.core.followups.timing import PublicHolidays
from boothapp.demo.build import build_demo
from boothapp.store.tables import FollowUpRow, LeadRow
from boothapp.sync.mail import SmtpSecurity, SmtpSettings


@dataclass
class Arrivals:
    """What the server accepted and when (monotonic seconds)."""

    mails: list[tuple[float, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append((time.monotonic(), envelope.rcpt_tos[0]))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _max_in_window(stamps: list[float], window: float = 60.0) -> int:
    best, q = 0, deque[float]()
    for t in sorted(stamps):
        q.append(t)
        while q and t - q[0] >= window:
            q.popleft()
        best = max(best, len(q))
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=300)
    ap.add_argument("--per-minute", type=int, default=120)
    ap.add_argument("--per-domain", type=int, default=30)
    ap.add_argument("--hours", type=int, default=72)
    args = ap.parse_args()
    arrivals = Arrivals()
    controller = Controller(arrivals, hostname="127.0.0.1", port=_free_port())
    controller.start()
    data = Path(tempfile.mkdtemp(prefix="bench-followups-"))
    ctx = build_context(str(data))
    try:
        summary = build_demo(ctx, leads=args.leads)
        event_id = summary.event.id
        smtp = SmtpSettings(
            "127.0.0.1", controller.port, SmtpSecurity.NONE, "", "booth@demo-robotics.example",
            per_minute_limit=args.per_minute, per_domain_per_minute=args.per_domain,
            per_day_limit=100_000,
        )  # fmt: skip
        plan = ctx.followups.settings(event_id).plan
        with ctx.db.read() as s:
            zones = {
                lead.email.lower(): (row_tz or "UTC", lead.country)
                for lead, row_tz in s.query(LeadRow, FollowUpRow.timezone).join(FollowUpRow)
            }
        start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=0, minute=0, second=0,
                                                                microsecond=0)  # fmt: skip
        runs: list[tuple[float, datetime]] = []  # (monotonic start, simulated now)
        sent = replanned = 0
        t0 = time.monotonic()
        for hour in range(args.hours):
            now = start + timedelta(hours=hour)
            runs.append((time.monotonic(), now))
            report = ctx.followups.send_due(event_id, smtp, None, now=now)
            sent += report.sent
            replanned += report.replanned
            assert not report.stopped, report.stopped
        total_s = time.monotonic() - t0
    finally:
        ctx.close()
        controller.stop()
    holidays = PublicHolidays()
    outside = 0
    per_day: Counter[tuple[str, str]] = Counter()
    for at, rcpt in arrivals.mails:
        run_start, run_now = max((r for r in runs if r[0] <= at), key=lambda r: r[0])
        moment = run_now + timedelta(seconds=at - run_start)
        tz, country = zones.get(rcpt.lower(), ("UTC", ""))
        if outside_window(moment, tz, country, plan, holidays) is not None:
            outside += 1
        per_day[(rcpt, moment.astimezone(ZoneInfo(tz)).date().isoformat())] += 1
    stamps = [at for at, _ in arrivals.mails]
    by_domain: dict[str, list[float]] = {}
    for at, rcpt in arrivals.mails:
        by_domain.setdefault(rcpt.rpartition("@")[2], []).append(at)
    gaps = [b - a for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False)]
    figures = {
        "leads": args.leads,
        "runs": args.hours,
        "mails_sent": sent,
        "mails_received": len(arrivals.mails),
        "moved_to_window": replanned,
        "per_minute_limit": args.per_minute,
        "max_in_any_60s": _max_in_window(stamps),
        "max_in_any_10s": _max_in_window(stamps, 10.0),
        "limit_per_10s": args.per_minute // 6,
        "per_domain_limit": args.per_domain,
        "max_per_domain_in_any_60s": max(
            (_max_in_window(v) for v in by_domain.values()), default=0
        ),
        "min_gap_s": round(min(gaps), 3) if gaps else None,
        "configured_gap_s": round(60 / args.per_minute, 3),
        "outside_window": outside,
        "two_mails_same_local_day": sum(1 for n in per_day.values() if n > 1),
        "seconds": round(total_s, 1),
    }
    print(f"{sent} mails in {args.hours} hourly runs, {total_s:.0f} s; "
          f"{outside} outside the window")  # fmt: skip
    print(json.dumps({"bench": "followup_send", "figures": figures}))
    ok = outside == 0 and figures["two_mails_same_local_day"] == 0
    ok = ok and figures["max_in_any_60s"] <= args.per_minute
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
