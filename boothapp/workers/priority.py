"""Background threads give way to the GUI thread when the cores are busy (issue 23).

On a laptop with two cores the GUI thread shares them with the decode and camera threads, the
task pool (saves, the status strip's counts, follow-up sends) and whatever else runs. Measured
at a 50k-lead event (bench/ui_latency.py), stalls over 25 ms were 70 % waiting in the run queue
for a core and 16 % the GUI thread's own work: so background threads run at a lower priority
and the scheduler hands the GUI thread a core first. Nothing is skipped or slowed when a core
is free.

Linux keeps a nice value per thread (``setpriority`` on the thread's id touches that thread
only); elsewhere the same call would lower the whole process, so it is left to Qt there
(``QThreadPool.setThreadPriority``, which Linux ignores for ordinary threads).
"""

from __future__ import annotations

import os
import sys
import threading

# Mild on purpose: a background thread holding the GIL must still get a core soon enough to
# hand it over (a far lower priority would turn run-queue waits into GIL waits).
BACKGROUND_NICE = 5
_lowered = threading.local()


def lower_this_thread(nice: int = BACKGROUND_NICE) -> None:
    """Give the calling (background) thread a lower CPU priority, once; never raises."""
    if getattr(_lowered, "done", False):
        return
    _lowered.done = True
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        if current < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError:
        pass  # a sandbox that refuses it: the thread keeps its priority
