"""The leads list: search as you type, filters, a sortable lazy table and the detail panel.

Typing restarts a short debounce timer so a fast typist sends one query, not one per key.
Enter or a double-click opens the selected lead in the panel on the right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.model import EventConfig
from boothapp.core.models import Rating, Staff, Stage, SyncState
from boothapp.services.lead_queries import LeadQuery, LeadQueryService, LeadRowView
from boothapp.services.leads import LeadService
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, ZoneLabel, day_text
from boothapp.ui.lead_detail import LeadDetailPanel
from boothapp.ui.lead_table_model import (
    COLUMNS,
    RATING_LABELS,
    STAGE_LABELS,
    SYNC_LABELS,
    LeadTableModel,
)
from boothapp.workers.tasks import TaskRunner

DEBOUNCE_MS = 150
T = TypeVar("T")


class _Count(QObject):
    def text(self, total: int) -> str:
        return self.tr("%Ln lead(s)", "", total)


def count_text(total: int | None) -> str:
    if total is None:
        return QCoreApplication.translate("LeadsPage", "Searching…")
    return _Count().text(total)


class _Table(QTableView):
    """Enter opens the current lead (QTableView would otherwise start editing)."""

    activated_row = Signal(int)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


# Up to this many changed leads are re-read one by one; more reload the page of the list.
_ROW_BY_ROW = 20


class LeadsPage(QWidget):
    lead_opened = Signal(str)

    def __init__(
        self,
        queries: LeadQueryService,
        leads: LeadService,
        runner: TaskRunner,
        event_id: str,
        page_size: int = 200,
        *,
        cfg: EventConfig | None = None,
        zone: str = "UTC",
    ) -> None:
        super().__init__()
        self.setObjectName("LeadsPage")
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 12.0))
        self.setFont(font)
        self._queries, self._runner, self._event_id = queries, runner, event_id

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, company, e-mail, notes   (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumHeight(44)
        self.rating = self._combo("Rating", [(RATING_LABELS[r], r) for r in reversed(Rating)])
        self.staff = self._combo("Staff", [])
        self.day = self._combo("Day", [])
        self.stage = self._combo("Stage", [(STAGE_LABELS[s], s) for s in Stage])
        self.sync = self._combo("Sync", [(SYNC_LABELS[s], s) for s in SyncState])
        self._filter_labels = {
            self.rating: (QT_TRANSLATE_NOOP("LeadsPage", "Rating"), RATING_LABELS),
            self.staff: (QT_TRANSLATE_NOOP("LeadsPage", "Staff"), None),
            self.day: (QT_TRANSLATE_NOOP("LeadsPage", "Day"), None),
            self.stage: (QT_TRANSLATE_NOOP("LeadsPage", "Stage"), STAGE_LABELS),
            self.sync: (QT_TRANSLATE_NOOP("LeadsPage", "Sync"), SYNC_LABELS),
        }
        self.please_delete = QCheckBox(self.tr("Only \u201cplease delete\u201d"))
        self.count = QLabel(count_text(None))
        self.count.setObjectName("LeadCount")
        count_font = self.count.font()
        count_font.setBold(True)
        self.count.setFont(count_font)

        self.model = LeadTableModel(queries, runner, LeadQuery(event_id), page_size, zone=zone)
        self.zone_label = ZoneLabel(zone)
        self.zone_label.setProperty("role", "muted")
        self.table = _Table()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Narrow enough that "Captured" shows whole on a 1280-pixel booth laptop.
        for column, width in enumerate((200, 190, 76, 150, 150, 170, 110)):
            self.table.setColumnWidth(column, width)
        self._fit_headers()
        # Sorting goes through the query (the model re-fetches); newest first to start.
        header.setSortIndicator(
            [c for _, c in COLUMNS].index(self.model.query.sort), Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)

        self.detail = LeadDetailPanel(leads, runner, cfg, zone)
        self.detail.setMinimumWidth(420)
        self.detail.hide()  # the list gets the full width until a lead is opened

        # Filters on a grid that gives way: in one row they set a minimum width that, with
        # the editable lead detail beside, pushed the window past a 1280 px screen (issue 15).
        self._filters = filters = QGridLayout()
        self._filter_columns = 0
        self._arrange_filters(3)
        left = QWidget()
        left.installEventFilter(self)  # its width decides the filters' columns
        self._left = left
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.zone_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._search_entered)
        for combo in (self.rating, self.staff, self.day, self.stage, self.sync):
            combo.currentIndexChanged.connect(self.apply_filters)
            combo.currentIndexChanged.connect(self._fit_filters)
        self.please_delete.toggled.connect(self.apply_filters)
        self.model.count_changed.connect(lambda total: self.count.setText(count_text(total)))
        self.model.load_failed.connect(
            lambda msg: self.count.setText(self.tr("Could not load: {0}").format(msg))
        )
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.activated_row.connect(self.open_row)
        self.detail.lead_changed.connect(self._lead_changed)
        self.detail.closed.connect(self.close_detail)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_detail)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

        self.refresh_options()
        self.model.reload()

    # -- filters -------------------------------------------------------------------------
    def _arrange_filters(self, columns: int) -> None:
        """Three filters a row, or two when three would cut their words: with the lead detail
        open the Greek filters read "Αξιολόγηση: όλ" and "Συγχρονισμός:" (issue 21)."""
        if columns == self._filter_columns:
            return
        grid = self._filters
        combos = (self.rating, self.staff, self.day, self.stage, self.sync)
        for widget in (*combos, self.please_delete, self.count):
            grid.removeWidget(widget)
        for column in range(4):
            grid.setColumnStretch(column, 0)
        for i, widget in enumerate(combos):
            grid.addWidget(widget, i // columns, i % columns)
        if columns == 3:
            grid.addWidget(self.please_delete, 1, 2, 1, 2)  # its words may run under the count
        else:
            grid.addWidget(self.please_delete, 2, 1, 1, 2)
        grid.addWidget(self.count, 0, columns)
        # The filters take the width the list has, the count only its words: with the count
        # stretching, Greek filters read "Αξιολόγησ" beside empty space (issue 21).
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        self._filter_columns = columns

    def _fit_filters(self) -> None:
        """The columns whose combos show their whole current words in the list's width."""
        combos = (self.rating, self.staff, self.day, self.stage, self.sync)
        metrics = self.rating.fontMetrics()
        # Text, the drop-down arrow and the frame: what a combo needs for its words.
        needed = max(metrics.horizontalAdvance(c.currentText()) for c in combos) + 48
        count = self.count.sizeHint().width()
        spacing = max(self._filters.horizontalSpacing(), 0)
        width = self._left.width()
        fits = 3 * needed + count + 3 * spacing <= width
        self._arrange_filters(3 if fits else 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._left and event.type() == QEvent.Type.Resize:
            self._fit_filters()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.search.setPlaceholderText(self.tr("Search name, company, e-mail, notes   (Ctrl+F)"))
        self.please_delete.setText(self.tr("Only \u201cplease delete\u201d"))
        self.count.setText(count_text(self.model.total))
        for combo, (name, labels) in self._filter_labels.items():
            label = self.tr(name)
            combo.setToolTip(label)
            combo.setItemText(0, self.tr("{0}: any").format(label))
            if labels is not None:
                for i in range(1, combo.count()):
                    combo.setItemText(i, labels[combo.itemData(i)])
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1
        )
        self._fit_headers()
        self._fit_filters()

    def _fit_headers(self) -> None:
        """Widen a column to its heading in this language: the 76 px rating column read
        "ιολόγη" for "Αξιολόγηση" in Greek (issue 21). Never narrows what the user widened."""
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):  # the last one stretches
            needed = header.sectionSizeFromContents(column).width()
            if self.table.columnWidth(column) < needed:
                self.table.setColumnWidth(column, needed)

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"{name}Filter")
        label = self.tr(name)
        combo.setToolTip(label)
        combo.setMinimumHeight(40)
        # As wide as the grid gives, not as the longest day or name: in Greek the filters
        # pushed the list and the lead detail past a 1280 px screen (issue 21).
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.addItem(self.tr("{0}: any").format(label), None)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    def refresh_options(self) -> None:
        """Reload the staff and day choices (they change as staff join and days pass)."""
        queries, event_id = self._queries, self._event_id
        self._runner.run(
            lambda: (queries.staff_options(event_id), queries.lead_days(event_id)),
            on_done=self._fill_options,
        )

    def _fill_options(self, result: tuple[list[Staff], list[date]]) -> None:
        staff, days = result
        names = {s.id: s.name for s in staff}
        self.detail.set_staff(self.detail.staff_id, names)
        for combo, items in (
            (self.staff, [(s.name, s.id) for s in staff]),
            (self.day, [(day_text(d), d.isoformat()) for d in days]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.blockSignals(False)

    def current_query(self) -> LeadQuery:
        # Combo data comes back from Qt as plain str: turn it into the typed values again.
        def one(combo: QComboBox, kind: Callable[[str], T]) -> tuple[T, ...]:
            value = combo.currentData()
            return () if value is None else (kind(str(value)),)

        days = one(self.day, date.fromisoformat)
        return replace(
            self.model.query,
            text=self.search.text().strip(),
            ratings=one(self.rating, Rating),
            staff_ids=one(self.staff, str),
            day=days[0] if days else None,
            stages=one(self.stage, Stage),
            sync_states=one(self.sync, SyncState),
            please_delete=True if self.please_delete.isChecked() else None,
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        query = self.current_query()
        if query != self.model.query or self.model.total is None:
            self.count.setText(count_text(None))
            self.model.set_query(query)

    def _search_entered(self) -> None:
        if self._debounce.isActive():
            self.apply_filters()
        elif self.model.rowCount() > 0:
            self.table.setFocus()
            self.table.selectRow(0)

    # -- actions -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the list and the filter choices (call when the page is shown again)."""
        self.refresh_options()
        self.model.reload()

    def leads_changed(self, created: int, updated: Sequence[str]) -> None:
        """The lead door's broadcast: a few changed leads are re-read row by row (selection and
        scroll stay); new leads or a big change (a merge, a pull) reload the list."""
        if created or len(updated) > _ROW_BY_ROW:
            self.model.reload()
            return
        for lead_id in updated:
            self._lead_changed(lead_id)

    def set_current_staff(self, staff: Staff | None) -> None:
        """The signed-in staff member; edits from the detail panel are recorded as theirs."""
        self.detail.set_staff(
            staff.id if staff else "",
            name=getattr(staff, "name", "") if staff else "",
            manager=bool(staff is not None and getattr(staff, "is_manager", False)),
        )

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_row(self, row: int) -> None:
        view = self.model.lead_at(row)
        if view is None:
            return
        self.detail.show()
        self.detail.open_lead(view.id)
        self.lead_opened.emit(view.id)

    def close_detail(self) -> None:
        self.detail.hide()
        self.table.setFocus()

    def _lead_changed(self, lead_id: str) -> None:
        queries = self._queries
        self._runner.run(lambda: queries.row(lead_id), on_done=self._row_loaded)

    def _row_loaded(self, view: LeadRowView | None) -> None:
        if view is not None:
            self.model.replace_row(view)

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
