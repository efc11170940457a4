"""The desktop shell: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
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
from boothapp.ui.i18n import retranslate_tree


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, title_suffix: str = "") -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} — {title_suffix}" if title_suffix else APP_NAME)
        self.setObjectName("MainWindow")
        self.resize(1280, 800)
        self.nav = QListWidget()
        self.nav.setObjectName("Navigation")
        self.nav.setFixedWidth(210)  # room for the longer languages' page names (issue 21)
        # A name a little too long is elided, never scrolled sideways (Greek, issue 21).
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.pages = QStackedWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self._ready_shown = True  # the first "Ready" is rewritten on a language switch
        self.statusBar().messageChanged.connect(self._on_status_changed)
        self.statusBar().showMessage(self.tr("Ready"))
        self._quit = QAction(self.tr("Quit"), self)
        self._quit.setShortcut(QKeySequence.StandardKey.Quit)
        self._quit.triggered.connect(self.close)
        self.addAction(self._quit)
        self._nav_titles: list[tuple[QListWidgetItem, QAction | None, str, str]] = []

    def add_page(self, title: str, page: QWidget, shortcut: str = "") -> None:
        """``title`` is an English source marked ``QT_TRANSLATE_NOOP("Navigation", ...)``: the
        item and its shortcut action say it in the current language, again after a switch."""
        item = QListWidgetItem()
        self.nav.addItem(item)
        self.pages.addWidget(page)
        action: QAction | None = None
        if shortcut:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            index = self.pages.count() - 1
            action.triggered.connect(lambda: self.nav.setCurrentRow(index))
            self.addAction(action)
        self._nav_titles.append((item, action, title, shortcut))
        self._title_nav(item, action, title, shortcut)
        self._fit_nav()
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    @staticmethod
    def _title_nav(item: QListWidgetItem, action: QAction | None, title: str, key: str) -> None:
        text = QCoreApplication.translate("Navigation", title)
        item.setText(f"{text}   {key}" if key else text)
        if action is not None:
            action.setText(text)

    def _fit_nav(self) -> None:
        """As wide as the longest page name in this language, within what a 1280 px screen
        leaves the pages."""
        widest = self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 12
        self.nav.setFixedWidth(max(190, min(widest, 224)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        retranslate_tree(self)  # fixed wording of every page; pages reword their figures
        for item, action, title, key in self._nav_titles:
            self._title_nav(item, action, title, key)
        self._fit_nav()
        self._quit.setText(self.tr("Quit"))
        if self._ready_shown:
            self.statusBar().showMessage(self.tr("Ready"))

    def _on_status_changed(self, message: str) -> None:
        # Only the opening "Ready" is ours to reword; any later message is someone else's.
        if message != self.tr("Ready"):
            self._ready_shown = False

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
