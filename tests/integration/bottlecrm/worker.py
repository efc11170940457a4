"""The app's own sync run as its own process, so a test or the bench can SIGKILL it mid-run and
start it again: ``build_context`` on a data folder (its SQLite file, device id and keyring file)
and ``SyncService.run`` for one event, exactly what ``boothapp sync`` does.

Usage: worker.py DATA_DIR EVENT_ID [LEASE_S]
Prints one line per batch: ``progress <done> <total> <leads/min>``; ``finished <stop reason>
<synced> <failed>`` at the end.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from boothapp.app import build_context
from boothapp.sync.engine import EngineConfig


def main(argv: list[str]) -> int:
    data_dir, event_id, *rest = argv
    lease = timedelta(seconds=float(rest[0])) if rest else timedelta(minutes=5)
    ctx = build_context(data_dir)
    config = EngineConfig(base_delay_s=0.2, max_delay_s=2, lease=lease)
    summary = ctx.sync.run(
        event_id,
        engine_config=config,
        max_seconds=600,
        progress=lambda p: print(f"progress {p.done} {p.total} {p.leads_per_min:.0f}", flush=True),
    )
    print(f"finished {summary.stopped} {summary.synced} {summary.failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
