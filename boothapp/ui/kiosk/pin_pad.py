"""Staff PIN pad that guards the way out of kiosk mode: the shared pad with a cancel key, a
heading and the "wrong PIN" line in the visitor's language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout

from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.pin_pad import PinPad as Pad


class PinPad(KioskStep):
    pin_entered = Signal(str)  # the owner checks it off the GUI thread (PINs hash slowly)
    dismissed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lang = "en"
        self.heading = QLabel()
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.pad = Pad(cancel_key=True, key_prefix="pin_")
        self.pad.entered.connect(self._entered)
        self.pad.cancelled.connect(self.dismissed)
        self.error = QLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setProperty("role", "error")
        self.error.setStyleSheet("font-size: 16pt;")  # read from a step away, like the heading
        layout = QVBoxLayout(self)
        layout.setContentsMargins(200, 40, 200, 40)
        layout.addWidget(self.heading)
        layout.addWidget(self.error)
        layout.addWidget(self.pad)

    def _entered(self, pin: str) -> None:
        self.pad.clear()  # the next try starts empty, right or wrong
        self.error.clear()
        self.pin_entered.emit(pin)

    def submit(self) -> None:
        if self.pad.pin:
            self.pad.submit()
        else:
            self.show_wrong()

    def show_wrong(self) -> None:
        self.error.setText(self.tr("Wrong PIN"))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text().isdigit():
            self.pad.press(event.text())
            self.error.clear()
        elif event.key() == Qt.Key.Key_Backspace:
            self.pad.backspace()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.pad.cancel()

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.heading.setText(self.tr("Staff PIN"))

    def clear(self) -> None:
        super().clear()
        self.pad.clear()
        self.error.clear()
