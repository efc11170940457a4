"""Common base for kiosk steps: retranslate on language change, clear on reset."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QWidget


class KioskStep(QWidget):
    def retranslate(self, lang: str) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget everything about the current visitor shown or typed on this step."""
        for edit in self.findChildren(QLineEdit):
            # setText (unlike clear) also drops the undo history: Ctrl+Z cannot bring it back.
            edit.setText("")
            edit.setModified(False)
        for plain in self.findChildren(QPlainTextEdit):
            plain.setPlainText("")
        for rich in self.findChildren(QTextEdit):
            rich.setPlainText("")
        for button in self.findChildren(QAbstractButton):
            if button.isCheckable():
                button.setChecked(False)
