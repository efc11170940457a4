"""Per-change phase trace for ``bench/hub.py --trace`` (issue 19): where a lead's journey from
capture to visible on another device spends its time, so the tail of the lag can be named.

In each device process the hub client's ``push`` and ``pull`` are wrapped (the loop calls them
through the module), and each device's loop's wake-ups and rounds are recorded. Every record is
a wall-clock ``time.time()`` (one machine: the devices' and the hub's clocks are the same).
Nothing here changes what the app does; it only notes when it did it.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

from boothapp.services.hub_worker import HubLoop
from boothapp.sync.hub import client

CREATED = "*"
_lock = threading.Lock()
# device id -> list of (began, ended, lead ids of captures in it)
PUSHES: dict[str, list[tuple[float, float, list[str]]]] = defaultdict(list)
PULLS: dict[str, list[tuple[float, float, list[str]]]] = defaultdict(list)
_installed = False


def install() -> None:
    """Wrap the client's push and pull once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    push, pull = client.push, client.pull

    def traced_push(conn: Any, device_id: str, changes: Any) -> int:
        began = time.time()
        out = push(conn, device_id, changes)
        leads = [c.lead_id for c in changes if c.field == CREATED]
        with _lock:
            PUSHES[device_id].append((began, time.time(), leads))
        return out

    def traced_pull(conn: Any, device_id: str, *args: Any) -> Any:
        began = time.time()
        out = pull(conn, device_id, *args)
        leads = [c.lead_id for c in out if c.field == CREATED]
        with _lock:
            PULLS[device_id].append((began, time.time(), leads))
        return out

    client.push = traced_push  # type: ignore[assignment]
    client.pull = traced_pull  # type: ignore[assignment]


class LoopTrace:
    """One device's loop: when its wait ended on a wake-up, and when each round began."""

    def __init__(self, loop: HubLoop) -> None:
        self.wakes: list[float] = []
        self.rounds: list[float] = []
        self.pauses: list[tuple[float, float]] = []  # (when, how long) waits before a retry
        wait, round_, pause = loop._wait, loop._round, loop._pause

        def traced_wait(ears: Any, timeout_s: float) -> bool:
            woke = wait(ears, timeout_s)
            if woke:
                self.wakes.append(time.time())
            return woke

        def traced_round(conn: Any) -> None:
            self.rounds.append(time.time())
            round_(conn)

        def traced_pause(stop: Any, seconds: float, *args: Any, **kwargs: Any) -> None:
            self.pauses.append((time.time(), seconds))
            pause(stop, seconds, *args, **kwargs)

        loop._pause = traced_pause  # type: ignore[method-assign]
        loop._wait = traced_wait  # type: ignore[method-assign]
        loop._round = traced_round  # type: ignore[method-assign]


def device_record(device_id: str, loop: LoopTrace, commits: dict[str, float]) -> dict[str, Any]:
    with _lock:
        return {
            "pushes": list(PUSHES.get(device_id, [])),
            "pulls": list(PULLS.get(device_id, [])),
            "wakes": loop.wakes,
            "rounds": loop.rounds,
            "pauses": loop.pauses,
            "commits": commits,
        }


PHASES = (
    "commit",  # capture stamp to the capturing device's local commit (door listener)
    "to_push",  # local commit to the push call that carried it
    "push",  # the push call (network, advisory lock, insert, NOTIFY trigger)
    "to_pull",  # push done to the pulling device's pull call that fetched it
    "pull",  # the pull call (one statement)
    "apply",  # pull returned to visible (claims, the SQLite transaction, listeners)
)


def phases(
    outcomes: list[dict[str, Any]],
    hub_times: dict[str, tuple[float, float]],
    cuts: list[tuple[float, ...]],
) -> dict[str, Any]:
    """Per (lead, pulling device) sample: the phases above; the median of each over all samples
    and their mean over the samples in the lag's top 5 %, plus what ``to_pull`` was made of
    there (a wake-up came, or a round already running, or the poll)."""
    import bisect

    pushed: dict[str, tuple[float, float, float]] = {}  # lead -> commit, push began, ended
    for o in outcomes:
        tr = o.get("trace")
        if not tr:
            continue
        for began, ended, leads in tr["pushes"]:
            for lead in leads:
                if lead not in pushed and lead in tr["commits"]:
                    pushed[lead] = (tr["commits"][lead], began, ended)
    samples: list[tuple[float, dict[str, float], bool]] = []
    for o in outcomes:
        tr = o.get("trace")
        if not tr:
            continue
        fetched: dict[str, tuple[float, float]] = {}
        for began, ended, leads in tr["pulls"]:
            for lead in leads:
                fetched.setdefault(lead, (began, ended))
        wakes, rounds = sorted(tr["wakes"]), sorted(tr["rounds"])
        for lead, visible in o["seen"]:
            if lead not in pushed or lead not in fetched or lead not in hub_times:
                continue
            at = hub_times[lead][0]
            commit, push_began, push_ended = pushed[lead]
            pull_began, pull_ended = fetched[lead]
            # The round that fetched it began at or before the pull; was it begun by a
            # wake-up after the push (NOTIFY), or was a round running when the push landed?
            r = bisect.bisect_right(rounds, pull_began) - 1
            round_began = rounds[r] if r >= 0 else pull_began
            w = bisect.bisect_left(wakes, push_ended)
            first_wake = wakes[w] if w < len(wakes) else pull_began
            calm = not any(a <= visible and b >= at for a, b in cuts)
            samples.append(
                (
                    visible - at,
                    {
                        "commit": commit - at,
                        "to_push": push_began - commit,
                        "push": push_ended - push_began,
                        "to_pull": pull_began - push_ended,
                        "pull": pull_ended - pull_began,
                        "apply": visible - pull_ended,
                        # parts of to_pull
                        "notify": max(0.0, min(first_wake, pull_began) - push_ended),
                        "round_started_before_push": float(round_began < push_ended),
                        "wake_to_pull": max(0.0, pull_began - max(round_began, push_ended)),
                    },
                    calm,
                )
            )
    return {
        "all": _summary(samples),
        "calm": _summary([s for s in samples if s[2]]),
    }


def _summary(samples: list[tuple[float, dict[str, float], bool]]) -> dict[str, Any]:
    if not samples:
        return {}
    samples = sorted(samples, key=lambda s: s[0])
    tail = samples[int(0.95 * len(samples)) :]
    keys = list(samples[0][1])

    def median(vals: list[float]) -> float:
        return sorted(vals)[len(vals) // 2]

    # Times in ms; ``round_started_before_push`` is a share (of the samples).
    scale = {k: 1.0 if k == "round_started_before_push" else 1000.0 for k in keys}
    return {
        "samples": len(samples),
        "median": {k: round(scale[k] * median([s[1][k] for s in samples]), 2) for k in keys},
        "tail_mean": {k: round(scale[k] * sum(s[1][k] for s in tail) / len(tail), 2) for k in keys},
        "tail_from_ms": round(1000 * tail[0][0]),
    }


class DbTrace:
    """One device's SQLite units of work: per unit the wall and CPU time, the time in SQL
    statements, the longest statement (a wait for the write lock shows there), the wait for
    ``BEGIN IMMEDIATE`` and the commit; by thread (capture or replicator)."""

    def __init__(self, db: Any) -> None:
        from sqlalchemy import event

        self.units: list[dict[str, Any]] = []
        self._local = threading.local()
        session = db.session

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *_a: Any) -> None:
            conn.info["_trace_t"] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *_a: Any) -> None:
            unit = getattr(self._local, "unit", None)
            if unit is None:
                return
            dt = time.perf_counter() - conn.info.pop("_trace_t", time.perf_counter())
            unit["sql"] += dt
            unit["max_stmt"] = max(unit["max_stmt"], dt)
            if statement.startswith("BEGIN IMMEDIATE"):
                unit["begin"] = dt

        @event.listens_for(db.engine, "commit")
        def _commit(conn: Any) -> None:
            unit = getattr(self._local, "unit", None)
            if unit is not None:
                unit["_commit_t"] = time.perf_counter()

        from contextlib import contextmanager

        @contextmanager
        def traced(immediate: bool = False, durable: bool = True) -> Any:
            unit = {"thread": threading.current_thread().name, "immediate": immediate,
                    "sql": 0.0, "max_stmt": 0.0, "begin": 0.0}  # fmt: skip
            self._local.unit = unit
            w, c = time.perf_counter(), time.thread_time()
            try:
                with session(immediate=immediate, durable=durable) as s:
                    yield s
            finally:
                end = time.perf_counter()
                unit["wall"], unit["cpu"] = end - w, time.thread_time() - c
                unit["commit"] = end - unit.pop("_commit_t", end)
                self._local.unit = None
                self.units.append(unit)

        db.session = traced


def pause_summary(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """The retry pauses the devices took offline: how many, the longest, and how many were
    over a second (the grown ones, past the first 10 s of an outage)."""
    pauses = [p for o in outcomes for p in (o.get("trace") or {}).get("pauses", [])]
    return {
        "pauses": len(pauses),
        "over_1s": sum(1 for _t, sec in pauses if sec > 1.0),
        "longest_s": round(max((sec for _t, sec in pauses), default=0.0), 2),
        "devices_paused_over_1s": sum(
            1
            for o in outcomes
            if any(sec > 1.0 for _t, sec in (o.get("trace") or {}).get("pauses", []))
        ),
    }


def db_summary(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind of unit (the capture thread's saves, the replicator's pulls): median and p95
    of each of its times, in ms."""
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in outcomes:
        for u in o.get("db_units") or []:
            kind = "replicator" if u["thread"] == "boothapp-hub" else "capture"
            kinds[f"{kind}{'_immediate' if u['immediate'] else ''}"].append(u)
    out: dict[str, Any] = {}
    for kind, units in kinds.items():
        row: dict[str, Any] = {"units": len(units)}
        for key in ("wall", "cpu", "sql", "max_stmt", "begin", "commit"):
            vals = sorted(u[key] for u in units)
            row[key] = (
                round(1000 * vals[len(vals) // 2], 1),
                round(1000 * vals[int(0.95 * len(vals))], 1),
            )
        out[kind] = row
    return out
