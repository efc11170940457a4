"""Thank-you step; the kiosk returns to attract on its own after a few seconds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from boothapp.ui.kiosk.pages import KioskStep


class ThanksPage(KioskStep):
    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 30pt; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        self._name = ""
        self._lang = "en"

    def show_for(self, first_name: str) -> None:
        self._name = first_name
        self.retranslate(self._lang)

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        if self._name:
            self.message.setText(
                self.tr("Thank you, {name}! We will be in touch.").format(name=self._name)
            )
        else:
            self.message.setText(self.tr("Thank you! We will be in touch."))

    def clear(self) -> None:
        self._name = ""
        self.message.clear()
