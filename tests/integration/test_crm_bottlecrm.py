"""End to end against a real BottleCRM (PyPI django-crm 1.35.0; CRM.md §3.2): the lead-intake
webhook upserts on external_id = the lead UUID (201 created / 200 duplicate), and answers 429
with Retry-After over LEAD_INTAKE_THROTTLE_MINUTE. The first run migrates a template (~2 min)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from boothapp.app import build_context
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.crm.base import SyncRecord, SyncTask
from boothapp.sync.crm.bottlecrm import BottleCrmAdapter, BottleCrmConfig
from boothapp.sync.engine import EngineConfig, SyncEngine
from boothapp.sync.outbox import AttemptOutcome, MemoryOutbox
from boothapp.sync.settings import CrmSettings
from tests.integration.bottlecrm.harness import REPO, BottleCrm

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def records(prefix: str, n: int, plain: bool = False) -> list[SyncRecord]:
    return [
        SyncRecord(
            f"{prefix}-{i:04d}-4a1e-8000-00000000beef",
            {"first_name": f"Ada{i}", "last_name": "Lovelace", "company_name": "Analytical"},
            email=f"ada.{prefix}.{i}@analytical-example.com",
            event_name="MedTech 2026",
            notes=() if plain else (f"booth chat {i}",),
            task=None if plain or i % 50 else SyncTask("Call back"),
        )
        for i in range(n)
    ]


def start_worker(data_dir: Path, event_id: str) -> subprocess.Popen[str]:
    """The app's own sync run (``SyncService.run`` on the app's SQLite file) in a process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.bottlecrm.worker", str(data_dir), event_id],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def app_event(data_dir: Path, crm: BottleCrm, name: str, n: int) -> tuple[object, str, list[str]]:
    """An event synced to the real BottleCRM with ``n`` leads saved at the booth, each with a
    note (queued as the app queues them: lead + note items)."""
    ctx = build_context(str(data_dir))
    event_id = ctx.events.create_event(NewEvent(name=name)).id
    settings = CrmSettings("bottlecrm", crm.base_url, intake_id=crm.intake_id)
    ctx.sync.configure(event_id, settings, {"intake_key": crm.intake_key, "api_token": crm.pat})
    ids = [
        ctx.leads.save_lead(
            LeadDraft(
                event_id,
                Contact(
                    first_name=f"Ada{i}",
                    last_name="Lovelace",
                    company="Analytical",
                    email=f"ada.{name.lower().replace(' ', '-')}.{i}@analytical-example.com",
                ),
                notes=f"booth chat {i}",
            )
        ).id
        for i in range(n)
    ]
    return ctx, event_id, ids


def test_app_killed_mid_run_resumes_at_once_with_every_lead_and_note(
    bottlecrm: BottleCrm, tmp_path
):
    data = tmp_path / "data"
    _ctx, event_id, ids = app_event(data, bottlecrm, "Kill Show", 120)

    first = start_worker(data, event_id)
    assert first.stdout is not None
    for line in first.stdout:
        if line.startswith("progress") and int(line.split()[1]) >= 60:
            break
    first.send_signal(signal.SIGKILL)  # no chance to finish the batch or mark anything
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL

    # The restarted run reclaims this device's leases at once (not after their 5 minutes).
    t0 = time.monotonic()
    second = start_worker(data, event_id)
    assert second.stdout is not None
    first_progress = None
    lines = []
    for line in second.stdout:
        lines.append(line)
        if first_progress is None and line.startswith("progress"):
            first_progress = time.monotonic() - t0
    second.wait(timeout=300)
    assert any(x.startswith("finished idle") for x in lines), lines[-3:]
    assert first_progress is not None and first_progress < 10

    ctx = build_context(str(data))
    status = ctx.sync.status(event_id)
    assert (status.done, status.failed, status.pending, status.in_flight) == (120, 0, 0, 0), (
        ctx.sync.failures(event_id)[:2]
    )
    in_crm = Counter(bottlecrm.lead_external_ids())
    assert all(in_crm[i] == 1 for i in ids)  # every lead exactly once
    notes = bottlecrm_notes(bottlecrm, ids)
    assert notes == {i: [f"booth chat {n}"] for n, i in enumerate(ids)}  # notes = local notes


def bottlecrm_notes(crm: BottleCrm, lead_ids: list[str]) -> dict[str, list[str]]:
    """BottleCRM's own database: each lead's comments, without our marker line."""
    code = "\n".join(
        [
            "import json",
            "from leads.models import Lead",
            "from common.models import Comment",
            f"wanted = json.loads({json.dumps(json.dumps(lead_ids))})",
            "out = {}",
            "for lead in Lead.objects.filter(external_id__in=wanted):",
            "    rows = Comment.objects.filter(object_id=lead.id).order_by('commented_on')",
            "    out[lead.external_id] = [c.comment.split(chr(10) * 2 + '[boothapp:')[0]",
            "                             for c in rows]",
            "print(json.dumps(out))",
        ]
    )
    return dict(json.loads(crm.shell(code).strip().splitlines()[-1]))


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


def throttled_run(crm: BottleCrm, prefix: str, per_second: int):
    # Intake posts only (no API token): one quick post per lead, so the limit is what binds.
    adapter = BottleCrmAdapter(
        BottleCrmConfig(crm.base_url, crm.intake_id, crm.intake_key, intake_rate=(per_second, 1.0))
    )
    outbox = MemoryOutbox()
    outbox.enqueue_many("bottlecrm", records(prefix, 8, plain=True), datetime.now(UTC))
    t0 = time.monotonic()
    report = SyncEngine(outbox, adapter, EngineConfig(base_delay_s=0.2)).drain(max_seconds=60)
    return report, outbox, time.monotonic() - t0


def test_intake_throttle_429_retry_after_is_honoured(bottlecrm_throttled: BottleCrm):
    # The app believes the intake allows far more than this server's 3 a second.
    crm = bottlecrm_throttled
    report, outbox, elapsed = throttled_run(crm, "thr", per_second=100_000)
    assert report.synced == 8 and report.failed == 0
    throttled = [
        a for i in outbox.items() for a in i.attempts if a.outcome == AttemptOutcome.THROTTLED
    ]
    assert throttled and all(a.http_status == 429 for a in throttled)
    assert all(i.failures == 0 for i in outbox.items()), [
        (i.key, [a.error for a in i.attempts]) for i in outbox.items() if i.failures
    ]
    assert elapsed >= 2  # 8 posts at 3 per second, waiting as told in between
    assert sorted(x for x in crm.lead_external_ids() if x.startswith("thr-")) == sorted(
        r.lead_id for r in records("thr", 8)
    )


def test_pacing_ahead_of_the_intake_limit_never_meets_a_429(bottlecrm_throttled: BottleCrm):
    # The same server, the app told its real limit (3 a second).
    time.sleep(1.1)  # the previous test's posts leave the server's window
    report, outbox, _ = throttled_run(bottlecrm_throttled, "pac", per_second=3)
    assert report.synced == 8 and report.failed == 0
    assert not [a for i in outbox.items() for a in i.attempts if a.http_status == 429]
