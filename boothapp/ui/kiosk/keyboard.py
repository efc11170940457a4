"""On-screen keyboard for touch kiosks where the OS offers none.

It types into the line edit that last had focus and keeps no memory of what was typed
(no suggestions, no history), so nothing of one visitor reaches the next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

_ROWS: dict[str, tuple[str, ...]] = {
    "en": ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "tr": ("1234567890", "qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç"),
    "el": ("1234567890", "ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ"),
    "fa": ("۱۲۳۴۵۶۷۸۹۰", "ضصثقفغعهخحج", "شسیبلاتنمکگ", "ظطزرذدپو"),
}
_EXTRA = ("@", ".", "-", "_")


class OnScreenKeyboard(QWidget):
    key_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        self._target: QLineEdit | None = None
        self._shift = False
        self._lang = "en"
        self._grid = QGridLayout(self)
        self._grid.setSpacing(6)
        self._build()

    def set_target(self, target: QLineEdit | None) -> None:
        self._target = target

    def set_language(self, lang: str) -> None:
        if lang != self._lang:
            self._lang = lang if lang in _ROWS else "en"
            self._build()

    def reset(self) -> None:
        self._shift = False
        self._target = None
        self._build()

    def _build(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                # Hidden now: deleteLater waits for the event loop, and until then the old
                # language's keys showed through the new ones.
                widget.hide()
                widget.deleteLater()
        rows = _ROWS[self._lang]
        for r, row in enumerate(rows):
            for c, ch in enumerate(row):
                label = ch.upper() if self._shift and self._lang != "fa" else ch
                self._grid.addWidget(self._key(label, label), r, c)
        last = len(rows)
        for c, ch in enumerate(_EXTRA):
            self._grid.addWidget(self._key(ch, ch), last, c)
        shift = self._key("⇧", "")
        shift.setCheckable(True)
        shift.setChecked(self._shift)
        shift.clicked.connect(self._toggle_shift)
        self._grid.addWidget(shift, last, len(_EXTRA))
        space = self._key("␣", " ")
        self._grid.addWidget(space, last, len(_EXTRA) + 1, 1, 4)
        back = self._key("⌫", "")
        back.clicked.connect(self._backspace)
        self._grid.addWidget(back, last, len(_EXTRA) + 5, 1, 2)

    def _key(self, label: str, text: str) -> QPushButton:
        button = QPushButton(label)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the focus in the field
        button.setMinimumSize(56, 56)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if text:
            button.clicked.connect(lambda: self._type(text))
        return button

    def _type(self, text: str) -> None:
        if self._target is not None:
            self._target.insert(text)
        self.key_typed.emit(text)
        if self._shift:
            self._shift = False
            self._build()

    def _backspace(self) -> None:
        if self._target is not None:
            self._target.backspace()

    def _toggle_shift(self) -> None:
        self._shift = not self._shift
        self._build()
