"""Export leads (CSV/XLSX) or write the post-show PDF report, with progress and 'open folder'.

The work runs on the task runner; progress comes back through a queued signal (the callback
is called on the worker thread).
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.models import Event, Rating, Staff
from boothapp.reports.columns import ColumnChoice
from boothapp.reports.export_io import ExportCancelled
from boothapp.services.exports import ExportFormat, ExportRequest, ExportService, LeadFilter
from boothapp.ui.i18n import QT_TRANSLATE_NOOP
from boothapp.workers.tasks import TaskRunner

_KINDS = ((QT_TRANSLATE_NOOP("ExportDialog", "CSV (Excel, any CRM)"), "csv"),
          (QT_TRANSLATE_NOOP("ExportDialog", "Excel workbook (XLSX)"), "xlsx"),
          (QT_TRANSLATE_NOOP("ExportDialog", "Post-show report (PDF)"), "pdf"))  # fmt: skip


class PathField(QLabel):
    """The whole file path on one line, elided in the middle (folder start and file name stay
    readable), the full path in the tooltip (issue 15). ``text()`` is the full path."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExportPath")
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 4, 40)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width)
        super().setText(shown)


class _Progress(QObject):
    changed = Signal(int, int)  # emitted on the worker thread, delivered on the GUI thread


class ExportDialog(QDialog):
    finished_export = Signal(str)  # path written
    columns_saved = Signal(list)  # column ids in order, after an export that used them

    def __init__(self, exports: ExportService, runner: TaskRunner, event: Event,
                 folder: Path, staff: Staff | None = None,
                 saved_columns: list[str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.setWindowTitle(self.tr("Export — {0}").format(event.name))
        self.setMinimumWidth(620)
        self._exports, self._runner, self._event, self._staff = exports, runner, event, staff
        self._folder = folder
        self.kind = QComboBox()
        for source, value in _KINDS:
            label = self.tr(source)
            self.kind.addItem(label, value)
        self.path = PathField()
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.bom = QCheckBox(self.tr("Excel-friendly CSV (UTF-8 with BOM, accents show right)"))
        self.bom.setChecked(True)
        self.delimiter = QComboBox()
        for label, value in (
            (self.tr("Comma ,"), ","),
            (self.tr("Semicolon ;"), ";"),
            (self.tr("Tab"), "\t"),
            (self.tr("Pipe |"), "|"),
        ):
            self.delimiter.addItem(label, value)
        self.qualified = QCheckBox(self.tr("Only sales-qualified leads"))
        self.hot_warm = QCheckBox(self.tr("Only hot and warm leads"))
        self.exclude_flagged = QCheckBox(self.tr("Leave out leads marked 'please delete'"))
        self.exclude_flagged.setChecked(True)
        # Which columns, in which order: tick and drag; remembered for this event.
        self.columns = QListWidget()
        self.columns.setObjectName("ExportColumns")
        self.columns.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.columns.setMaximumHeight(180)
        self._saved_columns = saved_columns
        runner.run(lambda: exports.available_columns(event.id), on_done=self._fill_columns)
        self.progress = QProgressBar()
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Export"))
        self.start_button.setProperty("primary", True)
        self.open_button = QPushButton(self.tr("Open folder"))
        self.open_button.setEnabled(False)
        # Big events take seconds: the export can be stopped, and nothing is written then.
        self.cancel_button = QPushButton(self.tr("Cancel export"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self._cancel = threading.Event()
        close = QPushButton(self.tr("Close"))
        self.start_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self._open_folder)
        close.clicked.connect(self.reject)
        self.form = form = QFormLayout()
        form.addRow(self.tr("What"), self.kind)
        form.addRow(self.tr("File"), path_row)
        form.addRow(self.tr("CSV delimiter"), self.delimiter)
        form.addRow("", self.bom)
        form.addRow(self.tr("Filter"), self.qualified)
        form.addRow("", self.hot_warm)
        form.addRow("", self.exclude_flagged)
        form.addRow(self.tr("Columns"), self.columns)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._pending_columns: list[str] = []
        self._signal = _Progress()
        self._signal.changed.connect(self._progressed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _fill_columns(self, available: list[tuple[str, str]]) -> None:
        labels = dict(available)
        saved = [c for c in (self._saved_columns or []) if c in labels]
        order = saved + [c for c, _ in available if c not in saved]
        for cid in order:
            item = QListWidgetItem(labels[cid])
            item.setData(Qt.ItemDataRole.UserRole, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = not saved or cid in saved
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.columns.addItem(item)

    def chosen_columns(self) -> list[str]:
        return [
            self.columns.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.columns.count())
            if self.columns.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _default_path(self) -> Path:
        kind = self.kind.currentData()
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        safe = "".join(ch if ch.isalnum() else "-" for ch in self._event.name).strip("-")
        name = f"{safe}-report-{stamp}.pdf" if kind == "pdf" else f"{safe}-leads-{stamp}.{kind}"
        return self._folder / name

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.path.setText(str(self._default_path()))
        csv = kind == "csv"
        # Only the chosen format's options are on screen (issue 15): XLSX has no delimiter,
        # the PDF report covers every lead.
        for widget, shown in ((self.delimiter, csv), (self.bom, csv),
                              (self.qualified, kind != "pdf"), (self.hot_warm, kind != "pdf"),
                              (self.exclude_flagged, kind != "pdf"),
                              (self.columns, kind != "pdf")):  # fmt: skip
            widget.setEnabled(shown)
            self.form.setRowVisible(widget, shown)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.path.text())
        if chosen:
            self.path.setText(chosen)

    def start(self) -> None:
        path = Path(self.path.text()).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status.setText(self.tr("Cannot use that folder: {0}").format(exc.strerror))
            return
        kind = self.kind.currentData()
        exports, event_id = self._exports, self._event.id
        staff_id = self._staff.id if self._staff else ""
        emit = self._signal.changed.emit
        cancel = self._cancel = threading.Event()  # one per run: an old run stays cancelled

        def report(done: int, total: int) -> None:  # pool thread
            if cancel.is_set() and done < total:  # at done == total the file is written
                raise ExportCancelled
            emit(done, total)

        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.open_button.setEnabled(False)
        self.progress.setValue(0)
        self.status.setText(self.tr("Working…"))
        if kind == "pdf":

            def work() -> str:
                n = exports.report(event_id, path, staff_id=staff_id, progress=report)
                return self.tr("Report on {0} leads written to {1}").format(n, path)
        else:
            flt = LeadFilter(
                ratings=(Rating.HOT, Rating.WARM) if self.hot_warm.isChecked() else (),
                qualified_only=self.qualified.isChecked(),
                include_flagged=not self.exclude_flagged.isChecked(),
            )
            chosen = self.chosen_columns()
            if self.columns.count() and not chosen:
                self.status.setText(self.tr("Tick at least one column."))
                self.start_button.setEnabled(True)
                self.cancel_button.setEnabled(False)
                return
            request = ExportRequest(
                event_id=event_id, path=path, format=ExportFormat(kind), filter=flt,
                columns=ColumnChoice(tuple(chosen)) if chosen else None,
                bom=self.bom.isChecked(), delimiter=self.delimiter.currentData(),
                staff_id=staff_id,
            )  # fmt: skip

            def work() -> str:
                summary = exports.export(request, progress=report)
                return self.tr("{0} leads written to {1}").format(summary.rows, summary.path)

            self._pending_columns = chosen

        self._runner.run(work, on_done=self._done, on_error=self._failed, big=True)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def cancel(self) -> None:
        """Stop the running export at its next progress step; the file is not written."""
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("Cancelling…"))

    def reject(self) -> None:
        self._cancel.set()  # closing the dialog stops its export too
        super().reject()

    def _done(self, message: str) -> None:
        self.cancel_button.setEnabled(False)
        if self._pending_columns:
            self.columns_saved.emit(self._pending_columns)
            self._pending_columns = []
        self.progress.setValue(self.progress.maximum())
        self.status.setText(message)
        self.start_button.setEnabled(True)
        self.open_button.setEnabled(True)
        self.finished_export.emit(self.path.text())

    def _failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(False)
        if isinstance(exc, ExportCancelled):
            self.status.setText(self.tr("Export cancelled: no file written."))
            self.progress.setValue(0)
        else:
            self.status.setText(self.tr("Not exported: {0}").format(exc))
        self.start_button.setEnabled(True)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.path.text()).parent)))
