"""First run: a new user creates the event and staff through the wizard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard

from boothapp.app import AppContext
from boothapp.ui.setup_wizard import SetupWizard
from boothapp.workers.tasks import TaskRunner


def test_wizard_creates_event_and_staff_with_hashed_pins(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    wizard = SetupWizard(ctx, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.details
    qtbot.keyClicks(page.name, "Hannover Messe")
    page.timezone.setCurrentText("Europe/Berlin")
    page.country.setText("de")
    wizard.next()
    assert wizard.currentPage() is wizard.staff
    assert not wizard.staff.isComplete()  # nobody yet: Finish stays disabled
    qtbot.keyClicks(wizard.staff.name, "Deniz")
    qtbot.keyClicks(wizard.staff.pin, "12")
    qtbot.mouseClick(wizard.staff.add, Qt.MouseButton.LeftButton)
    assert "4 to 8 digits" in wizard.staff.error.text()
    wizard.staff.pin.clear()
    qtbot.keyClicks(wizard.staff.pin, "1357")
    qtbot.keyClick(wizard.staff.pin, Qt.Key.Key_Return)
    assert wizard.staff.list.count() == 1 and wizard.staff.isComplete()
    # Last page (issue #18): the database recovery key, to print; Finish waits for the tick.
    wizard.next()
    recovery = wizard.recovery
    assert wizard.currentPage() is recovery and recovery is not None and ctx.db_key is not None
    shown = recovery.key.text().replace("\n", "")
    assert shown == ctx.db_key.recovery_text
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(recovery.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == ctx.db_key.recovery_text
    recovery.kept.click()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    with qtbot.waitSignal(wizard.event_created, timeout=10_000) as created:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    event = created.args[0]
    assert (event.name, event.timezone, event.country) == ("Hannover Messe", "Europe/Berlin", "DE")
    assert ctx.settings.current_event_id == event.id
    staff = ctx.staff.list_staff(event.id)
    assert [s.name for s in staff] == ["Deniz"]
    assert ctx.staff.sign_in(staff[0].id, "1357").staff == staff[0]
    runner.wait()


def test_wizard_refuses_end_before_start(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    wizard = SetupWizard(ctx, TaskRunner(inline=True))
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.details
    page.name.setText("Backwards Expo")
    page.ends.setDate(page.starts.date().addDays(-3))
    wizard.next()
    assert wizard.currentPage() is page
    assert page.error.text() == "The event ends before it starts"
    assert ctx.events.list_events() == []


def test_the_wizard_proposes_the_machines_time_zone(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: a UTC machine was offered Europe/Istanbul; now its own zone comes first."""
    from boothapp.ui.event_details_page import EventDetailsPage

    monkeypatch.setenv("TZ", "America/Chicago")
    page = EventDetailsPage()
    qtbot.addWidget(page)
    assert page.timezone.zone() == "America/Chicago"
    monkeypatch.setenv("TZ", "UTC")
    utc = EventDetailsPage()
    qtbot.addWidget(utc)
    assert utc.timezone.zone() == "UTC"
