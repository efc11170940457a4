"""First run: create the event and its staff (the roster and camera pages follow); the last
page shows the database recovery key when the database is encrypted (issue #18)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWizard, QWizardPage

from boothapp.app import AppContext
from boothapp.core.models import Event, StaffRole
from boothapp.ui.event_details_page import EventDetailsPage
from boothapp.ui.recovery_key_page import RecoveryKeyPage
from boothapp.ui.staff_setup_page import StaffSetupPage
from boothapp.workers.tasks import TaskRunner


class SetupWizard(QWizard):
    event_created = Signal(object)  # Event, emitted on the GUI thread

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, extra_pages: list[QWizardPage] | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Set up your event"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(720, 520)
        self._ctx, self._runner = ctx, runner
        self.details = EventDetailsPage()
        self.staff = StaffSetupPage()
        self.addPage(self.details)
        self.addPage(self.staff)
        for page in extra_pages or []:
            self.addPage(page)
        self.recovery: RecoveryKeyPage | None = None
        if ctx.db_key is not None:
            self.recovery = RecoveryKeyPage(
                ctx.db_key.recovery_text, ctx.keys.where(), ctx.keys.in_keyring()
            )
            self.addPage(self.recovery)
        self._busy = False

    def accept(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        new_event, staff = self.details.new_event(), self.staff.staff
        ctx = self._ctx

        def work() -> Event:
            # PIN hashing is deliberately slow (Argon2id), so this runs off the GUI thread.
            event = ctx.events.create_event(new_event)
            for i, member in enumerate(staff):
                # The first person set up is the event's manager: their PIN lifts another
                # staff member's wrong-PIN wait (issue 14).
                role = StaffRole.MANAGER if i == 0 else StaffRole.STAFF
                ctx.staff.add_staff(event.id, member.name, member.pin, role=role)
            return event

        self._runner.run(work, on_done=self._done, on_error=self._failed)

    def _done(self, event: Event) -> None:
        self._ctx.settings.current_event_id = event.id
        self._ctx.save_settings()
        self.event_created.emit(event)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        QMessageBox.warning(self, self.tr("Could not create the event"), str(exc))
