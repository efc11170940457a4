"""On-screen keyboard for touch kiosks where the OS offers none.

It types into the line edit that last had focus and keeps no memory of what was typed
(no suggestions, no history), so nothing of one visitor reaches the next.

Every language has its own layer and a Latin one (issue 14): a Persian or Greek visitor must
be able to type an e-mail address. The keyboard opens on the Latin layer for fields whose
input-method hints say e-mail, web address or phone, and on the language's own layer
otherwise; a key switches between them. Shift (one letter) and Caps (until pressed again)
work on every layer (German ß keeps its form: it has no one-key capital); Turkish capitals
follow Turkish rules (i -> İ, ı -> I); Greek has the
tonos and dialytika dead keys (ά έ ή ί ό ύ ώ ϊ ϋ ΐ ΰ); Persian has its own digits and the
Persian letters ی and ک (not the Arabic ي and ك).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

TONOS, DIALYTIKA = "\u0301", "\u0308"  # combining marks; NFC composes them with the letter
_SPACING = {TONOS: "\u0384", DIALYTIKA: "\u00a8"}  # ΄ ¨ as typed when nothing composes
_DEAD_ORDER = (DIALYTIKA, TONOS)  # ι + ¨ + ΄ composes to ΐ only in this order


@dataclass(frozen=True, slots=True)
class Layer:
    rows: tuple[str, ...]
    shifted: tuple[str, ...] | None = None  # explicit Shift rows (scripts without case)
    dead_keys: tuple[str, ...] = ()  # combining marks offered as dead keys
    switch_label: str = ""  # what the layer-switch key says to reach this layer


LATIN = Layer(("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "@.-_+/:"), switch_label="ABC")
_NATIVE: dict[str, Layer] = {
    "en": LATIN,
    "tr": Layer(
        ("1234567890", "qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç", "@.-_+"), switch_label="ÇĞŞ"
    ),
    "el": Layer(
        ("1234567890", "ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ", "@.-_+"),
        dead_keys=(TONOS, DIALYTIKA),
        switch_label="ΑΒΓ",
    ),
    "fa": Layer(
        ("۱۲۳۴۵۶۷۸۹۰", "ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپوژ", "@.-_+"),
        shifted=("۱۲۳۴۵۶۷۸۹۰", "ًٌٍَُِّْ", "آأإئؤءة", "«»،؛؟", "@.-_+"),
        switch_label="فا",
    ),
    # German QWERTZ: umlauts and ß where a German keyboard has them.
    "de": Layer(
        ("1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm", "@.-_+"), switch_label="ÄÖÜ"
    ),
}
_TURKISH_UPPER = {"i": "İ", "ı": "I"}
LATIN_HINTS = (
    Qt.InputMethodHint.ImhEmailCharactersOnly
    | Qt.InputMethodHint.ImhUrlCharactersOnly
    | Qt.InputMethodHint.ImhDialableCharactersOnly
    | Qt.InputMethodHint.ImhDigitsOnly
    | Qt.InputMethodHint.ImhLatinOnly
)


def languages() -> tuple[str, ...]:
    return tuple(_NATIVE)


def upper(lang: str, ch: str) -> str:
    if lang == "tr" and ch in _TURKISH_UPPER:
        return _TURKISH_UPPER[ch]
    up = ch.upper()
    return up if len(up) == 1 else ch  # ß and friends have no one-key capital


def compose(ch: str, dead: tuple[str, ...]) -> str:
    """A letter after dead keys: the composed letter, or the marks then the letter as a
    physical Greek keyboard types them when they do not combine (΄κ)."""
    if not dead:
        return ch
    marks = "".join(m for m in _DEAD_ORDER if m in dead)
    composed = unicodedata.normalize("NFC", ch + marks)
    if len(composed) == 1:
        return composed
    return "".join(_SPACING[m] for m in marks) + ch


class OnScreenKeyboard(QWidget):
    key_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        # Keys sit where they do on a physical keyboard, also under a right-to-left kiosk.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self._target: QLineEdit | None = None
        self._lang = "en"
        self._latin = False
        self._shift = False
        self._caps = False
        self._dead: tuple[str, ...] = ()
        self._rows = QVBoxLayout(self)
        self._rows.setSpacing(6)
        self._build()

    # -- state ------------------------------------------------------------------------------
    @property
    def latin(self) -> bool:
        return self._latin or self._lang == "en"

    @property
    def layer(self) -> Layer:
        return LATIN if self.latin else _NATIVE[self._lang]

    def set_target(self, target: QLineEdit | None) -> None:
        self._target = target
        wants_latin = target is not None and bool(target.inputMethodHints() & LATIN_HINTS)
        self._set_state(latin=wants_latin, shift=False, dead=())

    def set_language(self, lang: str) -> None:
        lang = lang if lang in _NATIVE else "en"
        if lang != self._lang:
            self._lang = lang
            self._build()

    def reset(self) -> None:
        self._target = None
        self._latin = self._shift = self._caps = False
        self._dead = ()
        self._build()

    def _set_state(
        self, *, latin: bool | None = None, shift: bool | None = None,
        caps: bool | None = None, dead: tuple[str, ...] | None = None,
    ) -> None:  # fmt: skip
        before = (self._latin, self._shift, self._caps, self._dead)
        if latin is not None:
            self._latin = latin
        if shift is not None:
            self._shift = shift
        if caps is not None:
            self._caps = caps
        if dead is not None:
            self._dead = dead
        if (self._latin, self._shift, self._caps, self._dead) != before:
            self._build()

    # -- keys -------------------------------------------------------------------------------
    def _label(self, ch: str, row: int, col: int) -> str:
        if not (self._shift ^ self._caps):
            return ch
        layer = self.layer
        if layer.shifted is not None:
            shifted = layer.shifted[row] if row < len(layer.shifted) else ""
            return shifted[col] if col < len(shifted) else ""
        return upper(self._lang if not self.latin else "en", ch)

    def _build(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            row_layout = item.layout() if item else None
            if row_layout is None:
                continue
            while row_layout.count():
                inner = row_layout.takeAt(0)
                widget = inner.widget() if inner else None
                if widget is not None:
                    # Hidden now: deleteLater waits for the event loop, and until then the
                    # old language's keys showed through the new ones.
                    widget.hide()
                    widget.deleteLater()
            row_layout.deleteLater()
        layer = self.layer
        shifted_rows = len(layer.shifted) if layer.shifted and (self._shift ^ self._caps) else 0
        for r, row in enumerate(layer.rows):
            line = QHBoxLayout()
            line.setSpacing(6)
            keys = layer.shifted[r] if r < shifted_rows and layer.shifted else row
            for c, ch in enumerate(keys):
                label = ch if shifted_rows else self._label(ch, r, c)
                if label:
                    line.addWidget(self._char_key(label))
            self._rows.addLayout(line)
        self._rows.addLayout(self._control_row(layer))

    def _control_row(self, layer: Layer) -> QHBoxLayout:
        line = QHBoxLayout()
        line.setSpacing(6)
        shift = self._key("⇧", "key_shift", checked=self._shift)
        shift.clicked.connect(lambda: self._set_state(shift=not self._shift))
        caps = self._key("⇪", "key_caps", checked=self._caps)
        caps.clicked.connect(lambda: self._set_state(caps=not self._caps, shift=False))
        line.addWidget(shift, 1)
        line.addWidget(caps, 1)
        if self._lang != "en":
            target = _NATIVE[self._lang] if self.latin else LATIN
            switch = self._key(target.switch_label, "key_layer")
            switch.setToolTip(self.tr("Latin letters") if not self.latin else "")
            switch.clicked.connect(lambda: self._set_state(latin=not self.latin, dead=()))
            line.addWidget(switch, 2)
        for mark in layer.dead_keys:
            name = "key_tonos" if mark == TONOS else "key_dialytika"
            dead = self._key(_SPACING[mark], name, checked=mark in self._dead)
            dead.clicked.connect(lambda _=False, m=mark: self._dead_key(m))
            line.addWidget(dead, 1)
        space = self._key("␣", "key_space")
        space.clicked.connect(lambda: self._type(" "))
        line.addWidget(space, 4)
        back = self._key("⌫", "key_backspace")
        back.clicked.connect(self._backspace)
        line.addWidget(back, 2)
        return line

    def _char_key(self, ch: str) -> QPushButton:
        button = self._key(ch, f"key_{ord(ch[0]):04x}")
        button.clicked.connect(lambda: self._type(ch))
        return button

    def _key(self, label: str, name: str, checked: bool | None = None) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the focus in the field
        button.setMinimumSize(52, 52)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if checked is not None:
            button.setCheckable(True)
            button.setChecked(checked)
        return button

    # -- typing -----------------------------------------------------------------------------
    def _type(self, text: str) -> None:
        if text == " " and self._dead:
            text = "".join(_SPACING[m] for m in _DEAD_ORDER if m in self._dead)
        else:
            text = compose(text, self._dead)
        if self._target is not None:
            self._target.insert(text)
        self.key_typed.emit(text)
        self._set_state(shift=False, dead=())

    def _dead_key(self, mark: str) -> None:
        if mark in self._dead:  # pressed twice: the mark itself
            self._set_state(dead=())
            self._type_raw(_SPACING[mark])
        else:
            self._set_state(dead=(*self._dead, mark))

    def _type_raw(self, text: str) -> None:
        if self._target is not None:
            self._target.insert(text)
        self.key_typed.emit(text)

    def _backspace(self) -> None:
        if self._dead:
            self._set_state(dead=())
        elif self._target is not None:
            self._target.backspace()
