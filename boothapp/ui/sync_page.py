"""CRM sync page: progress (n of N, rate, ETA), breaker state, failures with Retry, settings.

Service calls that touch the network or many rows go through ``TaskRunner`` (settings, test
connection, status, failures) or the ``SyncWorker`` thread (the run itself); this widget only
updates itself from signals delivered on the GUI thread. Secrets are typed into password fields
and handed to ``SyncService.configure`` (keyring); they are never shown again or logged.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QTime
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Event
from boothapp.services.sync import SyncFailure, SyncService, SyncStatus
from boothapp.services.sync_pull import PullSummary
from boothapp.services.sync_targets import LABELS
from boothapp.sync.engine import StopReason, SyncProgress
from boothapp.sync.pacing import BreakerState
from boothapp.sync.settings import PULLABLE, CrmSettings
from boothapp.ui.crm_settings_box import CrmSettingsBox
from boothapp.ui.i18n import current_language, local_digits, locale_for, number
from boothapp.workers.sync_worker import SyncWorker
from boothapp.workers.tasks import TaskRunner

CRM_LABELS = LABELS


def breaker_text(crm: str, state: BreakerState, retry_at: datetime | None) -> str:
    name = CRM_LABELS.get(crm, crm)
    if state == BreakerState.OPEN:
        when = (
            QCoreApplication.translate("SyncPage", "; retrying at {0:%H:%M}").format(
                retry_at.astimezone()
            )
            if retry_at is not None
            else ""
        )
        return QCoreApplication.translate("SyncPage", "{0} is not answering{1}").format(name, when)
    if state == BreakerState.HALF_OPEN:
        return QCoreApplication.translate(
            "SyncPage", "{0} was not answering; trying one lead"
        ).format(name)
    return ""


class SyncPage(QWidget):
    def __init__(
        self,
        service: SyncService,
        runner: TaskRunner,
        event: Event,
        worker: SyncWorker | None = None,
        parent: QWidget | None = None,
        open_browser: Callable[[str], object] = webbrowser.open,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._event = event
        self.worker = worker or SyncWorker(service, self)
        self._crm = ""

        self.status_label = QLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%v of %m")
        self.rate_label = QLabel("")
        self.breaker_label = QLabel("")
        self.breaker_label.setStyleSheet("color: #b45309; font-weight: bold")
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.pull_button = QPushButton(self.tr("Pull changes from CRM"))
        self.pull_button.setToolTip(
            self.tr(
                "Take the owner and stage that sales changed in the CRM. A booth edit made after "
                "the CRM's change is kept and goes out with the next sync."
            )
        )
        self.pull_button.setEnabled(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)

        self.failures_table = QTableWidget(0, 3)
        self.failures_table.setHorizontalHeaderLabels(
            [self.tr("Lead"), self.tr("Company"), self.tr("CRM says")]
        )
        self.failures_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.failures_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.retry_button = QPushButton(self.tr("Retry failed"))
        self.retry_button.setEnabled(False)

        self.settings_box = CrmSettingsBox(service, runner, event, open_browser, self)

        self._build()
        self.sync_button.clicked.connect(self.start_sync)
        self.pull_button.clicked.connect(self.start_pull)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.retry_button.clicked.connect(lambda: self.start_sync(retry_failed=True))
        self.settings_box.saved.connect(self.refresh)
        self.worker.progress.connect(self.show_progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.running_changed.connect(self._running)
        self.worker.pull_progress.connect(self.show_pull_progress)
        self.worker.pulled.connect(self._pulled)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        if hasattr(self, "run_box"):
            self.run_box.setTitle(self.tr("Sync"))
            self.fail_box.setTitle(self.tr("Leads the CRM refused"))
        self.failures_table.setHorizontalHeaderLabels(
            [self.tr("Lead"), self.tr("Company"), self.tr("CRM says")]
        )
        self.refresh()  # the status line is worded from the figures
        self.sync_button.setText(self.tr("Sync now"))
        self.pull_button.setText(self.tr("Pull changes from CRM"))
        self.pull_button.setToolTip(
            self.tr(
                "Take the owner and stage that sales changed in the CRM. A booth edit made "
                "after the CRM's change is kept and goes out with the next sync."
            )
        )
        self.cancel_button.setText(self.tr("Cancel"))
        self.retry_button.setText(self.tr("Retry failed"))

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_box = run_box = QGroupBox(self.tr("Sync"))
        run = QVBoxLayout(run_box)
        run.addWidget(self.status_label)
        run.addWidget(self.progress_bar)
        run.addWidget(self.rate_label)
        run.addWidget(self.breaker_label)
        run.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.pull_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        run.addLayout(buttons)

        self.fail_box = fail_box = QGroupBox(self.tr("Leads the CRM refused"))
        fail = QVBoxLayout(fail_box)
        fail.addWidget(self.failures_table)
        fail.addWidget(self.retry_button)

        layout = QVBoxLayout(self)
        layout.addWidget(run_box)
        layout.addWidget(fail_box, 1)
        layout.addWidget(self.settings_box)

    # -- data -----------------------------------------------------------------------------
    def refresh(self) -> None:
        event_id = self._event.id

        def load() -> tuple[CrmSettings | None, SyncStatus, tuple[SyncFailure, ...]]:
            return (
                self._service.settings(event_id),
                self._service.status(event_id),
                self._service.failures(event_id),
            )

        self._runner.run(load, self._loaded, self._error)

    def _loaded(self, value: Any) -> None:
        settings, status, failures = value
        if settings is not None:
            self._crm = settings.name
            self.settings_box.show_settings(settings)
        self.show_status(status)
        self.show_failures(failures)

    def show_status(self, st: SyncStatus) -> None:
        if not st.configured:
            self.status_label.setText(
                self.tr("No CRM set up for this event yet: fill in the settings.")
            )
            self.sync_button.setEnabled(False)
            self.pull_button.setEnabled(False)
            return
        self.sync_button.setEnabled(not self.worker.running)
        self.pull_button.setEnabled(not self.worker.running and st.done > 0 and st.crm in PULLABLE)
        if st.last_sync:
            local = st.last_sync.astimezone()
            last = locale_for(current_language()).toString(QTime(local.hour, local.minute), "HH:mm")
        else:
            last = self.tr("never")
        self.status_label.setText(
            self.tr("{0}: {1} synced, {2} waiting, {3} failed; last sync {4}").format(
                CRM_LABELS.get(st.crm, st.crm),
                number(st.done),
                number(st.pending + st.in_flight + st.not_queued),
                number(st.failed),
                last,
            )
        )

    def show_failures(self, failures: tuple[SyncFailure, ...]) -> None:
        self.failures_table.setRowCount(len(failures))
        for r, f in enumerate(failures):
            for c, text in enumerate((f.name or f.lead_id, f.company, f.error)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.failures_table.setItem(r, c, item)
        self.retry_button.setEnabled(bool(failures) and not self.worker.running)

    # -- running --------------------------------------------------------------------------
    def start_sync(self, retry_failed: bool = False) -> None:
        self.message_label.setText("")
        self.breaker_label.setText("")
        self.worker.start(self._event.id, retry_failed=retry_failed)

    def start_pull(self) -> None:
        self.message_label.setText(self.tr("Reading back what sales changed in the CRM…"))
        self.breaker_label.setText("")
        self.progress_bar.setMaximum(0)  # busy until the first batch says how many
        self.worker.start_pull(self._event.id)

    def show_pull_progress(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(max(1, total))
        self.progress_bar.setValue(done)
        self.rate_label.setText(
            self.tr("Read back {0} of {1} leads").format(number(done), number(total))
        )

    def _pulled(self, summary: PullSummary) -> None:
        self.progress_bar.setMaximum(max(1, self.progress_bar.maximum()))
        self.message_label.setText(summary.message + ".")
        self.refresh()

    def show_progress(self, p: SyncProgress) -> None:
        self._crm = p.crm
        self.progress_bar.setMaximum(max(1, p.total))
        self.progress_bar.setValue(p.done)
        eta = self.tr(", about {0} left").format(_duration(p.eta_s)) if p.eta_s is not None else ""
        wait = f" · {p.waiting}" if p.waiting else ""
        # The figures in the reader's digits; the wait note (a CRM's words) as it came.
        figures = self.tr("{0} of {1} · {2:.0f} leads/min{3}{4}").format(
            p.done, p.total, p.leads_per_min, eta, ""
        )
        self.rate_label.setText(local_digits(figures) + wait)
        retry_at = self._service.breaker_retry_at() if p.breaker == BreakerState.OPEN else None
        self.breaker_label.setText(breaker_text(p.crm, p.breaker, retry_at))

    def _running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        self.pull_button.setEnabled(not running and self._crm in PULLABLE)
        self.cancel_button.setEnabled(running)
        self.retry_button.setEnabled(not running and self.failures_table.rowCount() > 0)

    def _finished(self, summary: Any) -> None:
        self.breaker_label.setText("")
        texts = {
            StopReason.IDLE: self.tr("Done: {0} sent, {1} refused.").format(
                number(summary.synced), number(len(summary.failures))
            ),
            StopReason.ALLOWANCE: self.tr("Paused: {0}").format(summary.message),
            StopReason.CANCELLED: self.tr("Sync cancelled; the rest stays queued."),
            StopReason.AUTH: self.tr("The CRM refused the credentials: {0}").format(
                summary.message
            ),
            StopReason.CONFIG: self.tr("The CRM set-up needs fixing: {0}").format(summary.message),
            StopReason.DEADLINE: self.tr("Stopped for now; the rest stays queued."),
        }
        text = texts.get(summary.stopped, summary.message)
        owners = getattr(summary, "owners_text", "")
        self.message_label.setText(self.tr("{0} {1}").format(text, owners) if owners else text)
        self.refresh()

    def _failed(self, message: str) -> None:
        self.message_label.setText(message)
        self.refresh()

    def _error(self, exc: BaseException) -> None:
        self.message_label.setText(str(exc))

    def closeEvent(self, event: Any) -> None:  # Qt override
        self.worker.stop()
        super().closeEvent(event)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return QCoreApplication.translate("SyncPage", "{0:.0f} s").format(seconds)
    return QCoreApplication.translate("SyncPage", "{0:.0f} min").format(seconds / 60)
