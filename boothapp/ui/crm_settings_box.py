"""The sync target's settings on the CRM sync page: which CRM, its address or folder, its ids,
secrets typed into password fields (straight to the keyring, never shown again), Test connection
and, for Salesforce, Connect (browser sign-in with OAuth 2.0 + PKCE, off the GUI thread).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from boothapp.core.models import Event
from boothapp.services.sync import SyncService
from boothapp.services.sync_targets import LABELS, ConnectionCheck
from boothapp.sync.settings import KNOWN_CRMS, SECRET_NAMES, CrmSettings
from boothapp.ui.i18n import QT_TRANSLATE_NOOP
from boothapp.workers.tasks import TaskRunner

CHOICE_LABELS = {
    **LABELS,
    "webhook": QT_TRANSLATE_NOOP("CrmSettingsBox", "Webhook (Zapier, n8n, …)"),
}
SECRET_LABELS = {
    "secret": QT_TRANSLATE_NOOP("CrmSettingsBox", "Signing secret (HMAC)"),
    "intake_key": QT_TRANSLATE_NOOP("CrmSettingsBox", "Intake key"),
    "api_token": QT_TRANSLATE_NOOP("CrmSettingsBox", "API token (edits, notes, tasks)"),
    "token": QT_TRANSLATE_NOOP("CrmSettingsBox", "Private app token"),
}
# Salesforce tokens come from signing in (Connect), never from typing.
TYPED_SECRETS = {crm: names for crm, names in SECRET_NAMES.items() if crm != "salesforce"}


class CrmSettingsBox(QGroupBox):
    saved = Signal()  # settings stored (status worth reloading)

    def __init__(
        self,
        service: SyncService,
        runner: TaskRunner,
        event: Event,
        open_browser: Callable[[str], object] = webbrowser.open,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("CRM settings"), parent)
        self._service, self._runner, self._event = service, runner, event
        self._open_browser = open_browser
        self._loaded: CrmSettings | None = None
        self.crm_combo = QComboBox()
        for name in KNOWN_CRMS:
            self.crm_combo.addItem(self.tr(CHOICE_LABELS[name]), name)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(self.tr("https://crm.example.com"))
        self.intake_edit = QLineEdit()
        self.portal_edit = QLineEdit()
        self.campaign_edit = QLineEdit()
        self.client_id_edit = QLineEdit()
        self.client_id_edit.setPlaceholderText(self.tr("the connected app's consumer key"))
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText(self.tr("https://login.salesforce.com"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("/path/to/the/folder/another/tool/watches"))
        self.auto_check = QCheckBox(self.tr("Send each lead as soon as it is saved"))
        self.auto_check.setChecked(True)
        self.secret_edits: dict[str, QLineEdit] = {}
        self.save_button = QPushButton(self.tr("Save settings"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.connect_button = QPushButton(self.tr("Connect Salesforce…"))
        self.connect_button.setToolTip(
            self.tr(
                "Sign in to Salesforce in your browser; BoothApp keeps the session in the system "
                "keyring and renews it by itself."
            )
        )
        self.test_label = QLabel("")
        self.test_label.setWordWrap(True)

        self._form = QFormLayout(self)
        # (field, English label): the labels are worded again on a language change (issue 21)
        self._row_labels: list[tuple[QWidget, str]] = [
            (self.crm_combo, QT_TRANSLATE_NOOP("CrmSettingsBox", "CRM")),
            (self.url_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Address")),
            (self.folder_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Folder")),
            (self.intake_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Intake id")),
            (self.portal_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Portal id")),
            (self.campaign_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Campaign id")),
            (self.client_id_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Consumer key")),
            (self.login_edit, QT_TRANSLATE_NOOP("CrmSettingsBox", "Sign-in address")),
        ]
        for field, label in self._row_labels:
            self._form.addRow(self.tr(label), field)
        self._form.addRow("", self.auto_check)
        for name in sorted({n for names in TYPED_SECRETS.values() for n in names}):
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(self.tr("stored in the system keyring; leave empty to keep"))
            self.secret_edits[name] = edit
            self._row_labels.append((edit, SECRET_LABELS.get(name, name)))
            self._form.addRow(self.tr(SECRET_LABELS.get(name, name)), edit)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.test_button)
        row.addWidget(self.connect_button)
        row.addStretch(1)
        self._form.addRow(row)
        self._form.addRow(self.test_label)

        self.save_button.clicked.connect(self.save_settings)
        self.test_button.clicked.connect(self.test_connection)
        self.connect_button.clicked.connect(self.connect_salesforce)
        self.crm_combo.currentIndexChanged.connect(self._crm_changed)
        self._crm_changed()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.setTitle(self.tr("CRM settings"))
        for field, label in self._row_labels:
            shown = self._form.labelForField(field)
            if isinstance(shown, QLabel):
                shown.setText(self.tr(label))
        for edit in self.secret_edits.values():
            edit.setPlaceholderText(self.tr("stored in the system keyring; leave empty to keep"))
        for i in range(self.crm_combo.count()):
            name = self.crm_combo.itemData(i)
            if name in CHOICE_LABELS:
                self.crm_combo.setItemText(i, self.tr(CHOICE_LABELS[name]))
        self.url_edit.setPlaceholderText(self.tr("https://crm.example.com"))
        self.client_id_edit.setPlaceholderText(self.tr("the connected app's consumer key"))
        self.login_edit.setPlaceholderText(self.tr("https://login.salesforce.com"))
        self.folder_edit.setPlaceholderText(self.tr("/path/to/the/folder/another/tool/watches"))
        self.auto_check.setText(self.tr("Send each lead as soon as it is saved"))
        self.save_button.setText(self.tr("Save settings"))
        self.test_button.setText(self.tr("Test connection"))
        self.connect_button.setText(self.tr("Connect Salesforce…"))
        self.connect_button.setToolTip(
            self.tr(
                "Sign in to Salesforce in your browser; BoothApp keeps the session in the "
                "system keyring and renews it by itself."
            )
        )

    @property
    def crm(self) -> str:
        return str(self.crm_combo.currentData())

    def _crm_changed(self) -> None:
        crm = self.crm
        visible: dict[QWidget, bool] = {
            self.url_edit: crm != "csvdrop",
            self.folder_edit: crm == "csvdrop",
            self.intake_edit: crm == "bottlecrm",
            self.portal_edit: crm == "hubspot",
            self.campaign_edit: crm == "salesforce",
            self.client_id_edit: crm == "salesforce",
            self.login_edit: crm == "salesforce",
        }
        for name, edit in self.secret_edits.items():
            visible[edit] = name in TYPED_SECRETS.get(crm, ())
        for widget, show in visible.items():
            self._form.setRowVisible(widget, show)
        self.connect_button.setVisible(crm == "salesforce")
        self.url_edit.setPlaceholderText(
            {
                "salesforce": self.tr("filled in by Connect"),
                "webhook": self.tr(
                    "https://hooks.example.com/… (each lead is POSTed here, signed)"
                ),
            }.get(crm, "https://crm.example.com")
        )

    def show_settings(self, settings: CrmSettings) -> None:
        # What the form does not show (mapping, stages, redirect port) is kept as configured.
        self._loaded = settings
        self.crm_combo.setCurrentIndex(KNOWN_CRMS.index(settings.name))
        self.url_edit.setText(settings.base_url)
        self.intake_edit.setText(settings.intake_id)
        self.portal_edit.setText(settings.portal)
        self.campaign_edit.setText(settings.campaign_id)
        self.client_id_edit.setText(settings.client_id)
        self.login_edit.setText(settings.login_url)
        self.folder_edit.setText(settings.folder)
        self.auto_check.setChecked(settings.auto_sync)

    def settings_from_form(self) -> CrmSettings:
        url = self.url_edit.text().strip()
        login = self.login_edit.text().strip()
        if self.crm == "salesforce" and not url:
            url = login or "https://login.salesforce.com"  # Connect puts the org's own address
        loaded = self._loaded
        kept: dict[str, Any] = {}
        if loaded is not None and loaded.name == self.crm:
            kept = {"mapping": dict(loaded.mapping), "stages": dict(loaded.stages),
                    "redirect_port": loaded.redirect_port}  # fmt: skip
        return CrmSettings(
            **kept,
            name=self.crm,
            base_url=url,
            auto_sync=self.auto_check.isChecked(),
            intake_id=self.intake_edit.text().strip(),
            portal=self.portal_edit.text().strip(),
            campaign_id=self.campaign_edit.text().strip(),
            folder=self.folder_edit.text().strip(),
            client_id=self.client_id_edit.text().strip(),
            login_url=login,
        )

    def save_settings(self, then: Any = None) -> None:
        try:
            settings = self.settings_from_form()
        except ValueError as exc:
            self.test_label.setText(str(exc))
            return
        secrets = {
            name: self.secret_edits[name].text()
            for name in TYPED_SECRETS.get(settings.name, ())
            if self.secret_edits[name].text()
        }
        event_id = self._event.id

        def saved(_: Any) -> None:
            for edit in self.secret_edits.values():
                edit.clear()  # never kept on screen once stored
            self.test_label.setText(self.tr("Settings saved."))
            self.saved.emit()
            if callable(then):
                then()

        self._runner.run(
            lambda: self._service.configure(event_id, settings, secrets), saved, self._error
        )

    def test_connection(self) -> None:
        self.test_label.setText(self.tr("Testing…"))
        event_id = self._event.id

        def check() -> None:
            self._runner.run(
                lambda: self._service.test_connection(event_id), self._tested, self._error
            )

        self.save_settings(then=check)

    def connect_salesforce(self) -> None:
        event_id, opener = self._event.id, self._open_browser

        def sign_in() -> None:
            self.test_label.setText(self.tr("Waiting for the Salesforce sign-in in your browser…"))
            self.connect_button.setEnabled(False)
            self._runner.run(
                lambda: self._service.connect_salesforce(event_id, opener),
                self._connected,
                self._connect_failed,
            )

        self.save_settings(then=sign_in)

    def _connected(self, result: ConnectionCheck) -> None:
        self.connect_button.setEnabled(True)
        self._tested(result)
        self.saved.emit()

    def _connect_failed(self, exc: BaseException) -> None:
        self.connect_button.setEnabled(True)
        self._error(exc)

    def _tested(self, result: ConnectionCheck) -> None:
        self.test_label.setText(("✔ " if result.ok else "✘ ") + result.message)

    def _error(self, exc: BaseException) -> None:
        self.test_label.setText(str(exc))
