"""A word-wrapped label whose lines fit in every language (issue 21).

Qt measures a wrapped plain-text label's lines (QPainter's text layout) a few pixels short
when a right-to-left line mixes Persian words joined by a zero-width non-joiner with Latin
ones ("... (CSV یا اکسل) باعث می‌شود ..."), so the first line ran past the label's left edge
and lost its first letters ("Alex" of "توسط Alex Chen" in the lead detail). Laid out as a
text document (rich text) the same line is measured as it is drawn. The text stays plain: it
is escaped here and ``text()`` gives it back as it was set.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

_PRE_WRAP = '<span style="white-space: pre-wrap">{0}</span>'  # markup, no words


class WrappedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self._plain = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._plain = text
        # pre-wrap keeps runs of spaces as typed; a line break stays one.
        super().setText(_PRE_WRAP.format(html.escape(text).replace("\n", "<br>")))

    def text(self) -> str:
        return self._plain
