"""The PIN pad staff type on: digits as large buttons, the PIN shown as dots.

Used by the sign-in page (left key: backspace) and by the kiosk's way out (left key: cancel,
which leaves the pad). Whoever owns it checks the PIN off the GUI thread (hashing is slow).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from boothapp.ui.i18n import number

MAX_PIN = 8
BUTTON_HEIGHT = 72
BACKSPACE, CANCEL = "⌫", "✕"


class PinPad(QWidget):
    """Digits, backspace and enter as large buttons; PIN shown as dots."""

    entered = Signal(str)
    cancelled = Signal()  # the cancel key (only with ``cancel_key=True``)

    def __init__(self, cancel_key: bool = False, key_prefix: str = "PinKey_") -> None:
        super().__init__()
        self.setObjectName("PinPad")
        self._pin = ""
        self.dots = QLabel("")
        self.dots.setObjectName("PinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setMinimumHeight(56)
        font = self.dots.font()
        font.setPointSizeF(28)
        self.dots.setFont(font)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.buttons: dict[str, QPushButton] = {}
        left = CANCEL if cancel_key else BACKSPACE
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", left, "0", "OK"]
        for i, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName(f"{key_prefix}{key}")
            button.setMinimumSize(96, BUTTON_HEIGHT)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            if key == BACKSPACE:
                button.setToolTip(self.tr("Backspace"))
                button.clicked.connect(self.backspace)
            elif key == CANCEL:
                button.setToolTip(self.tr("Cancel"))
                button.clicked.connect(self.cancel)
            elif key == "OK":
                button.clicked.connect(self.submit)
            else:
                button.clicked.connect(lambda _=False, d=key: self.press(d))
            self.buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.dots)
        layout.addLayout(grid)
        # A keypad reads 1-2-3 from the left in every language, Persian phones' too.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The keys in the reader's digits and words ("۱", "تأیید"); the buttons keep
        their object names and the PIN its Latin digits (issue 21)."""
        for key, button in self.buttons.items():
            if key.isdigit():
                button.setText(number(int(key)))
        self.buttons["OK"].setText(self.tr("OK"))
        self.buttons["OK"].setToolTip(self.tr("Enter"))

    @property
    def pin(self) -> str:
        return self._pin

    def press(self, digit: str) -> None:
        if digit.isdigit() and len(self._pin) < MAX_PIN:
            self._pin += digit
            self._redraw()

    def backspace(self) -> None:
        self._pin = self._pin[:-1]
        self._redraw()

    def clear(self) -> None:
        self._pin = ""
        self._redraw()

    def cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    def submit(self) -> None:
        if self._pin:
            self.entered.emit(self._pin)

    def _redraw(self) -> None:
        self.dots.setText("●  " * len(self._pin))
