"""At start, an encrypted database whose key this computer lacks: the manager types the
recovery key here instead of being sent to a terminal (issue #18)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

# The recovery key's shape, not words: the same in every language (not in the catalogue).
KEY_SHAPE = "XXXX-XXXX-XXXX-…"


class RestoreKeyDialog(QDialog):
    """``restore(text)`` stores the key or raises with a one-line reason, shown in the dialog;
    it opens the database once to check the key (a few ms, before any window is up)."""

    def __init__(self, message: str, restore: Callable[[str], object]) -> None:
        super().__init__()
        self._restore = restore
        self.setWindowTitle(self.tr("Database key needed"))
        self.setMinimumWidth(560)
        intro = QLabel(
            self.tr(
                "This computer has no key for the encrypted lead database. Type the "
                "recovery key the manager printed at set-up (or see “boothapp db recovery-key” "
                "on the laptop that made it)."
            )
        )
        intro.setWordWrap(True)
        detail = QLabel(message)
        detail.setWordWrap(True)
        detail.setProperty("role", "muted")
        self.key = QLineEdit()
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.setPlaceholderText(KEY_SHAPE)
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Open database"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(detail)
        layout.addWidget(self.key)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)

    def _try(self) -> None:
        try:
            self._restore(self.key.text())
        except Exception as exc:  # the store's one-line reason (wrong key, typo)
            self.error.setText(str(exc))
            self.key.selectAll()
            self.key.setFocus()
            return
        self.accept()
