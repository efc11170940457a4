"""First run: create the event and its staff (the roster and camera pages follow); the last
page shows the database recovery key when the database is encrypted (issue #18)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
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
        self.retranslateUi()
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(720, 520)
        self._ctx, self._runner = ctx, runner
        self.details = EventDetailsPage(runner=runner)
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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.LayoutDirectionChange):
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """Title and buttons in the staff member's words. Qt's own "< &Back" / "&Next >"
        came through as bare "<" / ">" with Qt's Persian catalogue and point the wrong way
        right to left (Back stands on the right there): our catalogue's words, with arrows
        that point the way the reader moves (issue 21)."""
        self.setWindowTitle(self.tr("Set up your event"))
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        back, forward = ("→", "←") if rtl else ("←", "→")
        button = QWizard.WizardButton
        # The arrow first for Back and last for Next: the outer edge of each button's word
        # in either direction (bidi puts a leading arrow on the right in Persian).
        # (tr() outside the f-strings: lupdate does not look inside them.)
        back_word, next_word = self.tr("Back"), self.tr("Next")
        self.setButtonText(button.BackButton, f"{back} {back_word}")
        self.setButtonText(button.NextButton, f"{next_word} {forward}")
        self.setButtonText(button.CommitButton, self.tr("Commit"))
        self.setButtonText(button.FinishButton, self.tr("Finish"))
        self.setButtonText(button.CancelButton, self.tr("Cancel"))
        self.setButtonText(button.HelpButton, self.tr("Help"))

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
