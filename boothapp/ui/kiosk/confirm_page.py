"""A badge matched the organiser's roster: show at most the first name and the company and
ask "Is this you?" before anything else of the roster entry reaches the screen (issue 14).
A badge read by mistake (a passer-by's) thus shows little, and only after a visitor's tap."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from boothapp.core.models import Contact
from boothapp.ui.kiosk.pages import KioskStep


def before_confirmation(contact: Contact) -> Contact:
    """What of a roster match may show before the visitor says it is them."""
    return Contact(first_name=contact.first_name, company=contact.company)


class ConfirmPage(KioskStep):
    confirmed = Signal()
    refused = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.heading = QLabel()
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setStyleSheet("font-size: 28pt; font-weight: bold;")
        self.name = QLabel()
        self.name.setObjectName("ConfirmName")
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name.setStyleSheet("font-size: 34pt;")
        self.company = QLabel()
        self.company.setObjectName("ConfirmCompany")
        self.company.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.company.setStyleSheet("font-size: 24pt;")
        self.yes_button = QPushButton()
        self.yes_button.setProperty("primary", True)
        self.no_button = QPushButton()
        for b in (self.no_button, self.yes_button):
            b.setStyleSheet("min-height: 80px;")  # the theme's min-height beats setMinimumHeight
        self.yes_button.clicked.connect(self.confirmed)
        self.no_button.clicked.connect(self.refused)
        buttons = QHBoxLayout()
        buttons.addWidget(self.no_button, 1)
        buttons.addWidget(self.yes_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(96, 48, 96, 48)
        layout.addWidget(self.heading)
        layout.addStretch(1)
        layout.addWidget(self.name)
        layout.addWidget(self.company)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def show_match(self, contact: Contact) -> None:
        shown = before_confirmation(contact)
        self.name.setText(shown.first_name)
        self.company.setText(shown.company)

    def retranslate(self, lang: str) -> None:
        self.heading.setText(self.tr("Is this you?"))
        self.yes_button.setText(self.tr("Yes, it's me"))
        self.no_button.setText(self.tr("No, not me"))

    def clear(self) -> None:
        super().clear()
        self.name.clear()
        self.company.clear()
