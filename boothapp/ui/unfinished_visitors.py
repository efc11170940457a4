"""Unfinished visitors (issue 18, finding 7): badges scanned whose lead was never saved (the
app was killed between the two, or the form was closed). Offered once at start, after the
first sign-in: Resume makes the lead from the badge and the roster through the lead door,
Discard sets the scan aside with an audit record (the scan itself is kept)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Lead
from boothapp.services.leads import LeadService
from boothapp.services.orphan_scans import OrphanScan, OrphanScanService
from boothapp.ui.i18n import ZoneLabel, event_time
from boothapp.workers.tasks import TaskRunner


class UnfinishedVisitorsDialog(QDialog):
    resumed = Signal(object)  # the Lead made from a scan

    def __init__(
        self,
        scans: list[OrphanScan],
        leads: LeadService,
        orphans: OrphanScanService,
        runner: TaskRunner,
        staff_id: str,
        parent: QWidget | None = None,
        names: dict[str, str] | None = None,
        zone: str = "UTC",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("UnfinishedVisitors")
        self.setWindowTitle(self.tr("Unfinished visitors"))
        self._scans = list(scans)
        self._zone = zone  # one clock everywhere: the event's (issue 15)
        self._names = dict(names or {})  # scan id -> who the badge names, when it names anyone
        self._leads, self._orphans, self._runner, self._staff_id = leads, orphans, runner, staff_id
        intro = QLabel(self.tr("These badges were scanned but their lead was never saved."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("UnfinishedTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Scanned"), self.tr("Visitor"), self.tr("Badge")]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setObjectName("UnfinishedResume")
        self.resume_button.clicked.connect(self.resume_selected)
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.setObjectName("UnfinishedDiscard")
        self.discard_button.clicked.connect(self.discard_selected)
        close = QPushButton(self.tr("Later"))
        close.clicked.connect(self.reject)
        self.status = QLabel("")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(ZoneLabel(zone))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(640, 360)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self._scans))
        for i, scan in enumerate(self._scans):
            payload = " ".join(scan.payload.split())
            payload = payload if len(payload) <= 80 else payload[:79] + "…"
            self.table.setItem(i, 0, QTableWidgetItem(event_time(scan.created_at, self._zone)))
            self.table.setItem(i, 1, QTableWidgetItem(self._names.get(scan.id, "")))
            self.table.setItem(i, 2, QTableWidgetItem(payload))
        self.table.resizeColumnsToContents()
        if self._scans:
            self.table.selectRow(0)
        enabled = bool(self._scans)
        self.resume_button.setEnabled(enabled)
        self.discard_button.setEnabled(enabled)
        if not self._scans:
            self.accept()

    def _selected(self) -> OrphanScan | None:
        row = self.table.currentRow()
        return self._scans[row] if 0 <= row < len(self._scans) else None

    def resume_selected(self) -> None:
        scan = self._selected()
        if scan is None:
            return
        leads, staff_id = self._leads, self._staff_id

        def done(lead: Lead) -> None:
            self._scans.remove(scan)
            self.status.setText(self.tr("{name} saved").format(name=lead.display_name))
            self.resumed.emit(lead)
            self._fill()

        self._runner.run(
            lambda: leads.resume_scan(scan.id, staff_id),
            on_done=done,
            on_error=lambda exc: self.status.setText(str(exc)),
        )

    def discard_selected(self) -> None:
        scan = self._selected()
        if scan is None:
            return
        orphans, staff_id = self._orphans, self._staff_id

        def done(_: object) -> None:
            self._scans.remove(scan)
            self.status.setText(self.tr("Set aside"))
            self._fill()

        self._runner.run(
            lambda: orphans.discard(scan.id, staff_id=staff_id, reason="discarded at the booth"),
            on_done=done,
            on_error=lambda exc: self.status.setText(str(exc)),
        )
