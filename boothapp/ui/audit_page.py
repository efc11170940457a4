"""The audit log for managers (issue 18): who exported, erased, changed settings, signed in,
and when. Read off the GUI thread; newest at the top."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
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

from boothapp.core.i18n import label, list_separator
from boothapp.core.models import Rating, StaffRole, Stage
from boothapp.services.audit import AuditAction, AuditEntry, AuditService
from boothapp.ui.i18n import (
    QT_TRANSLATE_NOOP,
    Translated,
    ZoneLabel,
    event_time,
    number,
)
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

# The stored detail's keys and coded values as a manager reads them (issue 21: the column
# showed machine JSON, '{"revision": 2, "sections": ["costs"]}', English in every language).
# A key or value not named here shows as stored.
_DETAIL_KEYS = Translated(
    "AuditPage",
    {
        "action": QT_TRANSLATE_NOOP("AuditPage", "action"),
        "added": QT_TRANSLATE_NOOP("AuditPage", "added"),
        "attendees": QT_TRANSLATE_NOOP("AuditPage", "attendees"),
        "crm": QT_TRANSLATE_NOOP("AuditPage", "CRM"),
        "erased": QT_TRANSLATE_NOOP("AuditPage", "erased"),
        "erased_skipped": QT_TRANSLATE_NOOP("AuditPage", "skipped (erased before)"),
        "file": QT_TRANSLATE_NOOP("AuditPage", "file"),
        "filter": QT_TRANSLATE_NOOP("AuditPage", "filter"),
        "flag": QT_TRANSLATE_NOOP("AuditPage", "marked"),
        "format": QT_TRANSLATE_NOOP("AuditPage", "format"),
        "given": QT_TRANSLATE_NOOP("AuditPage", "consent given"),
        "include_flagged": QT_TRANSLATE_NOOP("AuditPage", "with please-delete"),
        "leads": QT_TRANSLATE_NOOP("AuditPage", "leads"),
        "message": QT_TRANSLATE_NOOP("AuditPage", "message"),
        "ok": QT_TRANSLATE_NOOP("AuditPage", "done"),
        "os_user": QT_TRANSLATE_NOOP("AuditPage", "computer user"),
        "qualified_only": QT_TRANSLATE_NOOP("AuditPage", "qualified only"),
        "ratings": QT_TRANSLATE_NOOP("AuditPage", "ratings"),
        "reason": QT_TRANSLATE_NOOP("AuditPage", "reason"),
        "replaced": QT_TRANSLATE_NOOP("AuditPage", "replaced"),
        "review": QT_TRANSLATE_NOOP("AuditPage", "review"),
        "revision": QT_TRANSLATE_NOOP("AuditPage", "revision"),
        "role": QT_TRANSLATE_NOOP("AuditPage", "role"),
        "rows": QT_TRANSLATE_NOOP("AuditPage", "rows"),
        "roster": QT_TRANSLATE_NOOP("AuditPage", "roster entries"),
        "scan_id": QT_TRANSLATE_NOOP("AuditPage", "scan"),
        "scans": QT_TRANSLATE_NOOP("AuditPage", "scans"),
        "search": QT_TRANSLATE_NOOP("AuditPage", "search"),
        "sections": QT_TRANSLATE_NOOP("AuditPage", "sections"),
        "since": QT_TRANSLATE_NOOP("AuditPage", "from"),
        "staff": QT_TRANSLATE_NOOP("AuditPage", "staff"),
        "stages": QT_TRANSLATE_NOOP("AuditPage", "stages"),
        "subject": QT_TRANSLATE_NOOP("AuditPage", "person"),
        "text": QT_TRANSLATE_NOOP("AuditPage", "consent wording"),
        "until": QT_TRANSLATE_NOOP("AuditPage", "until"),
    },
)
_DETAIL_VALUES = Translated(
    "AuditPage",
    {
        # event settings sections (the YAML's top-level keys)
        "badge_field_map": QT_TRANSLATE_NOOP("AuditPage", "badge fields"),
        "consent_text": QT_TRANSLATE_NOOP("AuditPage", "consent wording"),
        "costs": QT_TRANSLATE_NOOP("AuditPage", "costs"),
        "crm": QT_TRANSLATE_NOOP("AuditPage", "CRM"),
        "followups": QT_TRANSLATE_NOOP("AuditPage", "follow-ups"),
        "kiosk_languages": QT_TRANSLATE_NOOP("AuditPage", "kiosk languages"),
        "language": QT_TRANSLATE_NOOP("AuditPage", "language"),
        "privacy": QT_TRANSLATE_NOOP("AuditPage", "privacy"),
        "qualification": QT_TRANSLATE_NOOP("AuditPage", "qualification"),
        "questions": QT_TRANSLATE_NOOP("AuditPage", "questions"),
        "rating": QT_TRANSLATE_NOOP("AuditPage", "rating"),
        "routing": QT_TRANSLATE_NOOP("AuditPage", "routing"),
        "scoring": QT_TRANSLATE_NOOP("AuditPage", "scoring"),
        "targets": QT_TRANSLATE_NOOP("AuditPage", "targets"),
        "version": QT_TRANSLATE_NOOP("AuditPage", "version"),
        # a please-delete review
        "junk": QT_TRANSLATE_NOOP("AuditPage", "erased as junk"),
        "kept": QT_TRANSLATE_NOOP("AuditPage", "kept"),
    },
)
_ENUMS: tuple[type[Rating] | type[Stage] | type[StaffRole], ...] = (Rating, Stage, StaffRole)


def detail_text(detail: dict[str, Any]) -> str:
    """'revision: 2 · sections: costs' in the reader's words and digits."""
    return " · ".join(
        f"{_DETAIL_KEYS.get(k, k)}: {_value_text(v)}"
        for k, v in sorted(detail.items())
        if v not in (None, "", [], {})
    )


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        if value:
            return QCoreApplication.translate("AuditPage", "yes")
        return QCoreApplication.translate("AuditPage", "no")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list | tuple):
        return list_separator().join(_value_text(v) for v in value)
    if isinstance(value, dict):
        return f"({detail_text(value)})"
    text = str(value)
    if text in _DETAIL_VALUES:
        return _DETAIL_VALUES[text]
    for kind in _ENUMS:
        if text in kind._value2member_map_:
            return label(kind(text))
    return f"\u2068{text}\u2069"  # as typed (a file, a name): isolated from the line's direction


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
            what = detail_text(e.detail) if e.detail else ""
            cells = [event_time(e.created_at, self._zone), self.tr(_ACTION_NAMES[e.action]),
                     e.staff_name or e.staff_id or "-", e.lead_id or "", what]  # fmt: skip
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("{n} entries").format(n=number(len(rows))))
