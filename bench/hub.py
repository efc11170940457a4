"""The event hub under a booth's load: N devices (processes), each with its own SQLite file and
its own connection, capture leads while replicating through a real PostgreSQL on loopback
(started by the bench, as the tests start theirs).

Each device captures ``--leads`` badge scans (10 % of its visitors are also scanned by its
partner device, so they must end as one lead) and edits every fifth lead's notes, while its
replicator (``services.hub_worker.HubLoop``: pushes on every local change, pulls on NOTIFY,
polls every second) runs beside it. When every device has captured everything, they keep
replicating until the hub says nobody is behind.

Figures: lag_p50_ms / lag_p95_ms (capture on one device to visible on another, per lead created
from the hub), lost (visitors missing on some device), duplicates (leads beyond one per
visitor), converged (every device ends with the same state hash), changes_per_s (hub changes
over the capture-and-push time), converge_s (last capture to all devices caught up).

    python bench/hub.py [--devices 20] [--leads 2000] [--rate SCANS_PER_S] [--quick]

Ends with one JSON line: {"bench": "hub", "figures": {...}}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import shutil
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import select

from boothapp.app import build_context
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.services.hub_worker import HubLoop
from boothapp.services.lead_changes import ChangeOrigin, LeadsChanged
from boothapp.store.tables import LeadRow
from tests.integration.pgserver import start_server

EVENT = "Bench Expo"
SHARE_EVERY = 10  # every 10th visitor of a device is also scanned by its partner
EDIT_EVERY = 5


def badges_of(device: int, leads: int, devices: int) -> list[str]:
    pair = device // 2 if devices > 1 and not (devices % 2 and device == devices - 1) else None
    out = []
    for k in range(leads):
        if pair is not None and k % SHARE_EVERY == 0:
            out.append(f"S-{pair}-{k}")
        else:
            out.append(f"D-{device}-{k}")
    return out


def device_main(
    data_dir: str, device: int, leads: int, devices: int, rate: float, start: Any,
    captured: Any, stop: Any, results: Any,
) -> None:  # fmt: skip
    try:
        _device(data_dir, device, leads, devices, rate, start, captured, stop, results)
    except BaseException as exc:  # say so instead of hanging the run
        results.put((device, [], f"failed: {exc!r}"[:300], [], -1, []))
        captured.release()
        raise


def _device(
    data_dir: str, device: int, leads: int, devices: int, rate: float, start: Any,
    captured: Any, stop: Any, results: Any,
) -> None:  # fmt: skip
    ctx = build_context(data_dir)
    event_id = ctx.events.find_event(EVENT).id
    lags: list[float] = []

    def on_change(changed: LeadsChanged) -> None:
        if changed.origin is not ChangeOrigin.HUB or not changed.created:
            return
        now = datetime.now(UTC)
        with ctx.db.read() as s:
            stamps = s.scalars(select(LeadRow.created_at).where(LeadRow.id.in_(changed.created)))
            lags.extend((now - t).total_seconds() * 1000 for t in stamps)

    ctx.changes.subscribe(on_change)
    loop = HubLoop(ctx.hub, poll_s=1.0)
    ctx.changes.subscribe(loop.wake)
    halt = threading.Event()
    thread = threading.Thread(target=loop.run, args=(halt,), name="boothapp-hub", daemon=True)
    start.wait()
    thread.start()
    began = time.monotonic()
    for n, badge in enumerate(badges_of(device, leads, devices)):
        if rate > 0:  # a booth's pace instead of flat out
            time.sleep(max(0.0, began + n / rate - time.monotonic()))
        lead, _ = ctx.leads.capture_scan(event_id, badge)
        if n % EDIT_EVERY == 0:
            draft = ctx.leads.draft_of(ctx.leads.get_lead(lead.id))
            ctx.leads.save_lead(replace(draft, notes=f"device {device} note {n}"))
    while ctx.hub.waiting():  # every change of this device is on the hub
        time.sleep(0.05)
    captured.release()
    stop.wait()
    halt.set()
    thread.join()
    ctx.hub.replicate_once()
    with ctx.db.read() as s:
        rows = s.execute(
            select(LeadRow.id, LeadRow.badge_key, LeadRow.notes).order_by(LeadRow.badge_key)
        ).all()
    digest = hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()
    keys = [r.badge_key for r in rows]
    results.put((device, lags, digest, keys, ctx.hub.waiting(), [list(r) for r in rows]))
    ctx.close()


def _explain_divergence(outcomes: list[Any]) -> None:
    """On stderr: what differs between the first device and any other (for diagnosis)."""
    first = {row[1]: row for row in outcomes[0][5]}
    for o in outcomes[1:]:
        if o[4]:
            print(f"device {o[0]}: {o[4]} change(s) not pushed", file=sys.stderr)
        for row in o[5]:
            if first.get(row[1]) != row:
                print(f"device {o[0]} {row} vs {first.get(row[1])}", file=sys.stderr)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=0, help="scans/s per device (0: flat out)")
    parser.add_argument("--quick", action="store_true", help="4 devices x 100 leads")
    args = parser.parse_args()
    if args.quick:
        args.devices, args.leads = 4, 100
    root = Path(tempfile.mkdtemp(prefix="boothapp-hub-bench-"))
    server = start_server(Path(tempfile.mkdtemp(prefix="boothapp-hub-pg-")))
    try:
        url = server.create_database(f"hub_{uuid.uuid4().hex[:8]}")
        HubService.init(url)
        dirs = []
        for i in range(args.devices):
            data = root / f"device{i}"
            data.mkdir()
            ctx = build_context(str(data))
            event = ctx.events.create_event(
                NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
            )
            ctx.hub.join(url, event.id, f"device {i}")
            ctx.close()
            dirs.append(str(data))
        mpc = mp.get_context("spawn")
        start, stop = mpc.Event(), mpc.Event()
        captured = mpc.Semaphore(0)
        results = mpc.Queue()
        procs = [
            mpc.Process(
                target=device_main,
                args=(
                    dirs[i],
                    i,
                    args.leads,
                    args.devices,
                    args.rate,
                    start,
                    captured,
                    stop,
                    results,
                ),
            )
            for i in range(args.devices)
        ]
        for p in procs:
            p.start()
        time.sleep(2)
        began = time.monotonic()
        start.set()
        for _ in procs:
            captured.acquire()
        captured_at = time.monotonic()
        admin_info = url.replace("postgresql+psycopg://", "postgresql://")
        expected_changes = 0
        with psycopg.connect(admin_info, autocommit=True) as admin:
            give_up = time.monotonic() + 900
            while time.monotonic() < give_up:  # until every device pushed and pulled all
                if any(p.exitcode not in (None, 0) for p in procs):
                    break  # a device failed: its figures say so
                total = admin.execute("SELECT count(*) FROM hub.changes").fetchone()[0]
                behind = admin.execute(
                    """SELECT coalesce(max(behind), 0) FROM (
                         SELECT (SELECT count(*) FROM hub.changes c
                                 WHERE c.global_seq > d.pull_cursor
                                   AND c.device_id <> d.device_id) AS behind
                         FROM hub.devices d) x"""
                ).fetchone()[0]
                expected_changes = total
                if behind == 0:
                    break
                time.sleep(0.2)
            pushed_at = admin.execute(
                "SELECT extract(epoch FROM max(received_at) - min(received_at)) FROM hub.changes"
            ).fetchone()[0]
        converged_at = time.monotonic()
        stop.set()
        outcomes = [results.get(timeout=600) for _ in procs]
        for p in procs:
            p.join(timeout=60)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(server.root, ignore_errors=True)
    visitors = set()
    for i in range(args.devices):
        visitors.update(badges_of(i, args.leads, args.devices))
    expected = {f"id:{b.lower()}" for b in visitors}
    lags = [lag for o in outcomes for lag in o[1]]
    lost = sum(len(expected - set(o[3])) for o in outcomes)
    duplicates = sum(len(o[3]) - len(set(o[3]) & expected) for o in outcomes)
    _explain_divergence(outcomes)
    figures = {
        "devices": args.devices,
        "leads_per_device": args.leads,
        "scans_per_s_per_device": args.rate or "flat out",
        "visitors": len(expected),
        "hub_changes": expected_changes,
        "lag_p50_ms": round(_percentile(lags, 0.50)),
        "lag_p95_ms": round(_percentile(lags, 0.95)),
        "lost": lost,
        "duplicates": duplicates,
        "converged": len({o[2] for o in outcomes}) == 1 and all(o[4] == 0 for o in outcomes),
        "changes_per_s": round(expected_changes / max(float(pushed_at or 0), 1e-3)),
        "capture_s": round(captured_at - began, 1),
        "converge_s": round(converged_at - captured_at, 1),
    }
    print(json.dumps({"bench": "hub", "figures": figures}))


if __name__ == "__main__":
    main()
