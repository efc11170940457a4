"""Consent with the exact text shown; unchecked by default. Optional brochure by email."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from boothapp.ui.kiosk.pages import KioskStep


class TapCheckBox(QCheckBox):
    """A check box the whole row of which takes the tap: a visitor touches the sentence, not
    the small box (a tap beside the text did nothing before)."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


class ConsentPage(KioskStep):
    finished = Signal(bool, str, bool)  # consent given, exact text shown, brochure wanted
    back = Signal()

    def __init__(self, consent_texts: dict[str, str] | None = None) -> None:
        super().__init__()
        self._custom = consent_texts or {}
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 26pt; font-weight: bold;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        # Side padding: Qt wraps Persian a few pixels too wide, and the last letter of a line
        # was cut off at the label's edge; the padding gives it room to land.
        self.text.setStyleSheet("font-size: 18pt; padding: 0 16px;")
        self.agree = TapCheckBox()
        self.agree.setStyleSheet("font-size: 18pt; padding: 12px;")
        self.literature = TapCheckBox()
        self.literature.setStyleSheet("font-size: 18pt; padding: 12px;")
        self.back_button = QPushButton()
        self.finish_button = QPushButton()
        self.finish_button.setProperty("primary", True)
        for b in (self.back_button, self.finish_button):
            b.setMinimumHeight(64)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.finish_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.agree)
        layout.addWidget(self.literature)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.finish_button.clicked.connect(self._finish)
        self.back_button.clicked.connect(self.back)

    def consent_text(self) -> str:
        return self.text.text()

    def _finish(self) -> None:
        self.finished.emit(self.agree.isChecked(), self.consent_text(), self.literature.isChecked())

    def retranslate(self, lang: str) -> None:
        self.heading.setText(self.tr("May we contact you?"))
        self.text.setText(
            self._custom.get(lang)
            or self.tr(
                "Yes, you may contact me by email about your products and this event. I can "
                "withdraw this at any time."
            )
        )
        self.agree.setText(self.tr("I agree"))
        self.literature.setText(self.tr("Email me the brochure"))
        self.back_button.setText(self.tr("Back"))
        self.finish_button.setText(self.tr("Finish"))
