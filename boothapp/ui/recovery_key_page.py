"""Last page of the setup wizard: the database recovery key, for the manager to print.

The database is encrypted with a key kept in this computer's keyring (issue #18). Without the
recovery key a copy of the database cannot be opened on another machine, not even by us, so
the page asks the manager to keep it (``boothapp db recovery-key`` shows it again later).
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)


class RecoveryKeyPage(QWizardPage):
    def __init__(self, recovery_text: str, kept_in: str, in_keyring: bool) -> None:
        super().__init__()
        self._text = recovery_text
        self.setTitle(self.tr("Recovery key"))
        self.setSubTitle(
            self.tr(
                "The lead database is encrypted. Print this key or write it down and keep it "
                "away from this laptop: it opens the database on another computer."
            )
        )
        self.key = QLabel(self._spaced(recovery_text))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.6)  # read and copied by hand
        font.setBold(True)
        self.key.setFont(font)
        self.key.setContentsMargins(0, 12, 0, 12)
        self.key.setWordWrap(True)
        self.key.setTextInteractionFlags(self.key.textInteractionFlags().TextSelectableByMouse)
        self.key.setAccessibleName(self.tr("Recovery key"))
        where = QLabel(self.tr("On this computer the key is kept in %1.").replace("%1", kept_in))
        where.setWordWrap(True)
        self.warning = QLabel(
            self.tr(
                "No system keyring was found: the key sits in a file beside the database, "
                "so the encryption protects a copy of the database, not this folder."
            )
        )
        self.warning.setWordWrap(True)
        self.warning.setProperty("role", "error")
        self.warning.setVisible(not in_keyring)
        self.copy = QPushButton(self.tr("Copy"))
        self.print_ = QPushButton(self.tr("Print…"))
        self.kept = QCheckBox(self.tr("I have printed or written down the recovery key"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addWidget(self.print_)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addLayout(buttons)
        layout.addWidget(where)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addWidget(self.kept)
        self.copy.clicked.connect(self._copy)
        self.print_.clicked.connect(self._print)
        self.kept.toggled.connect(self.completeChanged)

    @staticmethod
    def _spaced(text: str) -> str:
        """Two lines of groups, easier to copy by hand than one long run."""
        groups = text.split("-")
        half = (len(groups) + 1) // 2
        return "-".join(groups[:half]) + "-\n" + "-".join(groups[half:])

    def isComplete(self) -> bool:  # Qt's name
        return self.kept.isChecked()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._text)

    def _print(self) -> None:
        # QtPrintSupport is loaded only when the manager asks to print.
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        title = self.tr("BoothApp database recovery key")
        note = self.tr("Type it into “boothapp db restore-key” on another computer.")
        key = self._spaced(self._text).replace("\n", "<br>")
        doc.setHtml(
            f"<h2>{title}</h2><p style='font-family: monospace; font-size: 14pt'>{key}</p>"
            f"<p>{note}</p>"
        )
        doc.print_(printer)
