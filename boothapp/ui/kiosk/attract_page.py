"""Attract screen: event branding, "Scan my badge", language choice, type instead.

No camera picture here and no decoding (issue 14): the camera starts only when the visitor
taps "Scan my badge" (or presses a key), so nobody walking past is read or shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.kiosk.strings import LANGUAGES


class AttractPage(KioskStep):
    language_chosen = Signal(str)
    scan_requested = Signal()
    type_requested = Signal()

    def __init__(self, event_name: str, languages: list[str]) -> None:
        super().__init__()
        self.title = QLabel(event_name)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 34pt; font-weight: bold;")
        self.welcome = QLabel()
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setStyleSheet("font-size: 26pt;")
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 18pt;")
        self.scan_button = QPushButton()
        self.scan_button.setObjectName("StartScan")
        self.scan_button.setProperty("primary", True)
        self.scan_button.setMinimumHeight(120)
        # The theme sets a small min-height that beats setMinimumHeight: say it here.
        self.scan_button.setStyleSheet("font-size: 26pt; font-weight: bold; min-height: 110px;")
        self.scan_button.clicked.connect(self.scan_requested)
        self.type_button = QPushButton()
        self.type_button.setMinimumHeight(72)
        self.type_button.clicked.connect(self.type_requested)
        langs = QHBoxLayout()
        self.language_buttons: dict[str, QPushButton] = {}
        for code in languages:
            button = QPushButton(LANGUAGES.get(code, code))
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setMinimumSize(140, 64)
            button.clicked.connect(lambda _c=False, code=code: self.language_chosen.emit(code))
            self.language_buttons[code] = button
            langs.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.title)
        layout.addWidget(self.welcome)
        layout.addStretch(1)
        layout.addWidget(self.scan_button)
        layout.addWidget(self.prompt)
        layout.addStretch(1)
        layout.addWidget(self.type_button)
        layout.addLayout(langs)

    def retranslate(self, lang: str) -> None:
        self.welcome.setText(self.tr("Welcome to our booth"))
        self.prompt.setText(self.tr("Tap “Scan my badge” to turn the camera on"))
        self.scan_button.setText(self.tr("Scan my badge"))
        self.type_button.setText(self.tr("No badge? Type your details"))
        for code, button in self.language_buttons.items():
            button.setChecked(code == lang)

    def clear(self) -> None:
        pass  # language buttons are kiosk state, not visitor data: retranslate() sets them
