"""Leads go to the CRM by themselves when the event says "send each lead as soon as it is
saved": a burst of saves makes one run, the minute timer picks up what waited, nothing runs
when auto sync is off or a secret is missing. HubSpot is the loopback fake (CRM.md §2.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from boothapp.app import AppContext
from boothapp.core.models import Contact, SyncState
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.settings import CrmSettings
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.crm_autosync import CrmAutoSync
from boothapp.workers.sync_worker import SyncWorker
from boothapp.workers.tasks import TaskRunner
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


def _save(ctx: AppContext, event_id: str, names: list[str]) -> list[str]:
    return [
        ctx.leads.save_lead(
            LeadDraft(event_id, Contact(first_name=n, last_name="Auto", email=f"{n}@x.io"))
        ).id
        for n in names
    ]


def test_saved_leads_go_out_by_themselves(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    event_id = ctx.events.create_event(NewEvent(name="Auto Show")).id
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        ctx.sync.configure(event_id, CrmSettings("hubspot", server.url), {"token": fake.token})
        waiting = _save(ctx, event_id, ["Ann", "Bob", "Cem"])  # left by the last session
        worker = SyncWorker(ctx.sync)
        auto = CrmAutoSync(ctx.sync, worker, runner, event_id, interval_ms=400, debounce_ms=80)
        auto.start(first_run_ms=10)
        qtbot.waitUntil(lambda: len(fake.contacts_by()) == 3, timeout=10_000)
        qtbot.waitUntil(lambda: not worker.running, timeout=5_000)
        runs_before = auto.runs_started
        burst = _save(ctx, event_id, ["Dee", "Eve", "Fay", "Gus"])
        for _ in burst:
            auto.lead_saved()  # a burst of scans
        qtbot.waitUntil(lambda: len(fake.contacts_by()) == 7, timeout=10_000)
        qtbot.waitUntil(lambda: not worker.running, timeout=5_000)
        auto.stop()
    assert set(fake.contacts_by()) == set(waiting + burst)
    assert max(fake.contacts_by().values()) == 1
    assert auto.runs_started - runs_before <= 2  # the burst made one run (two at most)
    assert all(ctx.leads.get_lead(i).sync_state == SyncState.SYNCED for i in waiting + burst)


@pytest.mark.parametrize("case", ["auto sync off", "token missing", "no CRM"])
def test_nothing_runs_when_it_should_not(qtbot, ctx: AppContext, runner, case: str) -> None:  # type: ignore[no-untyped-def]
    event_id = ctx.events.create_event(NewEvent(name=f"Quiet {case}")).id
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        if case == "auto sync off":
            ctx.sync.configure(
                event_id, CrmSettings("hubspot", server.url, auto_sync=False), {"token": fake.token}
            )
        elif case == "token missing":
            ctx.sync.configure(event_id, CrmSettings("hubspot", server.url))
        _save(ctx, event_id, ["Hal", "Ida"])
        worker = SyncWorker(ctx.sync)
        auto = CrmAutoSync(ctx.sync, worker, runner, event_id, interval_ms=150, debounce_ms=20)
        auto.start(first_run_ms=10)
        auto.lead_saved()
        qtbot.wait(900)  # several ticks
        auto.stop()
    assert auto.runs_started == 0
    assert sum(fake.requests.values()) == 0


def test_desktop_walk_in_reaches_the_crm_without_pressing_sync(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Desk Auto"))
    ctx.staff.add_staff(event.id, "Deniz", "1111")
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": fake.token})
        runner = TaskRunner()
        win = DesktopWindow(ctx, runner, event)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(
            lambda: any(b.text() == "Deniz" for b in win.sign_in.findChildren(QPushButton)),
            timeout=5000,
        )
        deniz = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == "Deniz")
        qtbot.mouseClick(deniz, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
            qtbot.keyClicks(win.sign_in, "1111", delay=60)
            qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=60)
        qtbot.keyClick(win.scan, Qt.Key.Key_F5)  # walk-in
        qtbot.keyClicks(win.scan.form.fields["first_name"], "Walk", delay=40)
        win.scan.form.fields["email"].setText("walk.in@example.com")
        with qtbot.waitSignal(win.scan.lead_saved, timeout=5000) as saved:
            qtbot.keyClick(win.scan.form.fields["email"], Qt.Key.Key_Return, delay=40)
        lead_id = saved.args[0].id
        qtbot.waitUntil(lambda: lead_id in fake.contacts_by(), timeout=20_000)
        qtbot.waitUntil(
            lambda: ctx.leads.get_lead(lead_id).sync_state == SyncState.SYNCED, timeout=10_000
        )
        win.close()
        runner.wait(10_000)


def test_a_refused_login_is_said_in_the_status_bar(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Desk Refused"))
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": "revoked"})
        _save(ctx, event.id, ["Jon"])
        runner = TaskRunner()
        win = DesktopWindow(ctx, runner, event)
        qtbot.addWidget(win)
        win.show()
        win.background.crm_autosync.run_now()  # as the minute timer would
        qtbot.waitUntil(
            lambda: win.statusBar().currentMessage().startswith("CRM sync stopped:"),
            timeout=15_000,
        )
        assert "HubSpot refused the credentials (401)" in win.statusBar().currentMessage()
        win.close()
        runner.wait(10_000)
