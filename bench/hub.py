"""The event hub under a booth's load (issue 19): N devices, each with its own SQLite file and
its own connections, capture leads while replicating through a real PostgreSQL on loopback
(started by the bench, as the tests start theirs) reached through a flaky TCP proxy
(``bench/_flaky_proxy.py``: a few ms of delay on every chunk, and at random moments every
connection cut and the network gone for 1-3 s).

Devices run as processes (``--per-process`` devices each, on threads: one process per device
for 20, ten processes of ten for 100). Each device captures one warm-up lead that every device
pulls before the show opens (in no figure; ``--cold``: none), then badge scans at ``--rate``
from its own seeded moment within the first interval (``--lockstep``: all at once) (10 % of
its visitors are also scanned by its partner device at the same moment, so they must end as
one lead) and edits every fifth lead's notes, while its replicator (``HubLoop``: pushes on every
local change, pulls when the hub's NOTIFY says another device pushed, polls as the fallback)
runs beside it. Capture stops after ``--leads`` or ``--time-limit`` seconds, whichever comes
first (then the figures are partial: ``leads_per_device`` says how many were captured); the
devices then replicate until the hub says nobody is behind.

Figures per device count: lag_p50_ms / lag_p95_ms (capture on one device to visible on every
other, per lead created from the hub; ``*_calm`` without the leads whose journey met a cut),
push_*_calm (capture to the hub) and pull_*_calm (hub to visible), lost (visitors captured
somewhere but missing on some device), duplicates (leads beyond one per visitor), converged
(every device ends with the same state hash), changes_per_s (changes the hub took per second
of capture), converge_s (from the later of the last capture and the last cut to every device
caught up), cuts; and what the run asked of the (shared) machine: device_cpu_s (the device
processes' CPU from the start to convergence), hub_cpu_s (PostgreSQL's), cores_used,
device_cpu_ms_per_change (device CPU per hub change per device), hub_cpu_ms_per_change and
proxy_cpu_ms_per_change (PostgreSQL's and the proxy's CPU per hub change), beside load_avg.
``--profile DIR`` times each thread's own CPU (``time.thread_time``), not the wall clock.

    python bench/hub.py --quick                 # make bench: 20 devices x 30 leads
    python bench/hub.py                         # 20 x 2000 and 100 x 2000, time-limited
    python bench/hub.py --devices 20 --leads 200 --rate 0.2 --time-limit 300
    python bench/hub.py --devices 20 --full     # 2,000 leads each, flat out, no time cap
    python bench/hub.py --devices 20 --leads 24 --time-limit 100 --trace   # + phases

The runs of session 14 (docs/HUB.md, "Session 14"):

    # device CPU per change, before/after the gathered pull, with cProfile of every device
    python bench/hub.py --devices 20 --leads 100 --rate 1 --time-limit 120 --profile DIR
    # the issue's 2,000 leads a device, at a rate this 2-core machine carries, capped
    python bench/hub.py --devices 20 --leads 2000 --rate 0.5 --time-limit 180
    # the gathered pull A/B: pull at once (0) against 0.25 s (--quick keeps its cuts)
    python bench/hub.py --quick --coalesce 0
    python bench/hub.py --quick --coalesce 0.25
    # 100 devices, two minutes of capture
    python bench/hub.py --devices 100 --leads 2000 --rate-large 0.05 --time-limit 120 \
        --converge-limit 300

Ends with one JSON line: {"bench": "hub", "figures": {"20": {...}, "100": {...}}}.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import logging
import multiprocessing as mp
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import select

from bench import _hub_trace
from boothapp.app import build_context
from boothapp.services import hub_worker
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.services.hub_worker import HubLoop
from boothapp.services.lead_changes import ChangeOrigin, LeadsChanged
from boothapp.store.tables import LeadRow
from boothapp.sync.hub.client import HubError
from tests.integration.pgserver import start_server

EVENT = "Bench Expo"
SHARE_EVERY = 10  # every 10th visitor of a device is also scanned by its partner
EDIT_EVERY = 5
HERE = Path(__file__).resolve().parent


def badges_of(device: int, leads: int, devices: int) -> list[str]:
    pair = device // 2 if devices > 1 and not (devices % 2 and device == devices - 1) else None
    out = []
    for k in range(leads):
        if pair is not None and k % SHARE_EVERY == 0:
            out.append(f"S-{pair}-{k}")
        else:
            out.append(f"D-{device}-{k}")
    return out


def process_main(data_dirs: list[str], first: int, cfg: dict[str, Any], sync: Any) -> None:
    """Run several devices on threads of this process (one process per device for 20)."""
    if cfg["coalesce"] is not None:  # --coalesce: the gathered pull's span, for an A/B
        hub_worker.COALESCE_S = cfg["coalesce"]
    threads = [
        threading.Thread(
            target=_device_guarded,
            args=(d, first + i, cfg, *sync),
            name=f"device-{first + i}",
        )
        for i, d in enumerate(data_dirs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _profiled(cfg: dict[str, Any], name: str, fn: Any, *args: Any) -> None:
    """``--profile DIR``: ``fn`` under cProfile (one thread's: a profiler sees only the
    thread it runs on), its statistics in DIR/name.prof, to tell device CPU per pulled change
    (the replicator's thread) from per capture (the device's)."""
    if not cfg["profile"]:
        fn(*args)
        return
    import cProfile

    # The thread's own CPU time, not wall time: on a saturated box a wall-time profile is
    # mostly waiting for a core, the write lock and the network (session 15).
    profiler = cProfile.Profile(time.thread_time)
    try:
        profiler.runcall(fn, *args)
    finally:
        profiler.dump_stats(str(Path(cfg["profile"]) / f"{name}.prof"))


def _device_guarded(data_dir: str, device: int, cfg: dict[str, Any], *sync: Any) -> None:
    try:
        _profiled(cfg, f"device-{device}-capture", _device, data_dir, device, cfg, *sync)
    except BaseException as exc:  # say so instead of hanging the run
        results = sync[-1]
        results.put({"device": device, "error": f"failed: {exc!r}"[:300]})
        sync[-2].release()
        sync[0].release()  # not ready, but not waited for either
        raise


def _device(
    data_dir: str, device: int, cfg: dict[str, Any], ready: Any, start: Any, halt_capture: Any,
    stop: Any, captured: Any, results: Any,
) -> None:  # fmt: skip
    logging.getLogger("boothapp.sync.credentials").setLevel(logging.ERROR)
    ctx = build_context(data_dir)
    event_id = ctx.events.find_event(EVENT).id
    seen: list[tuple[str, float]] = []  # (lead id, when it became visible here)

    def on_change(changed: LeadsChanged) -> None:
        if changed.origin is ChangeOrigin.HUB and changed.created:
            now = time.time()
            seen.extend((lead_id, now) for lead_id in changed.created)

    ctx.changes.subscribe(on_change)
    commits: dict[str, float] = {}  # --trace: lead id -> its capture's local commit

    def on_local(changed: LeadsChanged) -> None:
        if changed.origin is not ChangeOrigin.HUB:
            now = time.time()
            commits.update((lead_id, now) for lead_id in changed.created)

    db_trace = None
    if cfg["trace"]:
        _hub_trace.install()
        ctx.changes.subscribe(on_local)
        db_trace = _hub_trace.DbTrace(ctx.db)
    online = threading.Event()
    # When this device went offline and back online (time.time()), to tell how long a
    # reconnect took after the network came back.
    transitions: list[tuple[float, bool]] = []

    def on_state(st: Any) -> None:
        if not transitions or transitions[-1][1] != st.online:
            transitions.append((time.time(), st.online))
        if st.online:
            online.set()

    loop = HubLoop(ctx.hub, poll_s=cfg["poll_s"], on_state=on_state)
    traced = _hub_trace.LoopTrace(loop) if cfg["trace"] else None
    ctx.changes.subscribe(loop.wake)
    halt = threading.Event()
    thread = threading.Thread(
        target=_profiled,
        args=(cfg, f"device-{device}-replicator", loop.run, halt),
        name="boothapp-hub",
        daemon=True,
    )
    thread.start()  # online before the show opens, as the booth's laptops are
    online.wait(120)
    warmup = []
    if cfg["warm"]:
        # A laptop at a booth has scanned and pulled before: the first capture and the first
        # pull of a process pay for imports, compiled queries and caches (a tenth of a second
        # or more each). With 20-odd leads a device here, that once-a-day cost of the first
        # lead was a twentieth of the samples, i.e. the p95 itself (issue 19, session 13).
        # The warm-up lead is captured before the show opens and counts in no figure.
        lead, _ = ctx.leads.capture_scan(event_id, f"W-{device}")
        warmup.append(lead.id)
        while ctx.hub.waiting():
            time.sleep(0.05)
    ready.release()
    start.wait()
    cpu_began = time.process_time()  # this process's CPU (all its devices), for the figures
    # Devices at a booth do not scan in step: each starts at its own moment within its first
    # interval (seeded). In step (``--lockstep``, the bench before session 13), every device
    # captured in the same millisecond every 5 s: bursts of 20 captures, 20 pushes and 380
    # pulls at once, on two shared cores.
    offset = 0.0
    if cfg["rate"] > 0 and not cfg["lockstep"]:
        offset = random.Random(f"{cfg['seed']}-{device}").uniform(0, 1 / cfg["rate"])
    began = time.monotonic() + offset
    badges = []
    for n, badge in enumerate(badges_of(device, cfg["leads"], cfg["devices"])):
        if halt_capture.is_set():
            break
        pause = began + n / cfg["rate"] - time.monotonic() if cfg["rate"] > 0 else 0.0
        if pause > 0 and halt_capture.wait(pause):  # a booth's pace instead of flat out
            break
        lead, _ = ctx.leads.capture_scan(event_id, badge)
        badges.append(badge)
        if n % EDIT_EVERY == 0:
            draft = ctx.leads.draft_of(ctx.leads.get_lead(lead.id))
            ctx.leads.save_lead(replace(draft, notes=f"device {device} note {n}"))
    last_capture = time.time()
    while ctx.hub.waiting():  # every change of this device is on the hub
        time.sleep(0.05)
    captured.release()
    stop.wait()
    cpu_used = time.process_time() - cpu_began
    halt.set()
    thread.join()
    for attempt in range(40):  # a cut's outage may outlast the bench's last cut by seconds
        try:
            ctx.hub.replicate_once()
            break
        except HubError:
            if attempt == 39:
                raise
            time.sleep(0.25)
    with ctx.db.read() as s:
        rows = s.execute(
            select(LeadRow.id, LeadRow.badge_key, LeadRow.notes).order_by(LeadRow.badge_key)
        ).all()
    digest = hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()
    results.put(
        {
            "device": device,
            "seen": seen,
            "digest": digest,
            "keys": [r.badge_key for r in rows],
            "waiting": ctx.hub.waiting(),
            "rows": [list(r) for r in rows],
            "captured": badges,
            "warmup": warmup,
            "last_capture": last_capture,
            "process": os.getpid(),
            "process_cpu_s": cpu_used,
            "transitions": transitions,
            "trace": _hub_trace.device_record(ctx.hub.device_id, traced, commits)
            if traced is not None
            else None,
            "db_units": db_trace.units if db_trace is not None else None,
        }
    )
    ctx.close()


def _explain_divergence(outcomes: list[dict[str, Any]]) -> None:
    """On stderr: what differs between the first device and any other (for diagnosis)."""
    first = {row[1]: row for row in outcomes[0]["rows"]}
    shown = 0
    for o in outcomes[1:]:
        if o["waiting"]:
            print(f"device {o['device']}: {o['waiting']} change(s) not pushed", file=sys.stderr)
        for row in o["rows"]:
            if first.get(row[1]) != row and shown < 20:
                shown += 1
                print(f"device {o['device']} {row} vs {first.get(row[1])}", file=sys.stderr)


def _favour(pid: int) -> None:
    """At a booth the hub is another machine and the proxy is the network: neither competes
    with the devices for CPU. On this one machine they run at a higher priority (their
    backends inherit it), so the figures are the devices' own queueing, not the hub's place
    in the same run queue. Needs root; elsewhere nothing changes."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, -10)


def _postmaster(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def _pg_cpu_s(pgdata: Path) -> float:
    """CPU seconds of the PostgreSQL server so far: the postmaster, its live backends and
    the backends it has reaped (Linux /proc; 0 elsewhere)."""
    try:
        pid = _postmaster(pgdata)
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == pid:  # ppid: a backend
                total += int(fields[11]) + int(fields[12])
            elif stat.parent.name == str(pid):  # utime stime cutime cstime
                total += sum(int(f) for f in fields[11:15])
        return total / tick
    except (OSError, ValueError, IndexError):
        return 0.0


def _proc_cpu_s(pid: int) -> float:
    """CPU seconds of one process so far (Linux /proc; 0 elsewhere): the proxy's."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _reconnects(outcomes: list[dict[str, Any]], cuts: list[tuple[float, ...]]) -> list[float]:
    """Per device and time it went offline while the network was cut: ms from the end of the
    last cut to the device's first round done on a new connection (pushed and pulled)."""
    out = []
    for o in outcomes:
        marks = o["transitions"]
        for (off, was_up), (on, up) in itertools.pairwise(marks):
            if was_up or not up:
                continue
            healed = [b for _a, b in cuts if off <= b <= on]
            if healed:
                out.append((on - max(healed)) * 1000)
    return out


def _behind(admin: psycopg.Connection) -> int:
    """The most changes any device has still to pull."""
    return admin.execute(
        """SELECT coalesce(max(behind), 0) FROM (
             SELECT (SELECT count(*) FROM hub.changes c
                     WHERE c.global_seq > d.pull_cursor
                       AND c.device_id <> d.device_id) AS behind
             FROM hub.devices d) x"""
    ).fetchone()[0]


def _wait_caught_up(url: str, give_up: float) -> int:
    """Until every device pulled everything (or ``give_up``); the hub's changes so far."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as admin:
        admin.autocommit = True
        while _behind(admin) and time.monotonic() < give_up:
            time.sleep(0.2)
        return int(admin.execute("SELECT count(*) FROM hub.changes").fetchone()[0])


def _statements(admin: psycopg.Connection) -> list[dict[str, Any]]:
    """``--pg-stats``: the hub's statements by total time (pg_stat_statements), to tell
    which of a device's statements the hub's CPU per change goes to."""
    rows = admin.execute(
        """SELECT sum(calls)::bigint, sum(total_exec_time), sum(total_plan_time),
                  sum(rows)::bigint, q
           FROM (SELECT *, regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS q
                 FROM pg_stat_statements) s
           GROUP BY q ORDER BY sum(total_exec_time + total_plan_time) DESC LIMIT 12"""
    ).fetchall()
    return [
        {
            "calls": int(calls),
            "exec_s": round(ex / 1000, 2),
            "plan_s": round(plan / 1000, 2),
            "ms_per_call": round((ex + plan) / max(calls, 1), 3),
            "rows": int(n),
            "query": q,
        }
        for calls, ex, plan, n, q in rows
    ]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _start_proxy(target: int, args: argparse.Namespace, root: Path) -> tuple[Any, int, Path, Path]:
    log, armed = root / "cuts.log", root / "armed"
    proc = subprocess.Popen(
        [
            sys.executable, str(HERE / "_flaky_proxy.py"), "--target", str(target),
            "--cut-every", str(args.cut_every), "--outage", args.outage, "--seed", str(args.seed),
            "--delay-ms", args.delay_ms, "--log", str(log), "--armed", str(armed),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "listening":
        proc.kill()
        raise RuntimeError("the flaky proxy did not start")
    return proc, int(line[1]), log, armed


def run(devices: int, leads: int, args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="boothapp-hub-bench-"))
    # Two connections a device (its own and its LISTEN one), past PostgreSQL's default 100.
    server = start_server(
        Path(tempfile.mkdtemp(prefix="boothapp-hub-pg-")),
        options=f"-c max_connections={2 * devices + 50}"
        + (
            " -c shared_preload_libraries=pg_stat_statements"
            " -c pg_stat_statements.track_planning=on"
            if args.pg_stats
            else ""
        ),
    )
    proxy = None
    try:
        url = server.create_database(f"hub_{uuid.uuid4().hex[:8]}")
        HubService.init(url)
        if args.pg_stats:
            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as c:
                c.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        proxy, proxy_port, cut_log, armed = _start_proxy(server.port, args, root)
        _favour(_postmaster(server.root / "pgdata"))
        _favour(proxy.pid)
        via_proxy = url.replace(f":{server.port}/", f":{proxy_port}/")
        dirs = []
        for i in range(devices):
            data = root / f"device{i}"
            data.mkdir()
            ctx = build_context(str(data))
            event = ctx.events.create_event(
                NewEvent(name=EVENT, timezone="UTC", starts_on=date(2026, 12, 1))
            )
            ctx.hub.join(via_proxy, event.id, f"device {i}")
            ctx.close()
            dirs.append(str(data))
        per = args.per_process or (1 if devices <= 20 else 10)
        rate = args.rate if devices <= 20 else args.rate_large
        cfg = {
            "leads": leads,
            "devices": devices,
            "rate": rate,
            "poll_s": args.poll,
            "trace": args.trace,
            "warm": not args.cold,
            "lockstep": args.lockstep,
            "seed": args.seed,
            "profile": args.profile,
            "coalesce": args.coalesce,
        }
        mpc = mp.get_context("spawn")
        start, halt_capture, stop = mpc.Event(), mpc.Event(), mpc.Event()
        captured = mpc.Semaphore(0)
        results = mpc.Queue()
        ready = mpc.Semaphore(0)
        sync = (ready, start, halt_capture, stop, captured, results)
        procs = [
            mpc.Process(target=process_main, args=(dirs[i : i + per], i, cfg, sync))
            for i in range(0, devices, per)
        ]
        for p in procs:
            p.start()
        for _ in range(devices):  # every device built and online (and warmed up)
            ready.acquire(timeout=300)
        before_show = 0
        if not args.cold:  # every warm-up lead pulled everywhere before the show opens
            before_show = _wait_caught_up(url, time.monotonic() + 120)
        if args.pg_stats:  # the show's statements only, not the set-up's
            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as c:
                c.execute("SELECT pg_stat_statements_reset()")
        armed.touch()
        hub_cpu_began = _pg_cpu_s(server.root / "pgdata")
        proxy_cpu_began = _proc_cpu_s(proxy.pid)
        began = time.monotonic()
        start.set()
        # ``--time-limit 0``: no cap, every device captures its ``--leads``.
        deadline = began + args.time_limit if args.time_limit > 0 else float("inf")
        done = 0
        while done < devices:
            if captured.acquire(timeout=max(0.1, min(1.0, deadline - time.monotonic()))):
                done += 1
            elif time.monotonic() >= deadline and not halt_capture.is_set():
                halt_capture.set()  # the time is up: the figures will be partial
            if any(p.exitcode not in (None, 0) for p in procs):
                break
        captured_at = time.monotonic()
        admin_info = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin_info, autocommit=True) as admin:
            give_up = time.monotonic() + args.converge_limit
            behind = -1
            while time.monotonic() < give_up:  # until every device pushed and pulled all
                if any(p.exitcode not in (None, 0) for p in procs):
                    break  # a device failed: its figures say so
                behind = _behind(admin)
                if behind == 0:
                    break
                time.sleep(0.2)
            converged_wall = time.time()
            converged_at = time.monotonic()
            hub_cpu = _pg_cpu_s(server.root / "pgdata") - hub_cpu_began
            statements = _statements(admin) if args.pg_stats else []
            proxy_cpu = _proc_cpu_s(proxy.pid) - proxy_cpu_began
            armed.unlink()  # no more cuts while the devices hand in their figures
            total = admin.execute("SELECT count(*) FROM hub.changes").fetchone()[0]
            total -= before_show  # the warm-up leads
            hub_times = {
                lead_id: (at.timestamp(), received.timestamp())
                for lead_id, at, received in admin.execute(
                    "SELECT lead_id, at, received_at FROM hub.changes WHERE field = '*'"
                )
            }
        stop.set()
        outcomes = [results.get(timeout=900) for _ in range(devices)]
        for p in procs:
            p.join(timeout=60)
        cuts = [tuple(map(float, line.split())) for line in cut_log.read_text().splitlines()] if (
            cut_log.exists()
        ) else []  # fmt: skip
    finally:
        if proxy is not None:
            proxy.send_signal(signal.SIGTERM)
            proxy.wait(timeout=10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(server.root, ignore_errors=True)
    if args.trace_out:  # every record, for a closer look than the summary's
        Path(args.trace_out).write_text(
            json.dumps({"outcomes": outcomes, "hub_times": hub_times, "cuts": cuts})
        )
    failed = [o for o in outcomes if "error" in o]
    if failed:
        return {"devices": devices, "failed": [o["error"] for o in failed][:3]}
    expected = {f"id:{b.lower()}" for o in outcomes for b in o["captured"]}
    warm_keys = {f"id:w-{o['device']}" for o in outcomes if o["warmup"]}
    for lead_id in (lead_id for o in outcomes for lead_id in o["warmup"]):
        hub_times.pop(lead_id, None)  # before the show: in no figure
    # One sample per (lead, device that pulled it). A sample "met a cut" when a cut began
    # or ended between the capture and the pull; its lag after the heal counts from the end
    # of the last such cut. One captured during a cut more than 2 s before it ended cannot
    # be visible within 2 s whatever the app does (``cut_bound``).
    lags, calm, push, pull, healed = [], [], [], [], []
    cut_bound = heal_bound = 0
    for o in outcomes:
        for lead_id, visible in o["seen"]:
            if lead_id not in hub_times:
                continue
            at, received = hub_times[lead_id]
            lags.append((visible - at) * 1000)
            met = [b for a, b in cuts if a <= visible and b >= at]
            if not met:
                calm.append((visible - at) * 1000)
                push.append((received - at) * 1000)
                pull.append((visible - received) * 1000)
            else:
                healed.append((visible - max(at, max(met))) * 1000)
                # Captured while the network was gone and more than 2 s before it came back.
                cut_bound += any(a <= at <= b and b - at > 2.0 for a, b in cuts)
                # Or just before it, not out yet when it began: the network came back more
                # than 2 s after the capture all the same (``heal_bound``, session 13).
                heal_bound += max(met) - at > 2.0
    reconnects = _reconnects(outcomes, cuts)
    lost = sum(len(expected - set(o["keys"])) for o in outcomes)
    duplicates = sum(
        len(o["keys"]) - len(set(o["keys"]) & expected) - len(set(o["keys"]) & warm_keys)
        for o in outcomes
    )
    if len({o["digest"] for o in outcomes}) > 1:
        _explain_divergence(outcomes)
    captured_counts = [len(o["captured"]) for o in outcomes]
    last_event = max([max(o["last_capture"] for o in outcomes), *(b for _, b in cuts)])
    capture_s = captured_at - began
    # What the run asked of the machine (its two cores are shared: the load average says
    # how much else ran): the devices' processes and the hub, from the start to convergence.
    device_cpu = sum({o["process"]: o["process_cpu_s"] for o in outcomes}.values())
    span = max(converged_at - began, 1e-3)
    return {
        "devices": devices,
        "leads_per_device": min(captured_counts),
        "leads_asked": leads,
        "complete": min(captured_counts) == leads,
        "scans_per_s_per_device": (args.rate if devices <= 20 else args.rate_large) or "flat out",
        "visitors": len(expected),
        "hub_changes": total,
        "lag_p50_ms": round(_percentile(lags, 0.50)),
        "lag_p95_ms": round(_percentile(lags, 0.95)),
        "lag_p50_ms_calm": round(_percentile(calm, 0.50)),
        "lag_p95_ms_calm": round(_percentile(calm, 0.95)),
        "push_p50_ms_calm": round(_percentile(push, 0.50)),
        "push_p95_ms_calm": round(_percentile(push, 0.95)),
        "pull_p50_ms_calm": round(_percentile(pull, 0.50)),
        "pull_p95_ms_calm": round(_percentile(pull, 0.95)),
        "met_cut": len(lags) - len(calm),
        "met_cut_share": round((len(lags) - len(calm)) / max(len(lags), 1), 4),
        "cut_bound_share": round(cut_bound / max(len(lags), 1), 4),
        "heal_bound_share": round(heal_bound / max(len(lags), 1), 4),
        "lag_after_heal_p50_ms": round(_percentile(healed, 0.50)),
        "lag_after_heal_p95_ms": round(_percentile(healed, 0.95)),
        "reconnect_p50_ms": round(_percentile(reconnects, 0.50)),
        "reconnect_p95_ms": round(_percentile(reconnects, 0.95)),
        "lost": lost,
        "duplicates": duplicates,
        "converged": behind == 0
        and len({o["digest"] for o in outcomes}) == 1
        and all(o["waiting"] == 0 for o in outcomes),
        "changes_per_s": round(total / max(capture_s, 1e-3), 1),
        "capture_s": round(capture_s, 1),
        "converge_s": round(max(0.0, converged_wall - last_event), 1) if behind == 0 else None,
        "cuts": len(cuts),
        "device_cpu_s": round(device_cpu, 1),
        "hub_cpu_s": round(hub_cpu, 1),
        # PostgreSQL's and the proxy's CPU per hub change (each change is sent once and
        # read by every other device), beside the devices' per change and device.
        "hub_cpu_ms_per_change": round(1000 * hub_cpu / max(total, 1), 2),
        "proxy_cpu_s": round(proxy_cpu, 1),
        "proxy_cpu_ms_per_change": round(1000 * proxy_cpu / max(total, 1), 2),
        "cores_used": round((device_cpu + hub_cpu) / span, 2),
        "device_cpu_ms_per_change": round(1000 * device_cpu / max(total * devices, 1), 2),
        "load_avg": round(os.getloadavg()[0], 1),
        **({"statements": statements} if args.pg_stats else {}),
        **(
            {
                "trace": _hub_trace.phases(outcomes, hub_times, cuts),
                "db": _hub_trace.db_summary(outcomes),
                "retry_pauses": _hub_trace.pause_summary(outcomes),
            }
            if args.trace
            else {}
        ),
    }


def main() -> None:
    logging.getLogger("boothapp.sync.credentials").setLevel(logging.ERROR)  # no keyring here
    parser = argparse.ArgumentParser(  # --help shows the runs the figures come from
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, action="append", help="repeatable")
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=0.2, help="scans/s per device (0: flat)")
    parser.add_argument(
        "--rate-large", type=float, default=0.05, help="scans/s per device past 20 devices"
    )
    parser.add_argument("--time-limit", type=float, default=600, help="s of capture at most")
    parser.add_argument("--converge-limit", type=float, default=600)
    parser.add_argument("--per-process", type=int, default=0, help="devices per process")
    parser.add_argument("--poll", type=float, default=3.0, help="fallback poll (s)")
    parser.add_argument("--cut-every", type=float, default=30.0, help="mean s between cuts")
    parser.add_argument("--outage", default="1-3")
    parser.add_argument("--delay-ms", default="0-5")
    parser.add_argument("--seed", type=int, default=1, help="of the proxy's cuts")
    parser.add_argument(
        "--trace", action="store_true", help="phases of each lead's journey (bench/_hub_trace.py)"
    )
    parser.add_argument(
        "--lockstep", action="store_true", help="every device scans at the same moments"
    )
    parser.add_argument("--cold", action="store_true", help="no warm-up lead per device")
    parser.add_argument("--trace-out", default="", help="--trace: every record as JSON here")
    parser.add_argument(
        "--coalesce", type=float, default=None, help="the loop's COALESCE_S (0: pull at once)"
    )
    parser.add_argument("--profile", default="", help="cProfile each device process into DIR")
    parser.add_argument(
        "--pg-stats", action="store_true", help="the hub's top statements (pg_stat_statements)"
    )
    parser.add_argument("--quick", action="store_true", help="20 devices x 30 leads")
    parser.add_argument(
        "--full",
        action="store_true",
        help="the issue's 2,000 leads per device: flat-out capture, no time cap",
    )
    args = parser.parse_args()
    if args.quick:
        args.devices, args.leads = [20], 30
        args.rate, args.cut_every = 0.5, 20.0
    if args.full:  # the lags are still capture-to-visible on every other device
        args.leads, args.rate, args.rate_large, args.time_limit = 2000, 0.0, 0.0, 0.0
        args.converge_limit = max(args.converge_limit, 3600.0)
    plan = args.devices or [20, 100]
    figures = {}
    for n in plan:
        figures[str(n)] = run(n, args.leads, args)
        print(f"{n} devices: {json.dumps(figures[str(n)])}", file=sys.stderr, flush=True)
    print(json.dumps({"bench": "hub", "figures": figures}))


if __name__ == "__main__":
    main()
