"""End to end against a real BottleCRM (PyPI django-crm 1.35.0; CRM.md §3.2): the lead-intake
webhook upserts on external_id = the lead UUID (201 created / 200 duplicate), and answers 429
with Retry-After over LEAD_INTAKE_THROTTLE_MINUTE. The first run migrates a template (~2 min)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.crm.bottlecrm import BottleCrmAdapter, BottleCrmConfig
from boothapp.sync.engine import EngineConfig, SyncEngine
from boothapp.sync.outbox import AttemptOutcome, MemoryOutbox
from tests.integration.bottlecrm.harness import REPO, BottleCrm
from tests.integration.fakes.sqlite_outbox import SqliteOutbox

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def records(prefix: str, n: int) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"{prefix}-{i:04d}-4a1e-8000-00000000beef",
            {"first_name": f"Ada{i}", "last_name": "Lovelace", "company_name": "Analytical"},
            email=f"ada.{prefix}.{i}@analytical-example.com",
            event_name="MedTech 2026",
            notes=(f"booth chat {i}",),
            task=SyncTask("Call back") if i % 50 == 0 else None,
        )
        for i in range(n)
    ]


def start_worker(db: Path, crm: BottleCrm, lease_s: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.bottlecrm.worker",
            str(db),
            crm.base_url,
            crm.intake_id,
            crm.intake_key,
            crm.pat,
            str(lease_s),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_worker_killed_mid_run_resumes_to_exactly_200_leads(bottlecrm: BottleCrm, tmp_path):
    db = tmp_path / "outbox.sqlite3"
    outbox = SqliteOutbox(db)
    recs = records("kill", 200)
    for r in recs:
        outbox.enqueue("bottlecrm", r, datetime.now(UTC))

    first = start_worker(db, bottlecrm, lease_s=2)
    assert first.stdout is not None
    for line in first.stdout:
        if line.startswith("progress") and int(line.split()[1]) >= 70:
            break
    first.send_signal(signal.SIGKILL)  # no chance to finish the batch or mark anything
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    killed_at = outbox.counts("bottlecrm")
    assert 70 <= killed_at.done < 200

    second = start_worker(db, bottlecrm, lease_s=2)
    out, _ = second.communicate(timeout=240)
    assert "finished idle" in out

    counts = outbox.counts("bottlecrm")
    assert (counts.done, counts.failed, counts.pending, counts.in_flight) == (200, 0, 0, 0)
    in_crm = Counter(x for x in bottlecrm.lead_external_ids() if x.startswith("kill-"))
    assert len(in_crm) == 200 and max(in_crm.values()) == 1
    assert set(in_crm) == {r.lead_id for r in recs}
    remote = {i.lead_id: i.remote_id for i in outbox.items("bottlecrm")}
    assert len(set(remote.values())) == 200  # each lead kept its own BottleCRM id


def test_repeat_after_success_is_a_duplicate_no_op(bottlecrm: BottleCrm):
    adapter = BottleCrmAdapter(
        BottleCrmConfig(
            bottlecrm.base_url, bottlecrm.intake_id, bottlecrm.intake_key, bottlecrm.pat
        )
    )
    recs = records("rep", 2)
    first = adapter.push(recs)
    again = adapter.push(recs)
    assert [r.created for r in first.results] == [True, True]
    assert [r.created for r in again.results] == [False, False]
    assert [r.remote_id for r in first.results] == [r.remote_id for r in again.results]
    assert Counter(x for x in bottlecrm.lead_external_ids() if x.startswith("rep-")) == {
        recs[0].lead_id: 1,
        recs[1].lead_id: 1,
    }


def test_intake_throttle_429_retry_after_is_honoured(bottlecrm_throttled: BottleCrm):
    crm = bottlecrm_throttled
    adapter = BottleCrmAdapter(
        BottleCrmConfig(crm.base_url, crm.intake_id, crm.intake_key, crm.pat)
    )
    outbox = MemoryOutbox()
    outbox.enqueue_many("bottlecrm", records("thr", 8), datetime.now(UTC))
    t0 = time.monotonic()
    report = SyncEngine(outbox, adapter, EngineConfig(base_delay_s=0.2)).drain(max_seconds=60)
    elapsed = time.monotonic() - t0
    assert report.synced == 8 and report.failed == 0
    throttled = [
        a for i in outbox.items() for a in i.attempts if a.outcome == AttemptOutcome.THROTTLED
    ]
    assert throttled and all(a.http_status == 429 for a in throttled)
    assert all(i.failures == 0 for i in outbox.items())
    assert elapsed >= 2  # 8 posts at 3 per second, waiting as told in between
    assert sorted(x for x in crm.lead_external_ids() if x.startswith("thr-")) == sorted(
        r.lead_id for r in records("thr", 8)
    )
