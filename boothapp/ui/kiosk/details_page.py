"""The visitor's own details: pre-filled from their badge, or typed on the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from boothapp.core.hygiene.emails import email_problem
from boothapp.core.models import Contact
from boothapp.ui.kiosk.keyboard import OnScreenKeyboard
from boothapp.ui.kiosk.pages import KioskStep


class DetailsPage(KioskStep):
    accepted = Signal(object)  # Contact
    cancelled = Signal()

    def __init__(self, show_keyboard: bool = True) -> None:
        super().__init__()
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 26pt; font-weight: bold;")
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.email = QLineEdit()
        self.company = QLineEdit()
        self.title = QLineEdit()
        # The on-screen keyboard opens on its Latin layer for this field (issue 14); an
        # address reads left to right also on a Persian screen.
        self.email.setInputMethodHints(
            Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.email.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, edit in (
            ("first_name", self.first),
            ("last_name", self.last),
            ("email", self.email),
            ("company", self.company),
            ("job_title", self.title),
        ):
            edit.setMinimumHeight(56)
            edit.setStyleSheet("font-size: 18pt;")
            label = QLabel()
            label.setStyleSheet("font-size: 16pt;")
            self.labels[key] = label
            form.addRow(label, edit)
            edit.installEventFilter(self)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setStyleSheet("font-size: 16pt;")
        self.keyboard = OnScreenKeyboard()
        self.keyboard.setVisible(show_keyboard)
        self.cancel_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setProperty("primary", True)
        for b in (self.cancel_button, self.next_button):
            b.setMinimumHeight(64)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.keyboard, 1)
        layout.addLayout(buttons)
        self.next_button.clicked.connect(self._next)
        self.cancel_button.clicked.connect(self.cancelled)
        self.email.returnPressed.connect(self._next)
        self._prefilled = False
        self._lang = "en"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.keyboard.set_target(watched)
        return False

    def prefill(self, contact: Contact) -> None:
        self.first.setText(contact.first_name)
        self.last.setText(contact.last_name)
        self.email.setText(contact.email)
        self.company.setText(contact.company)
        self.title.setText(contact.title)
        self._prefilled = True
        self.retranslate(self._lang)

    def contact(self) -> Contact:
        return Contact(
            first_name=self.first.text().strip(),
            last_name=self.last.text().strip(),
            email=self.email.text().strip(),
            company=self.company.text().strip(),
            title=self.title.text().strip(),
        )

    def _next(self) -> None:
        contact = self.contact()
        if not (contact.first_name or contact.last_name) or email_problem(contact.email):
            self.error.setText(self.tr("Please fill in your name and a valid email"))
            return
        self.error.clear()
        self.accepted.emit(contact)

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.heading.setText(
            self.tr("Is this you?") if self._prefilled else self.tr("Your details")
        )
        names = {
            "first_name": self.tr("First name"),
            "last_name": self.tr("Last name"),
            "email": self.tr("Email"),
            "company": self.tr("Company"),
            "job_title": self.tr("Job title"),
        }
        for key, label in self.labels.items():
            label.setText(names[key])
        self.next_button.setText(self.tr("Next"))
        self.cancel_button.setText(self.tr("Start over"))
        self.keyboard.set_language(lang)
        if self.error.text():
            self.error.setText(self.tr("Please fill in your name and a valid email"))

    def clear(self) -> None:
        super().clear()
        self.error.clear()
        self.keyboard.reset()
        self._prefilled = False
