"""Event settings: the configuration document (questions, scoring, routing...) edited with the
same validation as ``boothapp event import``; problems name line and field, nothing is saved
until the document is valid.

Issue 15: managers only (others see why); a form for what managers change most (questions,
options, translations, rating thresholds, routing reps) beside the YAML editor for the rest,
both checked by the same ``validate_text``; leaving with unsaved changes asks first."""

from __future__ import annotations

from typing import Any

import yaml
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.errors import ConfigError
from boothapp.core.config.model import EventConfig
from boothapp.core.models import Event
from boothapp.services.event_config import EventConfigService, validate_text
from boothapp.ui.event_settings_form import SettingsForm
from boothapp.workers.tasks import TaskRunner


def dump_tree(tree: dict[str, Any]) -> str:
    """The form's document as YAML, keys in the document's own order."""
    return str(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100))


def parse_tree(text: str) -> dict[str, Any] | None:
    """The document as the form shows it; None when it is not a YAML mapping."""
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return tree if isinstance(tree, dict) else None


class EventSettingsPage(QWidget):
    config_saved = Signal(object)  # EventConfig

    def __init__(self, configs: EventConfigService, runner: TaskRunner, event: Event) -> None:
        super().__init__()
        self.setObjectName("EventSettingsPage")
        self._configs, self._runner, self._event = configs, runner, event
        self._loaded_text = ""
        self._form_edited = False
        self._actor = ""  # who saves (audit, issue 18)
        self._event_name = event.name
        self.title = title = QLabel(
            self.tr("{0}: questions, scoring, rating, routing").format(event.name)
        )
        title.setProperty("role", "title")
        # An event's name has any length ("Δοκιμαστική Έκθεση" made the window 1399 px wide
        # on a 1280 px screen, issue 21): the title wraps rather than widen the window.
        title.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Edit and press Save (Ctrl+S). Changing a rule never rewrites answers "
                "already captured; use 'boothapp leads reroute' to route again."
            )
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("ConfigEditor")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.form = SettingsForm(runner=runner)
        self.form.changed.connect(self._form_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("SettingsTabs")
        self.tabs.addTab(self.form, self.tr("Form: questions, rating, reps"))
        self.tabs.addTab(self.editor, self.tr("Everything (YAML)"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.problems = QListWidget()
        self.problems.setObjectName("ConfigProblems")
        self.problems.setMaximumHeight(140)
        self.problems.itemActivated.connect(self._jump)
        self.problems.itemClicked.connect(self._jump)
        self.problems.hide()  # shown when there are problems: the form needs the room
        self.status = QLabel()
        self.validate_button = QPushButton(self.tr("Check"))
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setProperty("primary", True)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.validate_button.clicked.connect(self.validate)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.validate_button)
        buttons.addWidget(self.save_button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self.locked = QLabel(
            self.tr("Event settings are for managers.\nAsk a manager to sign in (Ctrl+L locks).")
        )
        self.locked.setObjectName("SettingsLocked")
        self.locked.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.locked)
        self.stack.addWidget(content)
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.set_manager(True)
        self.load()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.title.setText(
            self.tr("{0}: questions, scoring, rating, routing").format(self._event_name)
        )
        self.validate_button.setText(self.tr("Check"))
        self.save_button.setText(self.tr("Save (Ctrl+S)"))
        self.revert_button.setText(self.tr("Revert"))
        self.locked.setText(
            self.tr("Event settings are for managers.\nAsk a manager to sign in (Ctrl+L locks).")
        )

    # -- who may edit -----------------------------------------------------------------------
    def set_manager(self, manager: bool, staff_id: str = "") -> None:
        """Only a manager sees and changes the settings (role from the staff list, or a
        manager's PIN); ``staff_id`` is who saves, for the audit log (issue 18)."""
        self._manager = manager
        self._actor = staff_id if manager else ""
        self.stack.setCurrentIndex(1 if manager else 0)

    @property
    def editable(self) -> bool:
        return self._manager

    # -- unsaved changes --------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._form_edited or self.editor.toPlainText() != self._loaded_text

    def confirm_leave(self) -> bool:
        """Leaving the page: unsaved changes are saved, discarded, or the page stays."""
        if not self._manager or not self.is_dirty():
            return True
        box = QMessageBox(self)
        box.setObjectName("UnsavedSettings")
        box.setWindowTitle(self.tr("Unsaved event settings"))
        box.setText(self.tr("The event settings have unsaved changes."))
        save = box.addButton(self.tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Stay here"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return self.save()
        if clicked is discard:
            self.editor.setPlainText(self._loaded_text)
            self._form_edited = False
            self._fill_form()
            return True
        return False

    # -- form <-> document ------------------------------------------------------------------
    def _form_changed(self) -> None:
        self._form_edited = True
        self.status.setText(self.tr("Changed: Save (Ctrl+S) to keep it"))

    def _fill_form(self, tree: dict[str, Any] | None = None) -> None:
        if tree is None:
            tree = parse_tree(self.editor.toPlainText())
        self.form.setEnabled(tree is not None)
        if tree is not None:
            self.form.load_tree(tree)

    def _form_to_text(self) -> None:
        if self._form_edited:
            text = dump_tree(self.form.tree())
            self.editor.setPlainText(text)
            self._form_edited = False

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.editor:
            self._form_to_text()
        else:
            self._fill_form()

    def load(self) -> None:
        configs, event_id = self._configs, self._event.id

        def read() -> tuple[str, dict[str, Any] | None]:
            # Parsed here too: the YAML parse of a demo event's document took the GUI thread
            # 25-70 ms at every start, while the scan page was on screen (issue 23).
            text = configs.export_text(event_id)
            return text, parse_tree(text)

        self._runner.run(read, on_done=self._loaded)

    def _loaded(self, read: tuple[str, dict[str, Any] | None]) -> None:
        text, tree = read
        self._loaded_text = text
        self.editor.setPlainText(text)
        self._form_edited = False
        self._fill_form(tree)
        self.problems.clear()
        self.status.setText("")

    def validate(self) -> EventConfig | None:
        self._form_to_text()  # the form's values go through the same checks as the YAML
        self.problems.clear()
        self.problems.hide()
        try:
            cfg = validate_text(self.editor.toPlainText(), "settings")
        except ConfigError as exc:
            for problem in exc.problems:
                item = QListWidgetItem(str(problem))
                item.setData(Qt.ItemDataRole.UserRole, problem.line)
                self.problems.addItem(item)
            self.problems.show()
            self.status.setText(self.tr("{0} problem(s): nothing saved").format(len(exc.problems)))
            return None
        self.status.setText(self.tr("Looks good"))
        return cfg

    def save(self) -> bool:
        """Validate and save off the GUI thread; False when problems keep it unsaved."""
        if not self._manager:
            return False
        cfg = self.validate()
        if cfg is None:
            return False
        configs, event_id, actor = self._configs, self._event.id, self._actor
        self._loaded_text = self.editor.toPlainText()  # what is being saved is no longer dirty
        self._runner.run(
            lambda: configs.save(event_id, cfg, actor),
            on_done=self._saved,
            on_error=lambda exc: self.status.setText(self.tr("Not saved: {0}").format(exc)),
        )
        return True

    def _saved(self, cfg: EventConfig) -> None:
        self.status.setText(self.tr("Saved as revision {0}").format(cfg.revision))
        self.config_saved.emit(cfg)

    def _jump(self, item: QListWidgetItem) -> None:
        line = item.data(Qt.ItemDataRole.UserRole)
        if not line:
            return
        self.tabs.setCurrentWidget(self.editor)
        block = self.editor.document().findBlockByLineNumber(int(line) - 1)
        cursor = QTextCursor(block)
        cursor.select(QTextCursor.SelectionType.LineUnderCursor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
