"""Staff sign-in: tap your name, type your PIN. Switching staff is two taps and a PIN.

PIN checks run through the TaskRunner (Argon2id takes ~35 ms, too long for the GUI thread).
A wrong PIN shakes the pad, says "Wrong PIN" and clears the entry; after 5 in a row the pad
waits with a countdown (30 s, doubling), which a manager's PIN can lift (issue 14).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QPoint,
    QPropertyAnimation,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Staff
from boothapp.services.staff import PinCheck, PinStatus, StaffService
from boothapp.ui.i18n import LANGUAGES, QT_TRANSLATE_NOOP, current_language, number
from boothapp.ui.pin_pad import PinPad
from boothapp.ui.pin_wait import PinWait
from boothapp.workers.tasks import TaskRunner

WRONG_PIN = QT_TRANSLATE_NOOP("SignInPage", "Wrong PIN")
WAIT = QT_TRANSLATE_NOOP("SignInPage", "Too many wrong PINs: try again in {s} s")
BUTTON_HEIGHT = 72


class SignInPage(QWidget):
    signed_in = Signal(Staff)
    language_chosen = Signal(str)  # a code of LANGUAGES, tapped or the chosen member's own

    def __init__(self, staff: StaffService, runner: TaskRunner, event_id: str) -> None:
        super().__init__()
        self.setObjectName("SignInPage")
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 14.0))
        self.setFont(font)
        self._staff, self._runner, self._event_id = staff, runner, event_id
        self._members: list[Staff] = []
        self._loaded = False
        self._selected: Staff | None = None
        self._checking = False
        self._unlocking = False  # the pad takes a manager's PIN for the selected member
        self.wait = PinWait(self)
        self.wait.ticked.connect(self._waiting)
        self.wait.ended.connect(self._wait_over)

        self.heading = heading = QLabel()
        heading_font = heading.font()
        heading_font.setPointSizeF(22)
        heading_font.setBold(True)
        heading.setFont(heading_font)
        self.names = QWidget()
        self.names_layout = QGridLayout(self.names)
        self.names_layout.setSpacing(12)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        names_scroll = QScrollArea()
        names_scroll.setWidgetResizable(True)
        names_scroll.setWidget(self.names)
        names_scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.prompt = QLabel()
        self.prompt.setObjectName("PinPrompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt_font = self.prompt.font()
        prompt_font.setPointSizeF(18)
        self.prompt.setFont(prompt_font)
        self.message = QLabel("")
        self.message.setObjectName("SignInMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.pad = PinPad()
        self.pad.setEnabled(False)
        self.pad.entered.connect(self._check)
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("ManagerUnlock")
        self.unlock_button.setMinimumHeight(56)
        self.unlock_button.hide()
        self.unlock_button.clicked.connect(self._ask_manager)
        self.pad_box = QWidget()
        pad_layout = QVBoxLayout(self.pad_box)
        pad_layout.addWidget(self.prompt)
        pad_layout.addWidget(self.pad)
        pad_layout.addWidget(self.message)
        pad_layout.addWidget(self.unlock_button)
        pad_layout.addStretch(1)
        self.pad_box.setFixedWidth(380)

        # Issue 21: the language this staff member reads, one tap; remembered per person.
        self._remembered: dict[str, str] = {}
        self.language_label = QLabel()
        self.language_group = QButtonGroup(self)
        self.language_group.setExclusive(True)
        self.language_buttons: dict[str, QPushButton] = {}
        # Under the PIN pad, three a row: beside the names they were cut on a Persian screen,
        # and in one row at 16 pt they made the window wider than 1280 px.
        languages = QGridLayout()
        languages.addWidget(self.language_label, 0, 0, 1, 3)
        for i, (code, name) in enumerate(LANGUAGES.items()):
            button = QPushButton(name)  # each language named in itself, never translated
            button.setObjectName(f"Language_{code}")
            button.setCheckable(True)
            button.setMinimumHeight(44)
            button.setChecked(code == current_language())
            button.clicked.connect(lambda _=False, c=code: self.pick_language(c))
            self.language_group.addButton(button)
            self.language_buttons[code] = button
            button.setProperty("language", True)
            languages.addWidget(button, 1 + i // 3, i % 3)
        pad_layout.insertLayout(pad_layout.count() - 1, languages)  # above the stretch

        left = QVBoxLayout()
        left.addWidget(heading)
        left.addWidget(names_scroll, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(32)
        layout.addLayout(left, 1)
        layout.addWidget(self.pad_box)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Big, high-contrast targets: the chosen name must be obvious from arm's length.
        self.setStyleSheet(
            "QPushButton { font-size: 16pt; border: 1px solid #8c959f; border-radius: 8px;"
            " background: #ffffff; }"
            "QPushButton:pressed { background: #dbe9ff; }"
            "QPushButton:disabled { color: #8c959f; background: #f3f4f6; }"
            "QPushButton#StaffButton:checked { background: #1f6feb; color: white;"
            " border-color: #1f6feb; font-weight: bold; }"
            "QPushButton#PinKey_OK { background: #2e7d32; color: white; font-weight: bold; }"
            'QPushButton[language="true"] { font-size: 12pt; }'
            'QPushButton[language="true"]:checked { background: #1f6feb; color: white;'
            " border-color: #1f6feb; font-weight: bold; }"
            "QPushButton#PinKey_OK:disabled { background: #a5c9a7; }"
        )
        self._shake: QPropertyAnimation | None = None
        self.retranslateUi()

    # -- language (issue 21) -----------------------------------------------------------------
    def set_remembered_languages(self, by_staff_id: dict[str, str]) -> None:
        """Each staff member's language as last chosen on this device (staff id -> code)."""
        self._remembered = by_staff_id

    def pick_language(self, code: str) -> None:
        button = self.language_buttons.get(code)
        if button is not None:
            button.setChecked(True)
        self.language_chosen.emit(code)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.heading.setText(self.tr("Who is at the booth?"))
        self.language_label.setText(self.tr("Language"))
        self.unlock_button.setText(self.tr("Manager unlock"))
        for code, button in self.language_buttons.items():
            button.setChecked(code == current_language())
        member = self._selected
        if member is None:
            self.prompt.setText(
                self.tr("Tap your name")
                if self._members or not self._loaded
                else self.tr("No staff yet: an event manager adds staff first")
            )
        elif self._unlocking:
            self.prompt.setText(self.tr("Manager PIN to unlock {0}").format(member.name))
        else:
            self.prompt.setText(self.tr("PIN for {0}").format(member.name))

    # -- staff list ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Load this event's staff (call when the page is shown)."""
        staff, event_id = self._staff, self._event_id
        self._runner.run(lambda: staff.list_staff(event_id), on_done=self.set_staff_list)

    def set_staff_list(self, members: list[Staff]) -> None:
        self._loaded = True
        self._members = [m for m in members if m.active]
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        for i, member in enumerate(self._members):
            button = QPushButton(member.name)
            button.setObjectName("StaffButton")
            button.setCheckable(True)
            button.setMinimumHeight(BUTTON_HEIGHT)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, m=member: self.choose(m))
            self.group.addButton(button)
            self.names_layout.addWidget(button, i // 2, i % 2)
        self.names_layout.setRowStretch(len(self._members) // 2 + 1, 1)
        if not self._members:
            self.prompt.setText(self.tr("No staff yet: an event manager adds staff first"))

    def staff_button(self, name: str) -> QPushButton | None:
        found = next((b for b in self.group.buttons() if b.text() == name), None)
        return found if isinstance(found, QPushButton) else None

    # -- PIN -----------------------------------------------------------------------------
    @property
    def selected(self) -> Staff | None:
        return self._selected

    def choose(self, member: Staff) -> None:
        self._selected = member
        self._unlocking = False
        remembered = self._remembered.get(member.id)
        if remembered and remembered != current_language():
            self.pick_language(remembered)  # their screen in their language before the PIN
        self.wait.stop()
        self.unlock_button.hide()
        button = self.staff_button(member.name)
        if button is not None:
            button.setChecked(True)
        self.prompt.setText(self.tr("PIN for {0}").format(member.name))
        self.message.setText("")
        self.pad.clear()
        self.pad.setEnabled(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        # A wait survives a restart: show it before the first PIN, not after.
        staff = self._staff
        self._runner.run(
            lambda: staff.seconds_locked(member.id),
            on_done=lambda left: self._locked(left) if self._selected is member else None,
        )

    def _check(self, pin: str) -> None:
        member = self._selected
        if member is None or self._checking:
            return
        self._checking = True
        self.pad.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        staff = self._staff
        if self._unlocking:
            self._runner.run(
                lambda: staff.unlock(member.id, pin), on_done=self._unlock_answered,
                on_error=self._failed,
            )  # fmt: skip
        else:
            self._runner.run(
                lambda: staff.sign_in(member.id, pin), on_done=self._answered,
                on_error=self._failed,
            )  # fmt: skip

    def _answered(self, check: PinCheck) -> None:
        self._checking = False
        self.pad.clear()
        if check.status is PinStatus.ACCEPTED and check.staff is not None:
            self._accepted(check.staff)
        elif check.status is PinStatus.UNKNOWN:
            self.pad.setEnabled(True)
            self.message.setText(self.tr("This staff member cannot sign in any more"))
        elif check.locked_for_s > 0:
            self._shake_pad()
            self._locked(check.locked_for_s)
        else:
            self.pad.setEnabled(True)
            self.message.setText(self.tr(WRONG_PIN))
            self._shake_pad()

    def _accepted(self, member: Staff) -> None:
        self.message.setText("")
        self.pad.clear()
        self.pad.setEnabled(False)
        self.prompt.setText(self.tr("Signed in: {0}").format(member.name))
        for button in self.group.buttons():
            button.setChecked(False)
        self._selected = None
        self.signed_in.emit(member)

    def _failed(self, exc: BaseException) -> None:
        """Not a wrong PIN (those are answers): the database could not be read."""
        self._checking = False
        self.pad.clear()
        self.pad.setEnabled(True)
        self.message.setText(self.tr("Could not sign in: {0}").format(exc))

    # -- waiting after wrong PINs --------------------------------------------------------
    def _locked(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.pad.clear()
        self.pad.setEnabled(False)
        self.unlock_button.show()
        self.wait.start(seconds)

    def _waiting(self, seconds: int) -> None:
        if not self._unlocking:
            self.message.setText(self.tr(WAIT).format(s=number(seconds)))

    def _wait_over(self) -> None:
        self.unlock_button.hide()
        if self._selected is not None and not self._checking:
            self._unlocking = False
            self.prompt.setText(self.tr("PIN for {0}").format(self._selected.name))
            self.message.setText("")
            self.pad.setEnabled(True)

    def _ask_manager(self) -> None:
        member = self._selected
        if member is None:
            return
        self._unlocking = True
        self.prompt.setText(self.tr("Manager PIN to unlock {0}").format(member.name))
        self.message.setText("")
        self.pad.clear()
        self.pad.setEnabled(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unlock_answered(self, check: PinCheck) -> None:
        self._checking = False
        self.pad.clear()
        member = self._selected
        if check.accepted and member is not None and check.staff is not None:
            self._unlocking = False
            self.wait.stop()
            self.prompt.setText(self.tr("PIN for {0}").format(member.name))
            self.message.setText(self.tr("Unlocked by {0}").format(check.staff.name))
            self.pad.setEnabled(True)
            return
        if check.status is PinStatus.LOCKED or check.locked_for_s > 0:
            self.message.setText(self.tr("Too many wrong manager PINs: wait for the countdown"))
            self._unlocking = False
            self.pad.setEnabled(False)
            return
        self.message.setText(self.tr("Wrong manager PIN"))
        self.pad.setEnabled(True)
        self._shake_pad()

    def _shake_pad(self) -> None:
        start = self.pad.pos()
        anim = QPropertyAnimation(self.pad, b"pos", self)
        anim.setDuration(360)
        anim.setEasingCurve(QEasingCurve.Type.Linear)
        for i, dx in enumerate((0, -14, 14, -10, 10, -6, 6, 0)):
            anim.setKeyValueAt(i / 7, start + QPoint(dx, 0))
        anim.start()
        self._shake = anim  # keep a reference until it finishes

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.pad.isEnabled():
            text = event.text()
            if text.isdigit() and len(text) == 1:
                self.pad.press(text)
                return
            if event.key() == Qt.Key.Key_Backspace:
                self.pad.backspace()
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pad.submit()
                return
            if event.key() == Qt.Key.Key_Escape:
                self.pad.clear()
                return
        super().keyPressEvent(event)
