"""``boothapp sync`` end to end against a real BottleCRM: configure through the CLI (secret from
BOOTHAPP_CRM_TOKEN), save 80 leads through LeadService (each queued in its save's transaction),
run the CLI in a subprocess, SIGKILL it mid-run, run it again: exactly 80 leads in the CRM.
(80, not 200: the adapter paces BottleCRM's intake at its 120 posts a minute, issue 17.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from boothapp.app import build_context
from boothapp.core.models import Contact, Stage, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.crm.base import ItemKind
from boothapp.sync.settings import CrmSettings
from tests.helpers.database_text import database_text
from tests.integration.bottlecrm.harness import REPO, BottleCrm

pytestmark = [pytest.mark.integration, pytest.mark.slow]
# Test process and CLI subprocesses must share one secret store: the file fallback in the data
# dir (never the developer's real keyring, and not a test double another module registered).
NO_KEYRING = "keyring.backends.fail.Keyring"


@pytest.fixture(autouse=True)
def file_secret_store():  # type: ignore[no-untyped-def]
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def cli(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "boothapp", "--data-dir", str(data), *args],
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "PYTHON_KEYRING_BACKEND": NO_KEYRING,
            **(env or {}),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_sync_killed_mid_run_resumes_to_exactly_80_leads(
    bottlecrm: BottleCrm, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    ctx = build_context(str(data))
    event_id = ctx.events.create_event(NewEvent(name="BottleCRM Show")).id
    conf = cli(
        data, "sync", "configure", "--event", "BottleCRM Show", "--crm", "bottlecrm",
        "--url", bottlecrm.base_url, "--intake", bottlecrm.intake_id,
        env={"BOOTHAPP_CRM_TOKEN": bottlecrm.intake_key, "BOOTHAPP_CRM_API_TOKEN": bottlecrm.pat},
    )  # fmt: skip
    out, err = conf.communicate(timeout=60)
    assert conf.returncode == 0, err
    assert ctx.sync.test_connection(event_id).ok

    ids = [
        ctx.leads.save_lead(
            LeadDraft(
                event_id,
                Contact(first_name=f"Ada{i}", last_name="Lovelace", company="Analytical",
                        email=f"ada.{i}@analytical-example.com"),
                notes=f"booth chat {i}",
            )
        ).id
        for i in range(80)
    ]  # fmt: skip
    leads = ctx.sync.outbox.counts("bottlecrm", ItemKind.LEAD)
    assert leads.pending == 80 and ctx.sync.outbox.counts("bottlecrm").pending == 160  # + notes

    first = cli(data, "sync", "--event", "BottleCRM Show", "--lease-seconds", "2")
    deadline = time.monotonic() + 120
    while ctx.sync.outbox.counts("bottlecrm", ItemKind.LEAD).done < 25:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "sync made no progress"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # no chance to finish the batch or mark anything
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    assert 25 <= ctx.sync.outbox.counts("bottlecrm", ItemKind.LEAD).done < 80

    second = cli(data, "sync", "--event", "BottleCRM Show", "--lease-seconds", "2")
    out, err = second.communicate(timeout=240)
    assert second.returncode == 0, out + err
    assert "0 failed" in out and "0 waiting" in out

    external = Counter(bottlecrm.lead_external_ids())
    mine = {k: v for k, v in external.items() if k in set(ids)}
    assert set(mine) == set(ids) and max(mine.values()) == 1  # 80 leads, none twice
    counts = ctx.sync.outbox.counts("bottlecrm")
    assert (counts.done, counts.failed) == (160, 0)  # every lead and every note
    assert {ctx.leads.get_lead(i).sync_state for i in ids} == {SyncState.SYNCED}
    assert all(ctx.leads.get_lead(i).crm_ids.get("bottlecrm") for i in ids[:5])
    status = cli(data, "sync", "status", "--event", "BottleCRM Show")
    s_out, _ = status.communicate(timeout=60)
    assert "synced 80, waiting 0, failed 0" in s_out
    ctx.close()

    # The intake key and the API token are in the credential store only.
    for f in data.rglob("*"):
        if f.is_file() and f.name != "secrets.json":
            raw = f.read_bytes()
            assert bottlecrm.intake_key.encode() not in raw and bottlecrm.pat.encode() not in raw
    inside = database_text(data / "boothapp.db")  # decrypted (issue #18)
    assert bottlecrm.intake_key not in inside and bottlecrm.pat not in inside
    for text in (out, err, s_out):
        assert bottlecrm.intake_key not in text and bottlecrm.pat not in text


def _patch(crm: BottleCrm, remote_id: str, body: dict[str, object]) -> None:
    req = urllib.request.Request(
        f"{crm.base_url}/api/leads/{remote_id}/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {crm.pat}", "Content-Type": "application/json"},
        method="PATCH",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200


def test_pull_back_takes_crm_stage_unless_the_booth_edited_later(
    bottlecrm: BottleCrm, tmp_path: Path
) -> None:
    ctx = build_context(str(tmp_path / "data"))
    try:
        event_id = ctx.events.create_event(NewEvent(name="Pull Show")).id
        ctx.sync.configure(
            event_id,
            CrmSettings("bottlecrm", bottlecrm.base_url, intake_id=bottlecrm.intake_id),
            {"intake_key": bottlecrm.intake_key, "api_token": bottlecrm.pat},
        )
        a, b, c = (
            ctx.leads.save_lead(
                LeadDraft(event_id, Contact(first_name=n, last_name="Pull",
                                            email=f"{n.lower()}.pull@example-booth.com"))
            ).id
            for n in ("Ann", "Bob", "Cem")
        )  # fmt: skip
        assert ctx.sync.run(event_id, max_seconds=60).ok
        remote = {i: ctx.leads.get_lead(i).crm_ids["bottlecrm"] for i in (a, b, c)}
        _patch(bottlecrm, remote[a], {"status": "in process"})  # a rep called Ann
        _patch(bottlecrm, remote[b], {"status": "converted"})
        time.sleep(0.05)
        # ...but at the booth Bob's stage was changed after that: the booth's edit stays.
        draft = ctx.leads.draft_of(ctx.leads.get_lead(b))
        ctx.leads.save_lead(replace(draft, stage=Stage.FOLLOW_UP))

        summary = ctx.sync.pull_back(event_id)
        assert (summary.checked, summary.updated, summary.kept_local) == (3, 1, 1)
        assert ctx.leads.get_lead(a).stage == Stage.IN_CONTACT
        assert ctx.leads.get_lead(b).stage == Stage.FOLLOW_UP
        assert ctx.leads.get_lead(c).stage == Stage.TO_CONTACT
        history = ctx.leads.history(a)
        assert [(h.field, h.new_value, h.staff_id) for h in history] == [
            ("stage", "in_contact", "crm:bottlecrm")
        ]
    finally:
        ctx.close()


def test_a_lead_won_in_bottlecrm_gets_no_further_mail_after_the_pull(
    bottlecrm: BottleCrm, tmp_path: Path
) -> None:
    """Issue #13: the pull went around the follow-up plan, so a won lead was still mailed."""
    ctx = build_context(str(tmp_path / "data"))
    try:
        event_id = ctx.events.create_event(NewEvent(name="Won Show")).id
        ctx.sync.configure(
            event_id,
            CrmSettings("bottlecrm", bottlecrm.base_url, intake_id=bottlecrm.intake_id),
            {"intake_key": bottlecrm.intake_key, "api_token": bottlecrm.pat},
        )
        draft = LeadDraft(
            event_id,
            Contact(first_name="Vera", last_name="Won", email="vera.won@example-booth.com"),
            consent_given=True,
            consent_text="Mail me.",
        )
        lead_id = ctx.leads.save_lead(draft).id
        assert any(t.state == "planned" for t in ctx.followups.lead_touches(lead_id))
        assert ctx.sync.run(event_id, max_seconds=60).ok
        _patch(bottlecrm, ctx.leads.get_lead(lead_id).crm_ids["bottlecrm"], {"status": "converted"})

        summary = ctx.sync.pull_back(event_id)
        assert summary.updated == 1
        assert ctx.leads.get_lead(lead_id).stage == Stage.WON
        touches = ctx.followups.lead_touches(lead_id)
        assert touches and all(t.state == "cancelled" for t in touches)
        assert all("won" in t.reason for t in touches)
        # A re-plan (e.g. "followups plan --replan") asks the same rule: still nothing.
        ctx.followups.plan(event_id, datetime.now(UTC), replan=True)
        assert not [t for t in ctx.followups.lead_touches(lead_id) if t.state == "planned"]
        # ...and nothing was sent back to BottleCRM for the pulled change.
        assert ctx.sync.status(event_id).pending == 0
    finally:
        ctx.close()
