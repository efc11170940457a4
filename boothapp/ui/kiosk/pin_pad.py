"""Staff PIN pad that guards the way out of kiosk mode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.kiosk.strings import tr


class PinPad(KioskStep):
    pin_entered = Signal(str)  # the owner checks it off the GUI thread (PINs hash slowly)
    dismissed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lang = "en"
        self.heading = QLabel()
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.display = QLineEdit()
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setReadOnly(True)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setStyleSheet("font-size: 28pt;")
        self.error = QLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setProperty("role", "error")
        grid = QGridLayout()
        for i, label in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "✕", "0", "OK"]):
            button = QPushButton(label)
            button.setMinimumSize(96, 80)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"pin_{label}")
            button.clicked.connect(lambda _c=False, key=label: self._press(key))
            grid.addWidget(button, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(200, 40, 200, 40)
        layout.addWidget(self.heading)
        layout.addWidget(self.display)
        layout.addWidget(self.error)
        layout.addLayout(grid)

    def _press(self, key: str) -> None:
        if key == "✕":
            self.clear()
            self.dismissed.emit()
        elif key == "OK":
            self.submit()
        elif len(self.display.text()) < 8:
            self.display.setText(self.display.text() + key)
            self.error.clear()

    def submit(self) -> None:
        pin = self.display.text()
        self.display.clear()
        if pin:
            self.pin_entered.emit(pin)
        else:
            self.show_wrong()

    def show_wrong(self) -> None:
        self.error.setText(tr("wrong_pin", self._lang))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text().isdigit():
            self._press(event.text())
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self._press("✕")

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.heading.setText(tr("staff_pin", lang))

    def clear(self) -> None:
        super().clear()
        self.error.clear()
