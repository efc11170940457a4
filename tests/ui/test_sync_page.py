"""The sync page against the HubSpot fake: settings with password fields, Test connection,
progress n of N, the failures list with HubSpot's own message, and the breaker line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QLineEdit

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.pacing import BreakerState
from boothapp.ui.sync_page import SyncPage, breaker_text
from boothapp.workers.tasks import TaskRunner
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.hubspot_server import HubSpotFake


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


def test_breaker_line_says_who_is_down_and_when_it_retries() -> None:
    at = datetime(2026, 11, 22, 10, 42).astimezone()
    assert breaker_text("hubspot", BreakerState.OPEN, at) == (
        "HubSpot is not answering; retrying at 10:42"
    )
    assert breaker_text("hubspot", BreakerState.CLOSED, None) == ""


def test_configure_test_sync_and_show_failures(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Qt Sync Show"))
    for i in range(120):
        email = "bad.example.com" if i in (5, 77) else f"lin{i}@example.com"
        ctx.leads.save_lead(
            LeadDraft(event.id, Contact(first_name=f"Lin{i}", last_name="Chen", email=email))
        )
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        page = SyncPage(ctx.sync, runner, event)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: "No CRM set up" in page.status_label.text())
        assert not page.sync_button.isEnabled()

        page.settings_box.crm_combo.setCurrentIndex(page.settings_box.crm_combo.findData("hubspot"))
        page.settings_box.url_edit.setText(server.url)
        token = page.settings_box.secret_edits["token"]
        assert token.echoMode() == QLineEdit.EchoMode.Password
        token.setText(fake.token)
        page.settings_box.test_button.click()
        qtbot.waitUntil(lambda: page.settings_box.test_label.text().startswith("✔"), timeout=10_000)
        assert token.text() == ""  # the secret does not stay on screen
        qtbot.waitUntil(lambda: "HubSpot: 0 synced, 120 waiting" in page.status_label.text())

        with qtbot.waitSignal(page.worker.finished, timeout=30_000):
            page.sync_button.click()
        qtbot.waitUntil(lambda: not page.worker.running)
        assert page.progress_bar.value() == page.progress_bar.maximum() == 120
        assert page.rate_label.text().startswith("120 of 120")
        assert "leads/min" in page.rate_label.text()  # throughput as leads per minute
        qtbot.waitUntil(lambda: page.failures_table.rowCount() == 2)
    # The event's only rep ("Booth manager") is no HubSpot owner: the page says so (issue 17).
    assert page.message_label.text() == (
        "Done: 118 sent, 2 refused. No hubspot user matches Booth manager: their leads went out "
        "without an owner; add them as hubspot users (same name or e-mail) and sync again."
    )
    names = {page.failures_table.item(r, 0).text() for r in range(2)}
    assert names == {"Lin5 Chen", "Lin77 Chen"}
    assert "Property values were not valid: email" in page.failures_table.item(0, 2).text()
    assert page.retry_button.isEnabled()
    assert len(fake.contacts_by()) == 118


def test_cancel_stops_the_run_and_keeps_the_rest_queued(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    from boothapp.sync.settings import CrmSettings

    event = ctx.events.create_event(NewEvent(name="Qt Cancel Show"))
    # One push per 5 s (owners read, upsert, the event list found/made and joined: 5 calls):
    # the run is slow on purpose.
    fake = HubSpotFake(limit=6, window_s=5.0)
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": fake.token})
        for i in range(150):
            ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name=f"C{i}", last_name="X")))
        page = SyncPage(ctx.sync, runner, event)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.sync_button.isEnabled())
        with qtbot.waitSignal(page.worker.progress, timeout=10_000):
            page.sync_button.click()
        assert page.cancel_button.isEnabled() and not page.sync_button.isEnabled()
        with qtbot.waitSignal(page.worker.finished, timeout=10_000):
            page.cancel_button.click()
        qtbot.waitUntil(lambda: not page.worker.running)
    assert page.message_label.text().startswith("Sync cancelled; the rest stays queued.")
    assert ctx.sync.outbox.counts("hubspot").pending == 50  # the first batch of 100 went
    # The buttons follow the status refresh, which comes back from the task runner.
    qtbot.waitUntil(lambda: page.sync_button.isEnabled() and not page.cancel_button.isEnabled())


def test_pull_changes_button_reads_back_what_sales_changed(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, timedelta

    from boothapp.core.models import Stage
    from boothapp.sync.settings import CrmSettings

    event = ctx.events.create_event(NewEvent(name="Qt Pull Show"))
    fake = HubSpotFake()
    with FakeServer(fake) as server:
        ctx.sync.configure(event.id, CrmSettings("hubspot", server.url), {"token": fake.token})
        ids = [
            ctx.leads.save_lead(
                LeadDraft(event.id, Contact(first_name=f"P{i}", last_name="Q", email=f"p{i}@x.io"))
            ).id
            for i in range(3)
        ]
        page = SyncPage(ctx.sync, runner, event)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.sync_button.isEnabled())
        assert not page.pull_button.isEnabled()  # nothing in the CRM yet
        with qtbot.waitSignal(page.worker.finished, timeout=30_000):
            page.sync_button.click()
        qtbot.waitUntil(lambda: page.pull_button.isEnabled())
        later = datetime.now(UTC) + timedelta(seconds=1)
        fake.sales_edit(ids[0], later, hs_lead_status="CONNECTED")
        with qtbot.waitSignal(page.worker.pulled, timeout=30_000):
            page.pull_button.click()
        qtbot.waitUntil(lambda: not page.worker.running)
    assert page.message_label.text() == (
        "3 lead(s) checked: 1 change(s) taken from the CRM, 0 booth edit(s) kept."
    )
    assert page.rate_label.text() == "Read back 3 of 3 leads"
    assert ctx.leads.get_lead(ids[0]).stage == Stage.IN_CONTACT
    qtbot.waitUntil(lambda: page.pull_button.isEnabled() and page.sync_button.isEnabled())


def test_csv_folder_target_shows_a_folder_and_no_secret(
    qtbot, ctx: AppContext, runner, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Qt CSV Show"))
    ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name="Cy", last_name="Sv")))
    page = SyncPage(ctx.sync, runner, event)
    qtbot.addWidget(page)
    page.show()
    page.settings_box.crm_combo.setCurrentIndex(page.settings_box.crm_combo.findData("csvdrop"))
    assert page.settings_box.crm_combo.currentText() == "CSV folder"
    assert page.settings_box.folder_edit.isVisible() and not page.settings_box.url_edit.isVisible()
    assert not any(edit.isVisible() for edit in page.settings_box.secret_edits.values())
    page.settings_box.folder_edit.setText("relative/path")
    page.settings_box.save_button.click()
    assert "crm.folder: the CSV folder must be a full path" in page.settings_box.test_label.text()
    page.settings_box.folder_edit.setText(str(tmp_path / "drop"))
    page.settings_box.test_button.click()
    qtbot.waitUntil(lambda: page.settings_box.test_label.text().startswith("✔"), timeout=10_000)
    assert "takes files" in page.settings_box.test_label.text()
    qtbot.waitUntil(lambda: page.sync_button.isEnabled())
    with qtbot.waitSignal(page.worker.finished, timeout=30_000):
        page.sync_button.click()
    qtbot.waitUntil(lambda: "CSV folder: 1 synced" in page.status_label.text())
    assert not page.pull_button.isEnabled()  # a folder cannot tell us what sales changed
    assert len(list((tmp_path / "drop").glob("*.csv"))) == 1


def test_connect_salesforce_signs_in_in_the_browser(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    import requests

    from tests.integration.fakes.salesforce_server import SalesforceFake

    event = ctx.events.create_event(NewEvent(name="Qt SF Show"))
    fake = SalesforceFake(tokens=set())
    opened: list[str] = []

    def browser(url: str) -> None:  # the user's browser: follows the redirect back to us
        opened.append(url)
        requests.get(url, timeout=5)

    with FakeServer(fake) as server:
        page = SyncPage(ctx.sync, runner, event, open_browser=browser)
        qtbot.addWidget(page)
        page.show()
        box = page.settings_box
        box.crm_combo.setCurrentIndex(box.crm_combo.findData("salesforce"))
        assert box.connect_button.isVisible() and box.client_id_edit.isVisible()
        assert not any(edit.isVisible() for edit in box.secret_edits.values())  # no token typing
        box.client_id_edit.setText(fake.client_id)
        box.login_edit.setText(server.url)
        box.connect_button.click()
        qtbot.waitUntil(lambda: box.test_label.text().startswith("✔"), timeout=15_000)
        assert box.test_label.text() == f"✔ Salesforce connected: {server.url}"
        assert opened and opened[0].startswith(f"{server.url}/services/oauth2/authorize?")
        qtbot.waitUntil(lambda: box.url_edit.text() == server.url)  # the org's own address
        assert box.connect_button.isEnabled()
        assert set(ctx.sync.status(event.id).secrets_set) == {"access_token", "refresh_token"}


def test_saving_the_form_keeps_what_the_form_does_not_show(qtbot, ctx: AppContext, runner) -> None:  # type: ignore[no-untyped-def]
    from boothapp.core.models import Stage
    from boothapp.sync.settings import CrmSettings

    event = ctx.events.create_event(NewEvent(name="Qt Keep Show"))
    configured = CrmSettings(
        "hubspot", "https://api.hubapi.com", mapping={"email": "contact.email"},
        stages={"Demo Booked": Stage.QUOTE_TO_PREPARE},
    )  # fmt: skip
    ctx.sync.configure(event.id, configured, {"token": "pat-1"})
    page = SyncPage(ctx.sync, runner, event)
    qtbot.addWidget(page)
    box = page.settings_box
    qtbot.waitUntil(lambda: box.url_edit.text() == "https://api.hubapi.com", timeout=5000)
    box.portal_edit.setText("4242")
    box.save_button.click()
    qtbot.waitUntil(lambda: box.test_label.text() == "Settings saved.", timeout=5000)
    saved = ctx.sync.settings(event.id)
    assert saved is not None and saved.portal == "4242"
    assert saved.mapping == {"email": "contact.email"}  # not dropped by a form save
    assert saved.stages == {"Demo Booked": Stage.QUOTE_TO_PREPARE}
