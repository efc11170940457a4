"""The audit log for managers (issue 18): who exported, erased, changed settings, signed in,
and when. Read off the GUI thread; newest at the top."""

from __future__ import annotations

import json

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

from boothapp.services.audit import AuditAction, AuditEntry, AuditService
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, ZoneLabel, event_time, number
from boothapp.workers.tasks import TaskRunner

# What a manager reads for each audit action (the stored value stays the machine id).
_ACTION_NAMES: dict[AuditAction, str] = {
    AuditAction.LOGIN: QT_TRANSLATE_NOOP("AuditPage", "Sign-in"),
    AuditAction.LOGOUT: QT_TRANSLATE_NOOP("AuditPage", "Sign-out"),
    AuditAction.LEAD_CREATED: QT_TRANSLATE_NOOP("AuditPage", "Lead added"),
    AuditAction.LEAD_EDITED: QT_TRANSLATE_NOOP("AuditPage", "Lead edited"),
    AuditAction.PLEASE_DELETE: QT_TRANSLATE_NOOP("AuditPage", "Please-delete request"),
    AuditAction.CONSENT_CHANGED: QT_TRANSLATE_NOOP("AuditPage", "Consent changed"),
    AuditAction.EXPORT: QT_TRANSLATE_NOOP("AuditPage", "Export"),
    AuditAction.REPORT: QT_TRANSLATE_NOOP("AuditPage", "Report"),
    AuditAction.IMPORT: QT_TRANSLATE_NOOP("AuditPage", "Import"),
    AuditAction.SYNC: QT_TRANSLATE_NOOP("AuditPage", "Sync"),
    AuditAction.SCAN_DISCARDED: QT_TRANSLATE_NOOP("AuditPage", "Scan set aside"),
    AuditAction.PERSON_EXPORT: QT_TRANSLATE_NOOP("AuditPage", "Personal data export"),
    AuditAction.ERASE: QT_TRANSLATE_NOOP("AuditPage", "Erased"),
    AuditAction.CRM_ERASE: QT_TRANSLATE_NOOP("AuditPage", "CRM erase request"),
    AuditAction.RETENTION: QT_TRANSLATE_NOOP("AuditPage", "Retention"),
    AuditAction.SETTINGS_CHANGED: QT_TRANSLATE_NOOP("AuditPage", "Settings changed"),
    AuditAction.ROLE_CHANGED: QT_TRANSLATE_NOOP("AuditPage", "Role changed"),
    AuditAction.REFUSED: QT_TRANSLATE_NOOP("AuditPage", "Refused"),
}

SHOWN = 500  # the newest entries on screen; `boothapp audit list` reaches the rest


class AuditPage(QWidget):
    def __init__(
        self, audit: AuditService, runner: TaskRunner, event_id: str, zone: str = "UTC"
    ) -> None:
        super().__init__()
        self.setObjectName("AuditPage")
        self._audit, self._runner, self._event_id = audit, runner, event_id
        self._zone = zone  # one clock everywhere: the event's (issue 15)
        title = QLabel(self.tr("Audit log: every export, erase and settings change"))
        title.setObjectName("PageTitle")
        self.action = QComboBox()
        self.action.setObjectName("AuditAction")
        self.action.addItem(self.tr("All actions"), "")
        for action in AuditAction:
            self.action.addItem(self.tr(_ACTION_NAMES[action]), action.value)
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
        self.status = QLabel("")
        self.status.setObjectName("AuditStatus")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(ZoneLabel(zone))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        audit, event_id = self._audit, self._event_id
        chosen = self.action.currentData()
        actions = frozenset({AuditAction(chosen)}) if chosen else frozenset()
        self._runner.run(
            lambda: audit.entries(event_id, actions=actions, limit=SHOWN),
            on_done=self._show,
            on_error=lambda exc: self.status.setText(self.tr("Not loaded: {e}").format(e=exc)),
        )

    def _show(self, entries: list[AuditEntry]) -> None:
        rows = list(reversed(entries))  # newest first
        self.table.setRowCount(len(rows))
        for i, e in enumerate(rows):
            what = json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else ""
            # The detail is machine JSON, read left to right: marks keep its braces and quotes
            # in place in a right-to-left (Persian) window (a left-to-right mark, then the text
            # isolated left to right: LRI ... PDI).
            what = f"\u200e\u2066{what}\u2069" if what else ""
            cells = [event_time(e.created_at, self._zone), self.tr(_ACTION_NAMES[e.action]),
                     e.staff_name or e.staff_id or "-", e.lead_id or "", what]  # fmt: skip
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("{n} entries").format(n=number(len(rows))))
