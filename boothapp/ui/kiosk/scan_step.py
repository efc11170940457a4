"""The visitor asked to scan: the camera preview (their own badge, held up) and a way to
type instead. The camera runs only while this step is shown (issue 14)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from boothapp.ui.camera_view import CameraView
from boothapp.ui.kiosk.pages import KioskStep


class ScanStep(KioskStep):
    type_requested = Signal()
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.camera = CameraView()
        self.camera.setMinimumHeight(300)
        # No English "Starting camera…" on a Persian screen: the prompt above says what to do.
        self.camera.set_message("")
        self.type_button = QPushButton()
        self.cancel_button = QPushButton()
        for b in (self.cancel_button, self.type_button):
            b.setMinimumHeight(72)
        self.type_button.clicked.connect(self.type_requested)
        self.cancel_button.clicked.connect(self.cancelled)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.type_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.prompt)
        layout.addWidget(self.camera, 1)
        layout.addLayout(buttons)

    def retranslate(self, lang: str) -> None:
        self.prompt.setText(self.tr("Hold your badge up to the camera"))
        self.type_button.setText(self.tr("No badge? Type your details"))
        self.cancel_button.setText(self.tr("Start over"))

    def clear(self) -> None:
        self.camera.clear()  # the last picture of the visitor goes with them
