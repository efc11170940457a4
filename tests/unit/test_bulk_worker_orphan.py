"""A bulk capture's worker process ends with the process that spawned it (issue 23): a
demo build killed mid-way (kill -9) left its worker waiting for work, holding 611 MB."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import os, signal, sys
from pathlib import Path
from boothapp.services.bulk_worker import BulkWorker
worker = BulkWorker(True)
worker.start()
Path(sys.argv[1]).write_text(str(worker.submit(os.getpid)()))  # up, and has run a call
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by init) counts as ended.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_the_worker_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    # The pid through a file: the worker inherits the parent's stdout, and a pipe it holds
    # open would keep the test waiting as long as the worker lives.
    pid_file = tmp_path / "worker.pid"
    code = subprocess.run(
        [sys.executable, "-c", PARENT, str(pid_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,
    ).returncode
    assert code == -9
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(worker)
    if alive:  # do not leave it behind either way
        os.kill(worker, 9)
    assert not alive, "the worker outlived the process that spawned it"
