"""The audit log for managers (issue 18): who exported, erased, changed settings, signed in,
and when. Read off the GUI thread; newest at the top."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.audit_words import action_text, detail_text
from boothapp.services.audit import AuditAction, AuditEntry, AuditService
from boothapp.ui.i18n import ZoneLabel, event_time, number
from boothapp.workers.tasks import TaskRunner

SHOWN = 500  # the newest entries on screen; `boothapp audit list` reaches the rest
# Columns sized to the text of this many rows, not all of them: measuring 500 rows' text
# was most of a 25-45 ms turn of the GUI thread at a 50k event (bench/ui_tour.py, issue 23).
SIZED_ROWS = 60

Cells = list[tuple[str, str, str, str, str]]


def entry_cells(entries: list[AuditEntry], zone: str) -> Cells:
    """The table's words, newest first: made in the pool thread (the core's catalogue and
    the date formats are thread-safe), so the GUI thread only places them."""
    return [
        (event_time(e.created_at, zone), action_text(e.action), e.staff_name or e.staff_id or "-",
         e.lead_id or "", detail_text(e.detail) if e.detail else "")
        for e in reversed(entries)
    ]  # fmt: skip


class AuditPage(QWidget):
    def __init__(
        self, audit: AuditService, runner: TaskRunner, event_id: str, zone: str = "UTC"
    ) -> None:
        super().__init__()
        self.setObjectName("AuditPage")
        self._audit, self._runner, self._event_id = audit, runner, event_id
        self._zone = zone  # one clock everywhere: the event's (issue 15)
        self._entries: list[AuditEntry] | None = None
        title = QLabel(self.tr("Audit log: every export, erase and settings change"))
        title.setObjectName("PageTitle")
        self.action = QComboBox()
        self.action.setObjectName("AuditAction")
        self.action.addItem(self.tr("All actions"), "")
        for action in AuditAction:
            self.action.addItem(action_text(action), action.value)
        self.action.currentIndexChanged.connect(lambda _i: self.refresh())
        self.reload = QPushButton(self.tr("Refresh"))
        self.reload.setObjectName("AuditRefresh")
        self.reload.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.action)
        top.addWidget(self.reload)
        headers = [self.tr("When"), self.tr("Action"), self.tr("Who"), self.tr("Lead"),
                   self.tr("What")]  # fmt: skip
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("AuditTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
        self.status = QLabel("")
        self.status.setObjectName("AuditStatus")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(ZoneLabel(zone))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # The actions and details are the core catalogue's words (issue 21), not the
            # Qt catalogue's that retranslate_tree swaps: reworded here.
            self.action.setItemText(0, self.tr("All actions"))
            for i in range(1, self.action.count()):
                self.action.setItemText(i, action_text(self.action.itemData(i)))
            if self._entries is not None:
                self._place(self._entries)
        super().changeEvent(event)

    def refresh(self) -> None:
        audit, event_id = self._audit, self._event_id
        chosen = self.action.currentData()
        actions = frozenset({AuditAction(chosen)}) if chosen else frozenset()
        zone = self._zone

        def load() -> tuple[list[AuditEntry], Cells]:
            entries = audit.entries(event_id, actions=actions, limit=SHOWN)
            return entries, entry_cells(entries, zone)

        self._runner.run(
            load,
            on_done=self._show,
            on_error=lambda exc: self.status.setText(self.tr("Not loaded: {e}").format(e=exc)),
        )

    def _place(self, entries: list[AuditEntry]) -> None:
        """The same entries worded again (a language switch), off the GUI thread."""
        zone = self._zone
        self._runner.run(lambda: (entries, entry_cells(entries, zone)), on_done=self._show)

    def _show(self, loaded: tuple[list[AuditEntry], Cells]) -> None:
        self._entries, rows = loaded
        self.table.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("{n} entries").format(n=number(len(rows))))
