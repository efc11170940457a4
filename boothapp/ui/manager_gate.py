"""A manager's PIN before a manager action (issue 18: roles staff, manager, kiosk).

Export (Ctrl+E), the event settings, the CRM sync page and its settings, the please-delete
review and the audit page are a manager's. A signed-in manager goes straight through; anyone
else gets this PIN pad, and the action runs as the manager whose PIN was typed (so the audit
log names them). The PIN is checked off the GUI thread (Argon2id) and shares the event's
manager pad lockout (``StaffService.check_manager``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from boothapp.core.models import Staff
from boothapp.services.staff import PinCheck, PinStatus, StaffService
from boothapp.ui.pin_pad import PinPad
from boothapp.workers.tasks import TaskRunner


class ManagerPinDialog(QDialog):
    """The PIN pad for one manager action; typed digits, Backspace, Enter and Esc work too."""

    pin_entered = Signal(str)

    def __init__(self, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ManagerPinDialog")
        self.setWindowTitle(self.tr("Manager PIN"))
        self.setModal(True)
        self.heading = QLabel(
            self.tr("{action} is for a manager: manager PIN").format(action=action)
        )
        self.heading.setObjectName("ManagerPinHeading")
        self.heading.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("ManagerPinMessage")
        self.message.setWordWrap(True)
        self.pad = PinPad(cancel_key=True, key_prefix="ManagerPinKey_")
        self.pad.entered.connect(self._entered)
        self.pad.cancelled.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.pad)
        layout.addWidget(self.message)
        self._busy = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        if text.isdigit():
            self.pad.press(text)
        elif key == Qt.Key.Key_Backspace:
            self.pad.backspace()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.pad.submit()
        elif key == Qt.Key.Key_Escape:
            self.reject()
        else:
            super().keyPressEvent(event)

    def _entered(self, pin: str) -> None:
        if self._busy:
            return
        self._busy = True
        self.message.setText(self.tr("Checking…"))
        self.pin_entered.emit(pin)

    def refused(self, text: str) -> None:
        self._busy = False
        self.pad.clear()
        self.message.setText(text)


class ManagerGate(QObject):
    """Runs a manager action now (a manager is signed in) or after a manager's PIN."""

    def __init__(
        self,
        staff: StaffService,
        runner: TaskRunner,
        event_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._staff, self._runner, self._event_id = staff, runner, event_id
        self._parent = parent
        self.dialog: ManagerPinDialog | None = None  # the open pad, for tests and focus

    def require(
        self,
        current: Staff | None,
        action: str,
        then: Callable[[Staff], None],
        cancelled: Callable[[], None] | None = None,
    ) -> None:
        if current is not None and current.is_manager:
            then(current)
            return
        dialog = ManagerPinDialog(action, self._parent)
        self.dialog = dialog
        staff, event_id = self._staff, self._event_id

        def answer(check: PinCheck) -> None:
            if check.accepted and check.staff is not None:
                dialog.accept()
                self.dialog = None
                then(check.staff)
                return
            dialog.refused(_refusal(dialog, check))

        def check(pin: str) -> None:
            self._runner.run(
                lambda: staff.check_manager(event_id, pin),
                on_done=answer,
                on_error=lambda exc: dialog.refused(str(exc)),
            )

        def gone() -> None:
            self.dialog = None
            if cancelled is not None:
                cancelled()

        dialog.pin_entered.connect(check)
        dialog.rejected.connect(gone)
        dialog.open()


def _refusal(dialog: QDialog, check: PinCheck) -> str:
    # The dialog's own context, named: lupdate files ``dialog.tr`` under "dialog" (issue 21).
    if check.status is PinStatus.LOCKED or check.locked_for_s > 0:
        return QCoreApplication.translate(
            "ManagerPinDialog", "Too many wrong PINs: wait {s} s"
        ).format(s=f"{check.locked_for_s:.0f}")
    return QCoreApplication.translate(
        "ManagerPinDialog", "Not a manager's PIN ({n} tries left)"
    ).format(n=check.tries_left)
