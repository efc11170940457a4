"""Keyboard-only capture in the real desktop window (issue 15): keystrokes and time per lead.

A handheld scanner types each visitor's badge id (the demo roster fills the name), then an
automated staff member answers with the keyboard alone, the way the form teaches it: digits
for the first three questions (budget, role, interests) and Enter to save. Every key goes
through Qt as a real key event to the widget that has focus; nothing is set directly.

Figures (offscreen Qt, GUI thread):

* keystrokes per lead after the scan (target: under 10),
* scan result on screen: from the burst's last key to the first visible and audible result
  (``result_shown``), and to the final accepted/duplicate result; target <= 150 ms,
* ms per lead: from the burst to the saved lead (including the staff's key presses at a
  60 ms human pace, reported separately).

    python bench/keystrokes.py [--leads 20]

One JSON line at the end.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HUMAN_GAP_MS = 60  # a person pressing keys; a scanner types every 1-15 ms
RESULT_TARGET_MS = 150.0
ANSWER_KEYS = ("1", "3", "2")  # budget < 10k, role "User", interested in "Analytics"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": _pct(values, 0.5), "p95": _pct(values, 0.95), "max": round(max(values), 1)}


def settle(app: object, runner: object, quiet_rounds: int = 3) -> float:
    """Wait until the window has started: its start-up tasks (mail setup, camera list,
    phone metadata, the signed-in pages' first loads) done and their results delivered.

    Typing before that measured the start-up, not a lead: the first burst's result waited
    behind those loads (p95 129 ms on 10 leads, 19 ms once settled)."""
    from PySide6.QtTest import QTest

    started = time.perf_counter()
    quiet = 0
    while quiet < quiet_rounds:
        busy = not runner.wait(0)  # type: ignore[attr-defined]
        runner.wait(10_000)  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        QTest.qWait(50)  # callbacks may start follow-up tasks
        quiet = 0 if busy else quiet + 1
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20)
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from boothapp.app import build_context
    from boothapp.demo.build import build_demo
    from boothapp.demo.people import make_people
    from boothapp.ui.desktop_window import DesktopWindow
    from boothapp.workers.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    data = Path(tempfile.mkdtemp(prefix="boothapp-keys-"))
    ctx = build_context(str(data))
    summary = build_demo(ctx, leads=0)
    event = summary.event
    people = make_people(args.leads + 10, 11)[10 : 10 + args.leads]  # roster, not yet leads
    runner = TaskRunner()
    window = DesktopWindow(ctx, runner, event)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    staff = ctx.staff.list_staff(event.id)[0]
    window.sign_in.signed_in.emit(ctx.staff.with_role(staff))  # the PIN pad is not measured
    scan = window.scan
    startup_ms = settle(app, runner)

    def wait(condition: object, timeout_ms: int = 5000) -> None:
        clock = QElapsedTimer()
        clock.start()
        while not condition():  # type: ignore[operator]
            app.processEvents()
            if clock.elapsed() > timeout_ms:
                raise SystemExit("timed out waiting for the form")
            time.sleep(0.001)

    results: list[tuple[str, float]] = []
    burst_end = [0.0]
    scan.result_shown.connect(
        lambda kind, _words: results.append((kind, (time.perf_counter() - burst_end[0]) * 1000))
    )
    saved: list[float] = []
    scan.lead_saved.connect(lambda _lead: saved.append(time.perf_counter()))

    keystrokes, first_result, final_result, per_lead, keying = [], [], [], [], []
    for person in people:
        results.clear()
        target = QApplication.focusWidget() or window
        for char in person.badge_id:  # the scanner: one fast burst and Enter
            QTest.keyClick(target, char)
        burst_end[0] = time.perf_counter()
        QTest.keyClick(target, Qt.Key.Key_Return)
        wait(lambda: scan.form_open and bool(results) and results[-1][0] != "read")
        first_result.append(results[0][1])
        final_result.append(results[-1][1])
        count = 0
        keys_start = time.perf_counter()
        for key in ANSWER_KEYS:
            QTest.qWait(HUMAN_GAP_MS)
            QTest.keyClick(QApplication.focusWidget(), key)
            count += 1
        QTest.qWait(HUMAN_GAP_MS)
        before = len(saved)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        count += 1
        wait(lambda before=before: len(saved) > before and not scan.form_open)
        keying.append((keys_start - burst_end[0]) * 1000)
        per_lead.append((saved[-1] - burst_end[0]) * 1000)
        keystrokes.append(count)
    leads = ctx.leads.list_leads(event.id)
    answered = sum(1 for lead in leads if lead.answers.get("budget") == "under_10k"
                   and lead.answers.get("authority") == "user"
                   and lead.answers.get("interests") == ["analytics"])  # fmt: skip
    window.close()
    runner.wait(5000)
    ctx.close()
    figures = {
        "leads": len(people),
        "saved_with_answers": answered,
        "keystrokes_per_lead_max": max(keystrokes),
        "keystrokes_per_lead_median": statistics.median(keystrokes),
        "keystrokes_target": "< 10",
        "scan_result_first_ms": _spread(first_result),
        "scan_result_final_ms": _spread(final_result),
        "result_target_ms": RESULT_TARGET_MS,
        "startup_wait_ms": round(startup_ms, 1),
        "ms_per_lead_median": _pct(per_lead, 0.5),
        "ms_per_lead_p95": _pct(per_lead, 0.95),
        # The app's own share: the wait for the form after the burst, and the whole lead less
        # the staff's paced key presses.
        "form_after_burst_ms": _spread(keying),
        "ms_per_lead_app_median": _pct(
            [ms - HUMAN_GAP_MS * (len(ANSWER_KEYS) + 1) for ms in per_lead], 0.5
        ),
        "human_key_gap_ms": HUMAN_GAP_MS,
        "ok": max(keystrokes) < 10
        and answered == len(people)
        and max(first_result) <= RESULT_TARGET_MS
        and _pct(final_result, 0.95) <= RESULT_TARGET_MS,
    }
    for key, value in figures.items():
        print(f"{key:<30}{value}")
    print(
        f"per lead: {statistics.median(keystrokes):g} keystrokes after the scan, "
        f"{figures['ms_per_lead_median']} ms (median, keys at a {HUMAN_GAP_MS} ms pace)"
    )
    print(json.dumps({"bench": "keystrokes", "figures": figures}))


if __name__ == "__main__":
    main()
