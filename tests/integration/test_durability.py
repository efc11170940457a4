"""A lead confirmed on screen survives the process being killed outright (SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from boothapp.app import build_context
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

CHILD = textwrap.dedent(
    """
    import sys, time
    from boothapp.app import build_context
    from boothapp.core.models import Contact, LeadSource
    from boothapp.services.events import NewEvent
    from boothapp.services.leads import LeadDraft

    ctx = build_context(sys.argv[1])
    event = ctx.events.create_event(NewEvent(name="Kill Test", timezone="Europe/Berlin"))
    for i in range(3):
        lead = ctx.leads.save_lead(LeadDraft(
            event_id=event.id, source=LeadSource.MANUAL,
            contact=Contact(first_name=f"Visitor{i}", last_name="Çelik", company="Acme"),
            notes="wants a demo"))
        # What the booth sees as "saved" is printed only after the commit returned.
        print("saved", lead.id, flush=True)
    time.sleep(60)
    """
)


def test_saved_leads_survive_sigkill(data_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    saved = []
    try:
        for _ in range(3):
            line = proc.stdout.readline()
            assert line.startswith("saved "), line
            saved.append(line.split()[1])
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    ctx = build_context(str(data_dir))
    try:
        event = ctx.events.find_event("Kill Test")
        leads = ctx.leads.list_leads(event.id)
        assert sorted(lead.id for lead in leads) == sorted(saved)
        assert {lead.contact.last_name for lead in leads} == {"Çelik"}
        assert all(lead.notes == "wants a demo" for lead in leads)
    finally:
        ctx.close()
