"""The sync worker as its own process, so a test can SIGKILL it mid-run and start it again.

Usage: worker.py OUTBOX_SQLITE BASE_URL INTAKE_ID INTAKE_KEY PAT LEASE_S
Prints one line per batch: ``progress <done> <total>``; ``finished <stop reason>`` at the end.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from boothapp.sync.crm.bottlecrm import BottleCrmAdapter, BottleCrmConfig
from boothapp.sync.engine import EngineConfig, SyncEngine
from tests.integration.fakes.sqlite_outbox import SqliteOutbox


def main(argv: list[str]) -> int:
    db, base, intake_id, key, pat, lease = argv
    outbox = SqliteOutbox(Path(db))
    adapter = BottleCrmAdapter(BottleCrmConfig(base, intake_id, key, pat, timeout_s=30))
    config = EngineConfig(base_delay_s=0.2, max_delay_s=2, lease=timedelta(seconds=float(lease)))
    report = SyncEngine(outbox, adapter, config).drain(
        progress=lambda p: print(f"progress {p.done} {p.total}", flush=True), max_seconds=240
    )
    print(f"finished {report.stopped} {report.synced} {report.failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
