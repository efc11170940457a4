"""The event's kiosk questions as large touch targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.model import Translations
from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.kiosk.question_strings import button_text, wording
from boothapp.ui.kiosk.strings import RTL


@dataclass(frozen=True, slots=True)
class KioskQuestion:
    id: str
    label: str
    options: tuple[tuple[str, str], ...]  # (option id, label)
    multi: bool = False
    # The event manager's wording per language, of the question and by option id.
    translations: Translations = ()
    option_translations: Mapping[str, Translations] = field(default_factory=dict)


class QuestionsPage(KioskStep):
    accepted = Signal(dict)  # question id -> option id or list of option ids
    back = Signal()

    def __init__(self, questions: list[KioskQuestion]) -> None:
        super().__init__()
        self.questions = questions
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 26pt; font-weight: bold;")
        self.groups: dict[str, QButtonGroup] = {}
        # widget, label as configured, the manager's translations of it
        self._labels: list[tuple[QLabel, str, Translations]] = []
        self._option_buttons: list[tuple[QPushButton, str, Translations]] = []
        body = QVBoxLayout()
        for q in questions:
            label = QLabel(q.label)
            label.setStyleSheet("font-size: 18pt;")
            label.setWordWrap(True)  # the manager's wording can be long; the kiosk cannot scroll
            self._labels.append((label, q.label, q.translations))
            body.addWidget(label)
            grid = QGridLayout()
            group = QButtonGroup(self)
            group.setExclusive(not q.multi)
            for i, (opt_id, opt_label) in enumerate(q.options):
                button = QPushButton(opt_label)
                button.setCheckable(True)
                button.setMinimumHeight(64)
                button.setProperty("option_id", opt_id)
                self._option_buttons.append(
                    (button, opt_label, q.option_translations.get(opt_id, ()))
                )
                group.addButton(button)
                grid.addWidget(button, i // 3, i % 3)
            self.groups[q.id] = group
            holder = QWidget()
            holder.setLayout(grid)
            body.addWidget(holder)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setProperty("primary", True)
        for b in (self.back_button, self.next_button):
            b.setMinimumHeight(64)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(self.heading)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.next_button.clicked.connect(lambda: self.accepted.emit(self.answers()))
        self.back_button.clicked.connect(self.back)

    def answers(self) -> dict[str, object]:
        result: dict[str, object] = {}
        for q in self.questions:
            chosen = [b.property("option_id") for b in self.groups[q.id].buttons() if b.isChecked()]
            if chosen:
                result[q.id] = chosen if q.multi else chosen[0]
        return result

    def retranslate(self, lang: str) -> None:
        self.heading.setText(self.tr("What interests you?"))
        # A label aligns by its own text, so an untranslated English question would sit at the
        # left of a Persian page; align every question to the side the page reads from.
        side = Qt.AlignmentFlag.AlignRight if lang in RTL else Qt.AlignmentFlag.AlignLeft
        for label, text, translations in self._labels:
            label.setText(wording(text, lang, translations))
            label.setAlignment(
                side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
            )
        for button, text, translations in self._option_buttons:
            button.setText(button_text(wording(text, lang, translations)))
        self.back_button.setText(self.tr("Back"))
        self.next_button.setText(self.tr("Next"))

    def clear(self) -> None:
        # Exclusive groups refuse to uncheck their last button: lift that while clearing.
        for group in self.groups.values():
            exclusive = group.exclusive()
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(exclusive)
