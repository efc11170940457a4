"""Import the organiser's roster: pick the file, check the guessed columns, import with a
progress bar, see which rows were rejected and why. Reading and storing run off the GUI thread.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from boothapp.capture.roster import ColumnMapping, RosterReadResult, read_roster
from boothapp.core.models import Event
from boothapp.services.attendees import AttendeeService, RosterImportSummary
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, number
from boothapp.ui.wrapped_label import WrappedLabel
from boothapp.workers.tasks import TaskRunner

_LABELS = {
    "badge_id": QT_TRANSLATE_NOOP("RosterImportDialog", "Badge / registration id"),
    "token": QT_TRANSLATE_NOOP("RosterImportDialog", "Token"),
    "first_name": QT_TRANSLATE_NOOP("RosterImportDialog", "First name"),
    "last_name": QT_TRANSLATE_NOOP("RosterImportDialog", "Last name"),
    "full_name": QT_TRANSLATE_NOOP("RosterImportDialog", "Full name"),
    "email": QT_TRANSLATE_NOOP("RosterImportDialog", "Email"),
    "company": QT_TRANSLATE_NOOP("RosterImportDialog", "Company"),
    "title": QT_TRANSLATE_NOOP("RosterImportDialog", "Job title"),
    "phone": QT_TRANSLATE_NOOP("RosterImportDialog", "Phone"),
    "country": QT_TRANSLATE_NOOP("RosterImportDialog", "Country"),
    "city": QT_TRANSLATE_NOOP("RosterImportDialog", "City"),
    "website": QT_TRANSLATE_NOOP("RosterImportDialog", "Website / LinkedIn"),
    "registration_type": QT_TRANSLATE_NOOP("RosterImportDialog", "Registration type"),
}
_NONE = QT_TRANSLATE_NOOP("RosterImportDialog", "(not in the file)")


class _Progress(QObject):
    changed = Signal(int, int)  # from the worker thread, delivered on the GUI thread


class RosterImportDialog(QDialog):
    imported = Signal(object)  # RosterImportSummary

    def __init__(self, attendees: AttendeeService, runner: TaskRunner, event: Event,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import the roster — {0}").format(event.name))
        self.setMinimumSize(640, 600)
        self._attendees, self._runner, self._event = attendees, runner, event
        self._path: Path | None = None
        self._read: RosterReadResult | None = None
        intro = WrappedLabel(self.tr("The organiser's attendee list (CSV or Excel) lets id-only "
                               "badges show "
                       "the visitor's name and company offline."))  # fmt: skip
        self.file_label = QLabel(self.tr("No file chosen"))
        choose = QPushButton(self.tr("Choose file…"))
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.file_label, 1)
        row.addWidget(choose)
        self.combos: dict[str, QComboBox] = {}
        self.mapping_box = QWidget()
        form = QFormLayout(self.mapping_box)
        for f in fields(ColumnMapping):
            combo = QComboBox()
            self.combos[f.name] = combo
            form.addRow(self.tr(_LABELS[f.name]) if f.name in _LABELS else f.name, combo)
        self.mapping_box.setEnabled(False)
        self.summary = WrappedLabel()
        self.rejected_rows = QListWidget()
        self.rejected_rows.setObjectName("RejectedRows")
        self.rejected_rows.setMaximumHeight(120)
        self.rejected_rows.setVisible(False)  # until a file has rejected rows: room for mapping
        self.progress = QProgressBar()
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setProperty("primary", True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        # Thirteen columns to map: on a 1280x800 laptop the dialog opens at most 2/3 of the
        # screen high, and the rows were pressed on top of each other; they scroll instead.
        mapping_area = QScrollArea()
        mapping_area.setWidgetResizable(True)
        mapping_area.setFrameShape(QFrame.Shape.NoFrame)
        mapping_area.setWidget(self.mapping_box)
        layout.addWidget(mapping_area, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejected_rows)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._signal = _Progress()
        self._signal.changed.connect(self._progressed)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Roster file"),
            "",
            self.tr("Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)"),
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read the file once to guess the columns (off the GUI thread)."""
        self._path = path
        self.file_label.setText(path.name)
        self.summary.setText(self.tr("Reading…"))
        self.import_button.setEnabled(False)
        event_id = self._event.id
        self._runner.run(lambda: read_roster(path, event_id=event_id), on_done=self._guessed,
                         on_error=self._failed)  # fmt: skip

    def _guessed(self, result: RosterReadResult) -> None:
        self._read = result
        for name, combo in self.combos.items():
            combo.clear()
            combo.addItems([self.tr(_NONE), *result.headers])
            chosen = getattr(result.mapping, name)
            combo.setCurrentText(chosen if chosen else self.tr(_NONE))
        self.mapping_box.setEnabled(True)
        self.import_button.setEnabled(True)
        self._show_result(result, preview=True)

    def mapping(self) -> ColumnMapping:
        base = self._read.mapping if self._read else ColumnMapping()
        values = {n: ("" if c.currentText() == self.tr(_NONE) else c.currentText())
                  for n, c in self.combos.items()}  # fmt: skip
        return replace(base, **values)

    def _show_result(self, result: RosterReadResult, preview: bool) -> None:
        verb = self.tr("ready to import") if preview else self.tr("read")
        delimiter = (
            self.tr(", delimiter {0!r}").format(result.delimiter) if result.delimiter else ""
        )
        self.summary.setText(
            self.tr("{0} attendees {1}, {2} rows rejected (encoding {3}{4}).").format(
                number(len(result.rows)),
                verb,
                number(len(result.rejected)),
                result.encoding,
                delimiter,
            )  # the counts in the reader's digits and grouping, the encoding as named
        )
        self.rejected_rows.clear()
        for item in result.rejected[:500]:
            self.rejected_rows.addItem(
                self.tr("line {0}: {1}").format(number(item.line), item.reason)
            )
        self.rejected_rows.setVisible(self.rejected_rows.count() > 0)

    def start_import(self) -> None:
        if self._path is None:
            return
        path, mapping, event_id = self._path, self.mapping(), self._event.id
        attendees, report = self._attendees, self._signal.changed.emit
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importing…"))

        def work() -> tuple[RosterReadResult, RosterImportSummary]:
            result = read_roster(path, mapping, event_id=event_id)
            summary = attendees.import_attendees(event_id, result.rows, source_name=path.name,
                                                 progress=report)  # fmt: skip
            return result, summary

        self._runner.run(work, on_done=self._done, on_error=self._failed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _done(self, outcome: tuple[RosterReadResult, RosterImportSummary]) -> None:
        result, summary = outcome
        self._show_result(result, preview=False)
        counts = (summary.inserted, summary.replaced, len(result.rejected), summary.total)
        self.summary.setText(
            self.tr(
                "{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now."
            ).format(*(number(n) for n in counts))
        )
        self.progress.setValue(self.progress.maximum())
        self.import_button.setEnabled(True)
        self.imported.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("Not imported: {0}").format(exc))
        self.import_button.setEnabled(self._read is not None)
