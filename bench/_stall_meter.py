"""The GUI thread's stalls, as the benches in the real window measure them (issue 23).

A 5 ms heartbeat ``QTimer`` on the GUI thread: each gap between two beats is how long the
thread could not run a timer, so the longest gap is the longest pause a person could feel.
Each gap from ``note_ms`` up is named by what the thread was doing: a watchdog thread samples
its Python stack while a beat is late, an event filter says which Qt event was being
dispatched (a stall in C++ paint or layout has no Python frame of its own), a gc callback
times every collection, and Linux schedstat splits the gap into time on a CPU, time waiting
for one (a busy box) and the rest (blocked: the GIL, a lock, I/O).

Used by bench/ui_latency.py (a scan session) and bench/ui_tour.py (pages, search, exports).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

STALL_TARGET_MS = 50.0
# Stalls from here up are named by cause (stall_causes): half the target, so what is close to
# it shows before it goes over (issue 23).
STALL_NOTE_MS = 25.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"median": 0.0, "p95": 0.0, "max": 0.0}
    return {
        "median": round(statistics.median(values), 1),
        "p95": round(pct(values, 0.95), 1),
        "max": round(max(values), 1),
    }


class StallMeter:
    """Heartbeat, stack sampling and gc timing on the GUI thread of ``app``.

    ``watched`` are the objects whose events name a stall in C++ (the application itself
    names every event, but its Python filter then costs the GUI thread the GIL for each
    paint of each widget: the instrument lengthened the stalls it named; issue 23).
    ``label_root`` names the functions the GUI thread idles in (``app.exec()`` or a dialog's
    ``exec()`` is called from them): a stall sampled there is C++ running with no Python
    frame of its own.
    """

    def __init__(
        self,
        app: Any,
        watched: list[Any],
        label_root: str | tuple[str, ...],
        note_ms: float = STALL_NOTE_MS,
        name_every_event: bool = False,
    ) -> None:
        from PySide6.QtCore import QEvent, QObject, Qt, QTimer

        self.note_ms = note_ms
        self.gaps: list[float] = []
        self.gap_at: list[float] = []  # when each gap ended (perf_counter)
        self.gap_after: dict[float, float] = {}  # beat before a stall over note_ms -> its gap
        self.split_after: dict[float, tuple[float, float]] = {}  # -> (ms on CPU, ms run queue)
        self.samples: dict[float, list[str]] = {}  # beat before the stall -> sampled labels
        self.stacks: dict[float, list[str]] = {}  # beat before the stall -> first deep stack
        self.gc_full_ms: list[float] = []
        self.gc_runs: list[tuple[float, float, int]] = []  # start, end, generation
        self.gc_where: dict[str, int] = {}
        # Young collections one by one: which thread ran each, its wall and CPU time (a
        # collection preempted by a busy box holds the GIL meanwhile) and what it looked at.
        self.gc_young: list[tuple[float, float, int, str, int, int]] = []
        self.on_beat: list[Callable[[], None]] = []
        self.last_beat: float | None = None
        roots = (label_root,) if isinstance(label_root, str) else label_root
        self._label_roots = tuple(f" {r}" for r in roots)
        self._name_every_event = name_every_event
        self._dispatch: dict[str, str] = {"event": ""}
        self._main_ident = threading.get_ident()
        self._stop = threading.Event()
        self._gc_start: dict[str, float] = {}
        # How the GUI thread spent a stall (Linux schedstat), the file kept open and read in
        # place: 200 beats a second on the GUI thread.
        sched_file = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._sched_fd = os.open(sched_file, os.O_RDONLY) if sched_file.exists() else -1
        self._last_sched: tuple[int, int] | None = None
        dispatch = self._dispatch

        class Dispatch(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                dispatch["event"] = f"{event.type().name} to {type(obj).__name__}"
                return False

        self._dispatcher = Dispatch()
        self._watched = [app] if name_every_event else watched
        self.heart = QTimer()
        self.heart.setTimerType(Qt.TimerType.PreciseTimer)
        self.heart.setInterval(5)
        self.heart.timeout.connect(self._beat)

    # -- running ----------------------------------------------------------------------------
    def start(self) -> None:
        for obj in self._watched:
            obj.installEventFilter(self._dispatcher)
        gc.callbacks.append(self._on_gc)
        threading.Thread(target=self._watchdog, daemon=True).start()
        self.heart.start()

    def stop(self) -> None:
        self.heart.stop()
        self._stop.set()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        for obj in self._watched:
            obj.removeEventFilter(self._dispatcher)
        if self._sched_fd >= 0:
            os.close(self._sched_fd)
            self._sched_fd = -1

    def _sched(self) -> tuple[int, int]:
        if self._sched_fd < 0:
            return (0, 0)
        ran, waited, _slices = os.pread(self._sched_fd, 128, 0).split()
        return int(ran), int(waited)

    def _beat(self) -> None:
        now = time.perf_counter()
        ran_waited = self._sched()
        last = self.last_beat
        if last is not None:
            gap = (now - last) * 1000
            self.gaps.append(gap)
            self.gap_at.append(now)
            if gap > self.note_ms:
                self.gap_after[last] = gap
                ran0, waited0 = self._last_sched or ran_waited
                self.split_after[last] = (
                    (ran_waited[0] - ran0) / 1e6,
                    (ran_waited[1] - waited0) / 1e6,
                )
        self._last_sched = ran_waited
        self.last_beat = now
        if not self._name_every_event:  # the window's event, if one starts before the next beat
            self._dispatch["event"] = "no window event"
        for hook in self.on_beat:
            hook()

    def _label_of(self, frame: object) -> tuple[str, list[str]]:
        stack = traceback.extract_stack(frame, limit=40)  # type: ignore[arg-type]
        lines = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack]
        app = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack
               if "boothapp" in f.filename]  # fmt: skip
        inner = lines[-1] if lines else "?"
        if inner.endswith(self._label_roots):
            # In app.exec(): C++ is running with no Python frame (paint, layout, a slot in C++).
            return f"Qt C++ during {self._dispatch['event']}", lines
        where = app[-1] if app else inner
        return (where if where == inner else f"{where} > {inner}"), lines

    def _watchdog(self) -> None:
        # Asleep until a beat is 20 ms late, then a sample every 2 ms: woken every 2 ms
        # throughout, the watchdog asked the GUI thread for the GIL 500 times a second, each
        # time making it wait for this thread to get a core on a busy box (issue 23).
        pause = 0.002
        while not self._stop.wait(pause):
            last = self.last_beat
            late = 0.0 if last is None else time.perf_counter() - last
            if last is None or late < 0.02:
                pause = 0.02 - late if last is not None else 0.005
                continue
            pause = 0.002
            frame = sys._current_frames().get(self._main_ident)
            if frame is None:
                continue
            label, lines = self._label_of(frame)
            # Holding the frame would keep its locals (a QPainter mid-paint) alive.
            del frame
            self.samples.setdefault(last, []).append(label)
            self.stacks.setdefault(last, lines[-8:])

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        # Garbage collections hold the GIL for their whole run, whichever thread runs them.
        start = self._gc_start
        if phase == "start":
            start["t"] = time.perf_counter()
            start["cpu"] = time.thread_time()
            start["young"] = gc.get_count()[0] + gc.get_count()[1] * 700
            if info.get("generation") == 2:
                # The callback runs on the thread whose allocation triggered the collection:
                # its innermost app frames say who made the garbage (issue 23).
                frames = [
                    f"{Path(f.filename).name}:{f.lineno} {f.name}"
                    for f in traceback.extract_stack(limit=40)[:-1]
                    if "boothapp" in f.filename
                ]
                where = f"{threading.current_thread().name}: " + " < ".join(frames[-1:-4:-1])
                self.gc_where[where] = self.gc_where.get(where, 0) + 1
        elif "t" in start:
            end = time.perf_counter()
            self.gc_runs.append((start["t"], end, info.get("generation", 0)))
            if info.get("generation") == 2:
                self.gc_full_ms.append((end - start["t"]) * 1000)
            else:
                self.gc_young.append((
                    (end - start["t"]) * 1000,
                    (time.thread_time() - start.get("cpu", 0.0)) * 1000,
                    info.get("generation", 0),
                    threading.current_thread().name,
                    info.get("collected", 0),
                    int(start.get("young", 0)),
                ))  # fmt: skip

    # -- figures ----------------------------------------------------------------------------
    def max_between(self, began: float, ended: float) -> float:
        """The longest gap that ended within [began, ended] (perf_counter), in ms."""
        inside = (g for g, at in zip(self.gaps, self.gap_at, strict=True) if began <= at <= ended)
        return round(max(inside, default=0.0), 1)

    def full_collections_between(self, began: float, ended: float) -> int:
        return sum(1 for s, _e, g in self.gc_runs if g == 2 and began <= s <= ended)

    def attribute(
        self, origin: float = 0.0
    ) -> tuple[list[dict[str, object]], list[str], list[dict[str, object]]]:
        return attribute_stalls(
            self.gap_after, self.samples, self.stacks, self.gc_runs, self.split_after, origin
        )

    def young_figures(self) -> dict[str, object]:
        young = self.gc_young
        return {
            "runs": len(young),
            "max_ms": round(max((g[0] for g in young), default=0.0), 1),
            "max_cpu_ms": round(max((g[1] for g in young), default=0.0), 1),
            "over_5ms": sum(1 for g in young if g[0] > 5),
            "worst": [
                {
                    "ms": round(w, 1),
                    "cpu_ms": round(c, 1),
                    "generation": gen,
                    "thread": t,
                    "collected": n,
                    "young_before": y,
                }
                for w, c, gen, t, n, y in sorted(young, reverse=True)[:4]
            ],
        }


def thread_cpu_ms() -> dict[str, float]:
    """CPU time so far (ms) of each live Python thread, by name (the GUI thread is
    MainThread; Qt pool threads that ran Python are Dummy-N), from Linux schedstat."""
    found: dict[str, float] = {}
    for thread in threading.enumerate():
        try:
            ran = Path(f"/proc/self/task/{thread.native_id}/schedstat").read_text().split()[0]
        except (OSError, IndexError):
            continue
        found[thread.name] = found.get(thread.name, 0.0) + int(ran) / 1e6
    return found


def attribute_stalls(
    gap_after: dict[float, float],
    samples: dict[float, list[str]],
    stacks: dict[float, list[str]],
    gc_runs: list[tuple[float, float, int]],
    split_after: dict[float, tuple[float, float]] | None = None,
    origin: float = 0.0,
) -> tuple[list[dict[str, object]], list[str], list[dict[str, object]]]:
    """Each stall over the target, named by what the GUI thread was doing: a garbage
    collection that overlapped it (generation and ms), else the label sampled most often.
    Each cause also says how its stall time was spent: on a CPU, waiting in the run queue
    for one (the box is busy), or blocked (the GIL, a lock, I/O).
    Returns the causes ranked by their longest stall, the worst stall's stack, and the five
    longest stalls each with when it came (seconds after ``origin``, the session's start): a
    stall in the first second is start-up work still running, one later is the scanning."""
    split_after = split_after or {}
    longest: list[dict[str, object]] = []
    by_cause: dict[str, dict[str, float]] = {}
    worst: tuple[float, list[str]] = (0.0, [])
    for start, gap in gap_after.items():
        end = start + gap / 1000
        overlap = [(min(e, end) - max(s, start), g) for s, e, g in gc_runs if s < end and e > start]
        gc_part = sum(ms for ms, _g in overlap) * 1000
        labels = samples.get(start, [])
        if gc_part >= gap / 2:
            cause = f"gc generation {max(g for _ms, g in overlap)}"
        elif labels:
            cause = max(set(labels), key=labels.count)
            if gc_part > 5:
                cause += f" (+gc {gc_part:.0f} ms)"
        else:
            cause = "not sampled (C call holding the GIL, or the watchdog starved)"
        row = by_cause.setdefault(
            cause,
            {"stalls": 0, "max_ms": 0.0, "total_ms": 0.0, "on_cpu_ms": 0.0, "run_queue_ms": 0.0,
             "blocked_ms": 0.0, "max_on_cpu_ms": 0.0},
        )  # fmt: skip
        on_cpu, queued = split_after.get(start, (0.0, 0.0))
        # The GUI thread's own work in its longest turn: what code changes can cut, whatever
        # the load of the box (issue 23).
        row["max_on_cpu_ms"] = round(max(row["max_on_cpu_ms"], on_cpu), 1)
        row["stalls"] += 1
        row["max_ms"] = round(max(row["max_ms"], gap), 1)
        row["total_ms"] = round(row["total_ms"] + gap, 1)
        row["on_cpu_ms"] = round(row["on_cpu_ms"] + on_cpu, 1)
        row["run_queue_ms"] = round(row["run_queue_ms"] + queued, 1)
        row["blocked_ms"] = round(row["blocked_ms"] + max(0.0, gap - on_cpu - queued), 1)
        at = round(start - origin, 2)
        longest.append({"ms": round(gap, 1), "at_s": at, "on_cpu_ms": round(on_cpu, 1),
                        "cause": cause})  # fmt: skip
        if gap > worst[0]:
            worst = (gap, [f"{gap:.0f} ms at {at} s: {cause}", *stacks.get(start, [])])
    ranked = sorted(by_cause.items(), key=lambda kv: -kv[1]["max_ms"])
    longest.sort(key=lambda r: -float(r["ms"]))  # type: ignore[arg-type]
    return [{"cause": c, **v} for c, v in ranked], worst[1], longest[:5]


class QtWarnings:
    """Qt's own warnings while a bench runs, each with where the app's Python was when Qt
    said it ("QPainter::end: Painter not active" names the widget that painted outside its
    paintEvent; issue 23). Counted by message; the first stack of each kept."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, object]] = {}
        self._previous: Any = None

    def install(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        self._previous = qInstallMessageHandler(self._handle)

    def uninstall(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self._previous)

    def _handle(self, mode: Any, _context: Any, message: str) -> None:
        if "propagateSizeHints" in message:  # the offscreen platform's own note, every window
            return
        row = self.seen.get(message)
        if row is None:
            frames = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(limit=30)[:-1]
                if "boothapp" in f.filename
            ]
            row = self.seen[message] = {
                "count": 0,
                "kind": getattr(mode, "name", str(mode)),
                "thread": threading.current_thread().name,
                "where": frames[-4:],
            }
        row["count"] = int(row["count"]) + 1  # type: ignore[call-overload]

    def figures(self) -> list[dict[str, object]]:
        return [{"message": m[:200], **row} for m, row in self.seen.items()]
