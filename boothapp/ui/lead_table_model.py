"""Qt table model for the leads list: pages arrive lazily through the TaskRunner.

The model never holds more rows than the view scrolled through: ``fetchMore`` asks the query
service for the next page off the GUI thread and appends it when it arrives. A new query (or a
sort) bumps a generation number so late pages of an older query are dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from boothapp.core.clock import zone_of
from boothapp.core.models import Rating, Stage, SyncState
from boothapp.services.lead_queries import (
    LeadQuery,
    LeadQueryService,
    LeadRowView,
    SortColumn,
    SortOrder,
)
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, Translated, date_time
from boothapp.workers.tasks import TaskRunner

PAGE_SIZE = 200

COLUMNS: tuple[tuple[str, SortColumn], ...] = (
    (QT_TRANSLATE_NOOP("Leads", "Name"), SortColumn.NAME),
    (QT_TRANSLATE_NOOP("Leads", "Company"), SortColumn.COMPANY),
    (QT_TRANSLATE_NOOP("Leads", "Rating"), SortColumn.RATING),
    (QT_TRANSLATE_NOOP("Leads", "Stage"), SortColumn.STAGE),
    (QT_TRANSLATE_NOOP("Leads", "Staff"), SortColumn.STAFF),
    (QT_TRANSLATE_NOOP("Leads", "Captured"), SortColumn.CREATED),
    (QT_TRANSLATE_NOOP("Leads", "Sync"), SortColumn.SYNC),
)

RATING_LABELS = Translated(
    "Leads",
    {
        Rating.HOT: QT_TRANSLATE_NOOP("Leads", "Hot"),
        Rating.WARM: QT_TRANSLATE_NOOP("Leads", "Warm"),
        Rating.COLD: QT_TRANSLATE_NOOP("Leads", "Cold"),
    },
)
RATING_COLOURS = {Rating.HOT: "#c62828", Rating.WARM: "#ef6c00", Rating.COLD: "#1565c0"}
STAGE_LABELS = Translated(
    "Leads",
    {
        Stage.TO_CONTACT: QT_TRANSLATE_NOOP("Leads", "To contact"),
        Stage.IN_CONTACT: QT_TRANSLATE_NOOP("Leads", "In contact"),
        Stage.FOLLOW_UP: QT_TRANSLATE_NOOP("Leads", "Follow-up"),
        Stage.QUOTE_TO_PREPARE: QT_TRANSLATE_NOOP("Leads", "Quote to prepare"),
        Stage.QUOTE_SENT: QT_TRANSLATE_NOOP("Leads", "Quote sent"),
        Stage.WON: QT_TRANSLATE_NOOP("Leads", "Won"),
        Stage.NOT_INTERESTED: QT_TRANSLATE_NOOP("Leads", "Not interested"),
    },
)
SYNC_LABELS = Translated(
    "Leads",
    {
        SyncState.NOT_QUEUED: QT_TRANSLATE_NOOP("Leads", "Not queued"),
        SyncState.PENDING: QT_TRANSLATE_NOOP("Leads", "Pending"),
        SyncState.SYNCED: QT_TRANSLATE_NOOP("Leads", "Synced"),
        SyncState.FAILED: QT_TRANSLATE_NOOP("Leads", "Failed"),
    },
)

LEAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _cell(row: LeadRowView, column: int, zone: str = "UTC") -> str:
    sort = COLUMNS[column][1]
    if sort is SortColumn.NAME:
        return (
            QCoreApplication.translate("Leads", "{0}  (please delete)").format(row.name)
            if row.please_delete
            else row.name
        )
    if sort is SortColumn.COMPANY:
        return row.company
    if sort is SortColumn.RATING:
        return RATING_LABELS[row.rating]
    if sort is SortColumn.STAGE:
        return STAGE_LABELS[row.stage]
    if sort is SortColumn.STAFF:
        return row.staff_name
    if sort is SortColumn.CREATED:
        return date_time(row.created_at.astimezone(zone_of(zone)))
    return SYNC_LABELS[row.sync_state]


class LeadTableModel(QAbstractTableModel):
    """Rows of ``LeadRowView``. Signals fire on the GUI thread."""

    count_changed = Signal(int)  # total matching leads, once known
    loading_changed = Signal(bool)
    load_failed = Signal(str)

    def __init__(
        self,
        queries: LeadQueryService,
        runner: TaskRunner,
        query: LeadQuery,
        page_size: int = PAGE_SIZE,
        zone: str = "UTC",
    ) -> None:
        super().__init__()
        self._zone = zone  # the event's: one clock on every screen (issue 15)
        self._queries, self._runner = queries, runner
        self._query = query
        self._page_size = page_size
        self._rows: list[LeadRowView] = []
        self._total: int | None = None
        self._generation = 0
        self._busy = False

    # -- query ---------------------------------------------------------------------------
    @property
    def query(self) -> LeadQuery:
        return self._query

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def loading(self) -> bool:
        return self._busy

    def set_query(self, query: LeadQuery) -> None:
        """Show a new query: clear, then count and fetch the first page in the background."""
        self._query = query
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation, query, size = self._generation, self._query, self._page_size
        self.beginResetModel()
        self._rows, self._total = [], None
        self.endResetModel()
        self._set_busy(True)
        queries = self._queries
        self._runner.run(
            lambda: (queries.count(query), queries.page(query, 0, size)),
            on_done=lambda result: self._first_page(generation, result),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _first_page(self, generation: int, result: tuple[int, list[LeadRowView]]) -> None:
        if generation != self._generation:
            return
        total, rows = result
        self._total = total
        self._append(rows)
        self._set_busy(False)
        self.count_changed.emit(total)

    # -- lazy fetching -------------------------------------------------------------------
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._busy or self._total is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._set_busy(True)
        generation, query = self._generation, self._query
        offset, size, queries = len(self._rows), self._page_size, self._queries
        self._runner.run(
            lambda: queries.page(query, offset, size),
            on_done=lambda rows: self._more(generation, rows),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _more(self, generation: int, rows: list[LeadRowView]) -> None:
        if generation != self._generation:
            return
        self._append(rows)
        if not rows:  # the list shrank under us: stop asking
            self._total = len(self._rows)
        self._set_busy(False)

    def _append(self, rows: list[LeadRowView]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.load_failed.emit(str(exc) or type(exc).__name__)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading_changed.emit(busy)

    # -- rows ----------------------------------------------------------------------------
    def lead_at(self, row: int) -> LeadRowView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, lead_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == lead_id), -1)

    def replace_row(self, view: LeadRowView) -> None:
        """Show an edited lead in place (it may no longer match the filters until reload)."""
        i = self.row_of(view.id)
        if i >= 0:
            self._rows[i] = view
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    # -- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("Leads", COLUMNS[section][0])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, index.column(), self._zone)
        if role == LEAD_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if COLUMNS[index.column()][1] is SortColumn.RATING:
                return QBrush(QColor(RATING_COLOURS[row.rating]))
            if row.please_delete:
                return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return row.email or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        direction = SortOrder.ASC if order == Qt.SortOrder.AscendingOrder else SortOrder.DESC
        wanted = replace(self._query, sort=COLUMNS[column][1], order=direction)
        if wanted != self._query:
            self.set_query(wanted)
