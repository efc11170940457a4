"""One input per event question: big tap targets for choices, no free text where a tap does.

Keyboard (issue 15): with a choice focused, digits 1-9 pick the n-th option (a single choice
then hands the keys to the next question through ``answered``), arrows move between options,
Space toggles the focused one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from boothapp.core.answers import option_labels, question_label
from boothapp.core.config.model import Question, QuestionKind
from boothapp.ui.i18n import current_language

# Choices wrap onto rows of this many: one long row pushed the form past the scan page's width.
COLUMNS = 3


class QuestionInput(QWidget):
    changed = Signal()
    answered = Signal()  # a single choice was picked with a digit: move on

    def __init__(
        self, question: Question, parent: QWidget | None = None, columns: int = COLUMNS
    ) -> None:
        super().__init__(parent)
        self.question = question
        self._columns = columns
        self.setObjectName(f"question_{question.id}")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._group: QButtonGroup | None = None
        self._number: QDoubleSpinBox | None = None
        self._text: QLineEdit | None = None
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.YES_NO):
            # In the reader's language: the manager's translation, else ours of a default.
            options = tuple(option_labels(question, current_language()).items())
            self._group = QButtonGroup(self)
            self._group.setExclusive(False)  # exclusivity by hand: a second tap clears a choice
            for i, (option_id, label) in enumerate(options):
                button = QPushButton(label)
                button.setCheckable(True)
                button.setMinimumHeight(40)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.setProperty("option_id", option_id)
                button.toggled.connect(lambda on, b=button: self._toggled(b, on))
                if i < 9:
                    button.setToolTip(self.tr("Key {0}").format(i + 1))
                button.installEventFilter(self)
                self._group.addButton(button)
                layout.addWidget(button, i // columns, i % columns)
        elif kind is QuestionKind.NUMBER:
            self._number = QDoubleSpinBox()
            self._number.setRange(-1, 1e12)
            self._number.setDecimals(0)
            self._number.setSpecialValueText("—")  # -1 shows as "not answered"
            self._number.setValue(-1)
            self._number.valueChanged.connect(lambda _v: self.changed.emit())
            layout.addWidget(self._number, 0, 0)
        else:
            self._text = QLineEdit()
            self._text.textChanged.connect(lambda _t: self.changed.emit())
            layout.addWidget(self._text, 0, 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The choices in the language just applied (issue 21)."""
        labels = option_labels(self.question, current_language())
        for i, button in enumerate(self.buttons()):
            button.setText(labels.get(str(button.property("option_id")), button.text()))
            if i < 9:
                button.setToolTip(self.tr("Key {0}").format(i + 1))

    def label(self) -> str:
        """The question in the reader's language (the form's row label)."""
        return question_label(self.question, current_language())

    def buttons(self) -> list[QPushButton]:
        return [
            b for b in (self._group.buttons() if self._group else []) if isinstance(b, QPushButton)
        ]

    def focus_target(self) -> QWidget | None:
        """The widget typing into this question starts at."""
        buttons = self.buttons()
        if buttons:
            checked = [b for b in buttons if b.isChecked()]
            return checked[0] if checked else buttons[0]
        return self._number or self._text

    def focus_first(self) -> bool:
        target = self.focus_target()
        if target is None:
            return False
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: every paint of every answer button passes here (issue 23).
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        buttons = self.buttons()
        if watched not in buttons or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return super().eventFilter(watched, event)
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < len(buttons):
                self.pick(index)
            return True
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -self._columns,
                Qt.Key.Key_Down: self._columns}.get(Qt.Key(key))  # fmt: skip
        if step is not None:
            here = buttons.index(watched)
            there = here + step
            if 0 <= there < len(buttons):
                buttons[there].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def pick(self, index: int) -> None:
        """The n-th option by keyboard: toggles it; a single choice then moves on."""
        button = self.buttons()[index]
        button.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.question.kind is QuestionKind.MULTI:
            button.toggle()
            return
        if not button.isChecked():
            button.setChecked(True)
        self.answered.emit()

    def _toggled(self, button: QPushButton, on: bool) -> None:
        if on and self.question.kind is not QuestionKind.MULTI:
            for other in self.buttons():
                if other is not button and other.isChecked():
                    other.blockSignals(True)
                    other.setChecked(False)
                    other.blockSignals(False)
        self.changed.emit()

    def value(self) -> object:
        if self._group is not None:
            chosen = [b.property("option_id") for b in self.buttons() if b.isChecked()]
            if self.question.kind is QuestionKind.MULTI:
                return chosen or None
            return chosen[0] if chosen else None
        if self._number is not None:
            return None if self._number.value() < 0 else int(self._number.value())
        assert self._text is not None
        return self._text.text().strip() or None

    def set_value(self, value: object) -> None:
        if self._group is not None:
            wanted = set(value) if isinstance(value, list) else {value}
            for b in self.buttons():
                b.blockSignals(True)
                b.setChecked(b.property("option_id") in wanted)
                b.blockSignals(False)
        elif self._number is not None:
            self._number.setValue(float(value) if isinstance(value, int | float) else -1)
        elif self._text is not None:
            self._text.setText(str(value) if value else "")
