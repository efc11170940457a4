"""The desktop shell: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from boothapp import APP_NAME


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, title_suffix: str = "") -> None:
        super().__init__()
        self.setWindowTitle(
            self.tr("{0} — {1}").format(APP_NAME, title_suffix) if title_suffix else APP_NAME
        )
        self.setObjectName("MainWindow")
        self.resize(1280, 800)
        self.nav = QListWidget()
        self.nav.setObjectName("Navigation")
        self.nav.setFixedWidth(200)
        self.pages = QStackedWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.statusBar().showMessage(self.tr("Ready"))
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def add_page(self, title: str, page: QWidget, shortcut: str = "") -> None:
        item = QListWidgetItem(
            self.tr("{0}    {1}").format(title, shortcut).rstrip() if shortcut else title
        )
        self.nav.addItem(item)
        self.pages.addWidget(page)
        if shortcut:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(shortcut))
            index = self.pages.count() - 1
            action.triggered.connect(lambda: self.nav.setCurrentRow(index))
            self.addAction(action)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)


def placeholder_page(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label
