"""CPU per pulled change on one device (issue 19): where the hub's lag went at 20 devices on
one machine was CPU, so this counts the device's own CPU time (``time.process_time``, not the
wall clock: the machine may be shared) for the replicator's work, against a real PostgreSQL
on loopback (no proxy, no cuts).

Three devices, each its own SQLite file: A captures ``--leads`` badges (every tenth visitor
also scanned by C, every fifth lead's notes edited); B then pulls them all (``bulk``, as a
device catching up), and then, one new lead at a time, B's round that pulls one lead
(``round_1``, what every device does on every other device's push), A's round that pushes
it (``push_round``), a round with nothing to do (``empty_round``, a poll), and B's round that
pushes its own scan and pulls one of A's (``push_pull_round``).

    python bench/hub_apply.py [--leads 200] [--rounds 60]
    python bench/hub_apply.py --merge 2000   # ``boothapp merge`` of a 2,000-lead file instead

``--merge N``: laptop A captures N badges (every fifth lead's notes edited, every tenth visitor
also on B); B merges A's file by the hub's rule (``merge_device_file``, what ``boothapp merge``
runs): CPU seconds of the merge (``merge_cpu_s``), no PostgreSQL needed.

Ends with one JSON line: {"bench": "hub_apply", "figures": {...}} (CPU ms, medians per round).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from boothapp.app import build_context
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.store.tables import LeadRow
from tests.integration.pgserver import start_server


def _median_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2] * 1000, 2)


def merge_figures(leads: int) -> dict[str, object]:
    """``boothapp merge`` of one laptop's file into another's, by the hub's rule."""
    from boothapp.services.device_merge import merge_device_file

    root = Path(tempfile.mkdtemp(prefix="boothapp-merge-bench-"))
    try:
        devices = []
        for name in ("a", "b"):
            data = root / name
            data.mkdir()
            ctx = build_context(str(data))
            event = ctx.events.create_event(
                NewEvent(name="Bench Expo", timezone="UTC", starts_on=date(2026, 12, 1))
            )
            devices.append((ctx, event.id))
        (a, ea), (b, eb) = devices
        for n in range(leads):
            lead, _ = a.leads.capture_scan(ea, f"S-{n}" if n % 10 == 0 else f"A-{n}")
            if n % 10 == 0:
                b.leads.capture_scan(eb, f"S-{n}")
            if n % 5 == 0:
                draft = a.leads.draft_of(a.leads.get_lead(lead.id))
                a.leads.save_lead(replace(draft, notes=f"note {n}"))
        keys = [a.db_key.raw] if a.db_key is not None else []
        a.close()
        began, wall = time.process_time(), time.perf_counter()
        report = merge_device_file(b.changes, eb, root / "a" / "boothapp.db", keys=keys)
        cpu_s, wall_s = time.process_time() - began, time.perf_counter() - wall
        with b.db.read() as s:
            held = len(s.execute(select(LeadRow.id)).all())
        b.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {
        "merge_leads": leads,
        "merge_cpu_s": round(cpu_s, 2),
        "merge_wall_s": round(wall_s, 2),
        "merge_added": report.added,
        "merge_combined": report.combined,
        "leads_after": held,
    }


def main() -> None:
    logging.disable(logging.WARNING)  # no keyring here: the fallback's warning is noise
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--merge", type=int, default=0, help="merge a file of N leads instead")
    args = parser.parse_args()
    if args.merge:
        print(json.dumps({"bench": "hub_apply", "figures": merge_figures(args.merge)}))
        return
    root = Path(tempfile.mkdtemp(prefix="boothapp-hub-apply-"))
    server = start_server(Path(tempfile.mkdtemp(prefix="boothapp-hub-apply-pg-")))
    try:
        url = server.create_database("hub_apply")
        HubService.init(url)
        devices = []
        for i in range(3):
            data = root / f"device{i}"
            data.mkdir()
            ctx = build_context(str(data))
            event = ctx.events.create_event(
                NewEvent(name="Bench Expo", timezone="UTC", starts_on=date(2026, 12, 1))
            )
            ctx.hub.join(url, event.id, f"device {i}")
            devices.append((ctx, event.id, ctx.hub.connect()))
        (a, ea, ca), (b, _eb, cb), (c, ec, cc) = devices
        for ctx, _e, conn in devices:
            ctx.hub.replicate(conn)
        for n in range(args.leads):
            lead, _ = a.leads.capture_scan(ea, f"S-{n}" if n % 10 == 0 else f"A-{n}")
            if n % 10 == 0:
                c.leads.capture_scan(ec, f"S-{n}")  # the same visitor on C
            if n % 5 == 0:
                draft = a.leads.draft_of(a.leads.get_lead(lead.id))
                a.leads.save_lead(replace(draft, notes=f"note {n}"))
        a.hub.replicate(ca)
        c.hub.replicate(cc)
        began = time.process_time()
        bulk = b.hub.replicate(cb)
        bulk_s = time.process_time() - began
        one, push, empty, both = [], [], [], []
        for n in range(args.rounds):
            a.leads.capture_scan(ea, f"R-{n}")
            began = time.process_time()
            a.hub.replicate(ca, check=False)
            push.append(time.process_time() - began)
            began = time.process_time()
            b.hub.replicate(cb, check=False)
            one.append(time.process_time() - began)
            began = time.process_time()
            b.hub.replicate(cb, check=False)
            empty.append(time.process_time() - began)
            # B's round that pushes its own scan and pulls one of A's (the push's mark goes
            # with the pull's transaction since session 17).
            a.leads.capture_scan(ea, f"P-{n}")
            a.hub.replicate(ca, check=False)
            b.leads.capture_scan(_eb, f"Q-{n}")
            began = time.process_time()
            b.hub.replicate(cb, check=False)
            both.append(time.process_time() - began)
            a.hub.replicate(ca, check=False)
        for ctx, _e, conn in devices * 2:
            ctx.hub.replicate(conn)
        hashes = set()
        for ctx, _e, _conn in devices:
            with ctx.db.read() as s:
                rows = s.execute(select(LeadRow.id, LeadRow.badge_key, LeadRow.notes)).all()
                hashes.add(hash(tuple(sorted(map(tuple, rows)))))
        figures = {
            "bulk_changes": bulk.pulled,
            "bulk_cpu_ms_per_change": round(1000 * bulk_s / max(bulk.pulled, 1), 2),
            "round_1_cpu_ms": _median_ms(one),
            "push_round_cpu_ms": _median_ms(push),
            "empty_round_cpu_ms": _median_ms(empty),
            "push_pull_round_cpu_ms": _median_ms(both),
            "converged": len(hashes) == 1,
        }
        for ctx, _e, conn in devices:
            conn.close()
            ctx.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(server.root, ignore_errors=True)
    print(json.dumps({"bench": "hub_apply", "figures": figures}))


if __name__ == "__main__":
    main()
