"""Attract screen: event branding, "scan your badge", language choice, type instead."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from boothapp.ui.camera_view import CameraView
from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.kiosk.strings import LANGUAGES, tr


class AttractPage(KioskStep):
    language_chosen = Signal(str)
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
        self.prompt.setStyleSheet("font-size: 20pt;")
        self.camera = CameraView()
        self.camera.setMinimumHeight(300)
        # No English "Starting camera…" on a Persian screen: the prompt below says what to do.
        self.camera.set_message("")
        self.type_button = QPushButton()
        self.type_button.setProperty("primary", True)
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
        layout.addWidget(self.camera, 1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.type_button)
        layout.addLayout(langs)

    def retranslate(self, lang: str) -> None:
        self.welcome.setText(tr("welcome", lang))
        self.prompt.setText(tr("scan_prompt", lang))
        self.type_button.setText(tr("type_instead", lang))
        for code, button in self.language_buttons.items():
            button.setChecked(code == lang)

    def clear(self) -> None:
        # Language buttons are kiosk state, not visitor data: leave them to retranslate().
        self.camera.set_hint("")
