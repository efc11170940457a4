"""Event settings: the configuration document (questions, scoring, routing...) edited with the
same validation as ``boothapp event import``; problems name line and field, nothing is saved
until the document is valid."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.errors import ConfigError
from boothapp.core.config.model import EventConfig
from boothapp.core.models import Event
from boothapp.services.event_config import EventConfigService, validate_text
from boothapp.workers.tasks import TaskRunner


class EventSettingsPage(QWidget):
    config_saved = Signal(object)  # EventConfig

    def __init__(self, configs: EventConfigService, runner: TaskRunner, event: Event) -> None:
        super().__init__()
        self.setObjectName("EventSettingsPage")
        self._configs, self._runner, self._event = configs, runner, event
        title = QLabel(f"{event.name}: questions, scoring, rating, routing")
        title.setProperty("role", "title")
        hint = QLabel(
            "Edit and press Save (Ctrl+S). Changing a rule never rewrites answers "
            "already captured; use 'boothapp leads reroute' to route again."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("ConfigEditor")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problems = QListWidget()
        self.problems.setObjectName("ConfigProblems")
        self.problems.setMaximumHeight(140)
        self.problems.itemActivated.connect(self._jump)
        self.problems.itemClicked.connect(self._jump)
        self.status = QLabel()
        self.validate_button = QPushButton("Check")
        self.save_button = QPushButton("Save (Ctrl+S)")
        self.save_button.setProperty("primary", True)
        self.revert_button = QPushButton("Revert")
        self.validate_button.clicked.connect(self.validate)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.validate_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.load()

    def load(self) -> None:
        configs, event_id = self._configs, self._event.id
        self._runner.run(lambda: configs.export_text(event_id), on_done=self._loaded)

    def _loaded(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.problems.clear()
        self.status.setText("")

    def validate(self) -> EventConfig | None:
        self.problems.clear()
        try:
            cfg = validate_text(self.editor.toPlainText(), "settings")
        except ConfigError as exc:
            for problem in exc.problems:
                item = QListWidgetItem(str(problem))
                item.setData(Qt.ItemDataRole.UserRole, problem.line)
                self.problems.addItem(item)
            self.status.setText(f"{len(exc.problems)} problem(s): nothing saved")
            return None
        self.status.setText("Looks good")
        return cfg

    def save(self) -> None:
        cfg = self.validate()
        if cfg is None:
            return
        configs, event_id = self._configs, self._event.id
        self._runner.run(
            lambda: configs.save(event_id, cfg),
            on_done=self._saved,
            on_error=lambda exc: self.status.setText(f"Not saved: {exc}"),
        )

    def _saved(self, cfg: EventConfig) -> None:
        self.status.setText(f"Saved as revision {cfg.revision}")
        self.config_saved.emit(cfg)

    def _jump(self, item: QListWidgetItem) -> None:
        line = item.data(Qt.ItemDataRole.UserRole)
        if not line:
            return
        block = self.editor.document().findBlockByLineNumber(int(line) - 1)
        cursor = QTextCursor(block)
        cursor.select(QTextCursor.SelectionType.LineUnderCursor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
