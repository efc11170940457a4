"""CRM sync page: progress (n of N, rate, ETA), breaker state, failures with Retry, settings.

Service calls that touch the network or many rows go through ``TaskRunner`` (settings, test
connection, status, failures) or the ``SyncWorker`` thread (the run itself); this widget only
updates itself from signals delivered on the GUI thread. Secrets are typed into password fields
and handed to ``SyncService.configure`` (keyring); they are never shown again or logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Event
from boothapp.services.sync import ConnectionCheck, SyncFailure, SyncService, SyncStatus
from boothapp.services.sync_pull import PullSummary
from boothapp.services.sync_targets import LABELS
from boothapp.sync.engine import StopReason, SyncProgress
from boothapp.sync.pacing import BreakerState
from boothapp.sync.settings import KNOWN_CRMS, PULLABLE, SECRET_NAMES, CrmSettings
from boothapp.workers.sync_worker import SyncWorker
from boothapp.workers.tasks import TaskRunner

CRM_LABELS = LABELS
CHOICE_LABELS = {**LABELS, "webhook": "Webhook (Zapier, n8n, …)"}
SECRET_LABELS = {
    "secret": "Signing secret (HMAC)",
    "intake_key": "Intake key",
    "api_token": "API token (edits, notes, tasks)",
    "token": "Private app token",
    "access_token": "Access token",
}


def breaker_text(crm: str, state: BreakerState, retry_at: datetime | None) -> str:
    name = CRM_LABELS.get(crm, crm)
    if state == BreakerState.OPEN:
        when = f"; retrying at {retry_at.astimezone():%H:%M}" if retry_at is not None else ""
        return f"{name} is not answering{when}"
    if state == BreakerState.HALF_OPEN:
        return f"{name} was not answering; trying one lead"
    return ""


class SyncPage(QWidget):
    def __init__(
        self,
        service: SyncService,
        runner: TaskRunner,
        event: Event,
        worker: SyncWorker | None = None,
        parent: QWidget | None = None,
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
        self.sync_button = QPushButton("Sync now")
        self.pull_button = QPushButton("Pull changes from CRM")
        self.pull_button.setToolTip(
            "Take the owner and stage that sales changed in the CRM. A booth edit made after "
            "the CRM's change is kept and goes out with the next sync."
        )
        self.pull_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)

        self.failures_table = QTableWidget(0, 3)
        self.failures_table.setHorizontalHeaderLabels(["Lead", "Company", "CRM says"])
        self.failures_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.failures_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.retry_button = QPushButton("Retry failed")
        self.retry_button.setEnabled(False)

        self.crm_combo = QComboBox()
        for name in KNOWN_CRMS:
            self.crm_combo.addItem(CHOICE_LABELS[name], name)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://crm.example.com")
        self.intake_edit = QLineEdit()
        self.portal_edit = QLineEdit()
        self.campaign_edit = QLineEdit()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("/path/to/the/folder/another/tool/watches")
        self.auto_check = QCheckBox("Send each lead as soon as it is saved")
        self.auto_check.setChecked(True)
        self.secret_edits: dict[str, QLineEdit] = {}
        self.save_button = QPushButton("Save settings")
        self.test_button = QPushButton("Test connection")
        self.test_label = QLabel("")
        self.test_label.setWordWrap(True)

        self._build()
        self.sync_button.clicked.connect(self.start_sync)
        self.pull_button.clicked.connect(self.start_pull)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.retry_button.clicked.connect(lambda: self.start_sync(retry_failed=True))
        self.save_button.clicked.connect(self.save_settings)
        self.test_button.clicked.connect(self.test_connection)
        self.crm_combo.currentIndexChanged.connect(self._crm_changed)
        self.worker.progress.connect(self.show_progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.running_changed.connect(self._running)
        self.worker.pull_progress.connect(self.show_pull_progress)
        self.worker.pulled.connect(self._pulled)
        self._crm_changed()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        run_box = QGroupBox("Sync")
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

        fail_box = QGroupBox("Leads the CRM refused")
        fail = QVBoxLayout(fail_box)
        fail.addWidget(self.failures_table)
        fail.addWidget(self.retry_button)

        settings_box = QGroupBox("CRM settings")
        self._form = QFormLayout(settings_box)
        self._form.addRow("CRM", self.crm_combo)
        self._form.addRow("Address", self.url_edit)
        self._form.addRow("Folder", self.folder_edit)
        self._form.addRow("Intake id", self.intake_edit)
        self._form.addRow("Portal id", self.portal_edit)
        self._form.addRow("Campaign id", self.campaign_edit)
        self._form.addRow("", self.auto_check)
        names = sorted({n for names in SECRET_NAMES.values() for n in names})
        for name in names:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText("stored in the system keyring; leave empty to keep")
            self.secret_edits[name] = edit
            self._form.addRow(SECRET_LABELS.get(name, name), edit)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.test_button)
        row.addStretch(1)
        self._form.addRow(row)
        self._form.addRow(self.test_label)

        layout = QVBoxLayout(self)
        layout.addWidget(run_box)
        layout.addWidget(fail_box, 1)
        layout.addWidget(settings_box)

    def _crm_changed(self) -> None:
        crm = str(self.crm_combo.currentData())
        visible = {
            self.url_edit: crm != "csvdrop",
            self.folder_edit: crm == "csvdrop",
            self.intake_edit: crm == "bottlecrm",
            self.portal_edit: crm == "hubspot",
            self.campaign_edit: crm == "salesforce",
        }
        for name, edit in self.secret_edits.items():
            visible[edit] = name in SECRET_NAMES[crm]
        for widget, show in visible.items():
            self._form.setRowVisible(widget, show)

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
            self.crm_combo.setCurrentIndex(KNOWN_CRMS.index(settings.name))
            self.url_edit.setText(settings.base_url)
            self.intake_edit.setText(settings.intake_id)
            self.portal_edit.setText(settings.portal)
            self.campaign_edit.setText(settings.campaign_id)
            self.folder_edit.setText(settings.folder)
            self.auto_check.setChecked(settings.auto_sync)
        self.show_status(status)
        self.show_failures(failures)

    def show_status(self, st: SyncStatus) -> None:
        if not st.configured:
            self.status_label.setText("No CRM set up for this event yet: fill in the settings.")
            self.sync_button.setEnabled(False)
            self.pull_button.setEnabled(False)
            return
        self.sync_button.setEnabled(not self.worker.running)
        self.pull_button.setEnabled(not self.worker.running and st.done > 0 and st.crm in PULLABLE)
        last = f"{st.last_sync.astimezone():%H:%M}" if st.last_sync else "never"
        self.status_label.setText(
            f"{CRM_LABELS.get(st.crm, st.crm)}: {st.done} synced, "
            f"{st.pending + st.in_flight + st.not_queued} waiting, {st.failed} failed; "
            f"last sync {last}"
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
        self.message_label.setText("Reading back what sales changed in the CRM…")
        self.breaker_label.setText("")
        self.progress_bar.setMaximum(0)  # busy until the first batch says how many
        self.worker.start_pull(self._event.id)

    def show_pull_progress(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(max(1, total))
        self.progress_bar.setValue(done)
        self.rate_label.setText(f"Read back {done} of {total} leads")

    def _pulled(self, summary: PullSummary) -> None:
        self.progress_bar.setMaximum(max(1, self.progress_bar.maximum()))
        self.message_label.setText(summary.message + ".")
        self.refresh()

    def show_progress(self, p: SyncProgress) -> None:
        self._crm = p.crm
        self.progress_bar.setMaximum(max(1, p.total))
        self.progress_bar.setValue(p.done)
        eta = f", about {_duration(p.eta_s)} left" if p.eta_s is not None else ""
        self.rate_label.setText(f"{p.done} of {p.total} · {p.rate_per_s:.1f} leads/s{eta}")
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
            StopReason.IDLE: f"Done: {summary.synced} sent, {len(summary.failures)} refused.",
            StopReason.CANCELLED: "Sync cancelled; the rest stays queued.",
            StopReason.AUTH: f"The CRM refused the credentials: {summary.message}",
            StopReason.CONFIG: f"The CRM set-up needs fixing: {summary.message}",
            StopReason.DEADLINE: "Stopped for now; the rest stays queued.",
        }
        self.message_label.setText(texts.get(summary.stopped, summary.message))
        self.refresh()

    def _failed(self, message: str) -> None:
        self.message_label.setText(message)
        self.refresh()

    def _error(self, exc: BaseException) -> None:
        self.message_label.setText(str(exc))

    # -- settings -------------------------------------------------------------------------
    def _settings_from_form(self) -> CrmSettings:
        return CrmSettings(
            name=str(self.crm_combo.currentData()),
            base_url=self.url_edit.text().strip(),
            auto_sync=self.auto_check.isChecked(),
            intake_id=self.intake_edit.text().strip(),
            portal=self.portal_edit.text().strip(),
            campaign_id=self.campaign_edit.text().strip(),
            folder=self.folder_edit.text().strip(),
        )

    def save_settings(self, then: Any = None) -> None:
        try:
            settings = self._settings_from_form()
        except ValueError as exc:
            self.test_label.setText(str(exc))
            return
        secrets = {
            name: self.secret_edits[name].text()
            for name in settings.secret_names
            if self.secret_edits[name].text()
        }
        event_id = self._event.id

        def saved(_: Any) -> None:
            for edit in self.secret_edits.values():
                edit.clear()  # never kept on screen once stored
            self.test_label.setText("Settings saved.")
            self.refresh()
            if callable(then):
                then()

        self._runner.run(
            lambda: self._service.configure(event_id, settings, secrets), saved, self._test_error
        )

    def test_connection(self) -> None:
        self.test_label.setText("Testing…")
        event_id = self._event.id

        def check() -> None:
            self._runner.run(
                lambda: self._service.test_connection(event_id), self._tested, self._test_error
            )

        self.save_settings(then=check)

    def _tested(self, result: ConnectionCheck) -> None:
        self.test_label.setText(("✔ " if result.ok else "✘ ") + result.message)

    def _test_error(self, exc: BaseException) -> None:
        self.test_label.setText(str(exc))

    def closeEvent(self, event: Any) -> None:  # Qt override
        self.worker.stop()
        super().closeEvent(event)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
