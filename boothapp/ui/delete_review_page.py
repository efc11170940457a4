"""The manager's please-delete review (issue 18): leads staff flagged "please delete", each
with Erase (gone for good, through the lead door, the CRM asked to delete it too) or Keep
(unflagged, follow-ups planned again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Lead
from boothapp.services.leads import LeadService
from boothapp.services.privacy import PrivacyService
from boothapp.ui.i18n import ZoneLabel, event_time, number
from boothapp.workers.tasks import TaskRunner


class DeleteReviewPage(QWidget):
    reviewed = Signal(str)  # a lead id, erased or kept

    def __init__(
        self,
        leads: LeadService,
        privacy: PrivacyService,
        runner: TaskRunner,
        event_id: str,
        zone: str = "UTC",
    ) -> None:
        super().__init__()
        self.setObjectName("DeleteReviewPage")
        self._leads, self._privacy, self._runner = leads, privacy, runner
        self._event_id = event_id
        self._zone = zone  # one clock everywhere: the event's (issue 15)
        self._manager_id = ""
        self._shown: list[Lead] = []
        # What the last erase or keep did: the refreshes that follow say it beside the count
        # rather than overwriting it before the manager could read it; leaving the page
        # forgets it.
        self._said = ""
        self.confirm: Callable[[Lead], bool] = self._ask  # tests answer for the user
        title = QLabel(self.tr("Deletion requests: erase for good, or keep"))
        title.setObjectName("PageTitle")
        headers = [self.tr("Name"), self.tr("Company"), self.tr("E-mail"), self.tr("By"),
                   self.tr("Captured")]  # fmt: skip
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("DeleteReviewTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.erase_button = QPushButton(self.tr("Erase"))
        self.erase_button.setObjectName("ReviewErase")
        self.erase_button.setToolTip(
            self.tr("Gone for good: the lead, its scans, history and mails")
        )
        self.erase_button.clicked.connect(self.erase_selected)
        self.keep_button = QPushButton(self.tr("Keep"))
        self.keep_button.setObjectName("ReviewKeep")
        self.keep_button.setToolTip(self.tr("A real visitor: unflag and plan follow-ups again"))
        self.keep_button.clicked.connect(self.keep_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.erase_button)
        self.status = QLabel("")
        self.status.setObjectName("ReviewStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(ZoneLabel(zone))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._enable()
        self.table.itemSelectionChanged.connect(self._enable)

    def set_manager(self, staff_id: str) -> None:
        """Who reviews: their id goes into the history and the audit log."""
        self._manager_id = staff_id

    def refresh(self) -> None:
        leads, event_id = self._leads, self._event_id
        self._runner.run(
            lambda: [lead for lead in leads.list_leads(event_id) if lead.please_delete],
            on_done=self._show,
            on_error=lambda exc: self.status.setText(self.tr("Not loaded: {e}").format(e=exc)),
        )

    def _show(self, flagged: list[Lead]) -> None:
        self._shown = flagged
        self.table.setRowCount(len(flagged))
        for i, lead in enumerate(flagged):
            when = event_time(lead.created_at, self._zone)
            cells = [lead.display_name, lead.contact.company, lead.contact.email,
                     lead.staff_name, when]  # fmt: skip
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if flagged:
            self.table.selectRow(0)
        count = self.tr("Flagged for deletion: {n}").format(n=number(len(flagged)))
        self.status.setText(f"{self._said} · {count}" if self._said else count)
        self._enable()

    def hideEvent(self, event: QHideEvent) -> None:
        self._said = ""
        super().hideEvent(event)

    def _selected(self) -> Lead | None:
        row = self.table.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _enable(self) -> None:
        ok = self._selected() is not None
        self.erase_button.setEnabled(ok)
        self.keep_button.setEnabled(ok)

    def _ask(self, lead: Lead) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Erase lead"),
            self.tr("Erase {name} for good? This cannot be undone.").format(
                name=lead.display_name),
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def erase_selected(self) -> None:
        lead = self._selected()
        if lead is None or not self.confirm(lead):
            return
        privacy, who = self._privacy, self._manager_id

        def work() -> None:
            privacy.erase_lead(lead.id, who, reason="please-delete review")
            privacy.send_crm_erasures()

        self._run(work, lead, self.tr("{name} erased"))

    def keep_selected(self) -> None:
        lead = self._selected()
        if lead is None:
            return
        leads, who = self._leads, self._manager_id
        self._run(lambda: leads.review_deletion(lead.id, junk=False, staff_id=who), lead,
                  self.tr("{name} kept and unflagged"))  # fmt: skip

    def _run(self, work: Callable[[], object], lead: Lead, said: str) -> None:
        self.erase_button.setEnabled(False)
        self.keep_button.setEnabled(False)

        def done(_: object) -> None:
            self._said = said.format(name=lead.display_name)
            self.status.setText(self._said)
            self.reviewed.emit(lead.id)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.status.setText(str(exc))
            self._enable()

        self._runner.run(work, on_done=done, on_error=failed)
