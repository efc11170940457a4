"""Picking a time zone by its place, in the reader's language (issue 21).

``ZoneBox`` lists UTC and IANA's zone.tab zones as "تهران (ایران)" / "Αθήνα (Ελλάδα)", sorted
by the reader's collation, with the IANA id as each item's data (what is stored). Typing
filters by any part of the place, the country or the id ("تهر", "athina", "Asia/Teh"),
accents, tonos and dotted/dotless i folded (``core.textfold.fold``).

The list of one language costs ~40-180 ms of Babel lookups, so it is built off the GUI
thread (``TaskRunner``) once per language and remembered for the process; a box opened
before it is ready shows its stored zone alone and fills in when the list arrives.
``warm_zone_list`` starts the build early (at start-up, while the welcome box is shown).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QCollator,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from boothapp.core.i18n import Language
from boothapp.core.textfold import fold
from boothapp.core.zone_list import UTC, ZoneChoice, zone_choice, zone_choices
from boothapp.ui.i18n import current_language
from boothapp.workers.tasks import TaskRunner

ZONE_ROLE = Qt.ItemDataRole.UserRole  # the IANA id
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # what typing matches against

Ready = Callable[[str, list[ZoneChoice]], None]
_lists: dict[str, list[ZoneChoice]] = {}  # language -> sorted choices, for the process
_waiting: dict[str, list[Ready]] = {}  # language -> callbacks of a build under way
_shared: list[TaskRunner] = []


def sorted_choices(lang: str) -> list[ZoneChoice]:
    """UTC first, then the places in the reader's alphabetical order (QCollator: Persian's
    پ چ ژ گ where a Persian reader looks for them, not after the Arabic letters). Runs on a
    pool thread."""
    choices = zone_choices(Language(lang))
    collator = QCollator(QLocale(lang))

    def compare(a: ZoneChoice, b: ZoneChoice) -> int:
        return collator.compare(a.label, b.label)

    rest = sorted((c for c in choices if c.zone != UTC), key=functools.cmp_to_key(compare))
    return [c for c in choices if c.zone == UTC] + rest


def _runner(runner: TaskRunner | None) -> TaskRunner:
    if runner is not None:
        return runner
    if not _shared:
        _shared.append(TaskRunner(max_threads=1))
    return _shared[0]


def request_zone_list(lang: str, ready: Ready, runner: TaskRunner | None = None) -> None:
    """``ready(lang, choices)`` on the GUI thread: at once when the list was built, else when
    the build (one per language, whoever asked first) is done."""
    known = _lists.get(lang)
    if known is not None:
        ready(lang, known)
        return
    if lang in _waiting:
        _waiting[lang].append(ready)
        return
    _waiting[lang] = [ready]

    def built(choices: list[ZoneChoice]) -> None:
        _lists[lang] = choices
        for callback in _waiting.pop(lang, []):
            owner = getattr(callback, "__self__", None)
            if not isinstance(owner, QObject) or shiboken6.isValid(owner):  # not closed since
                callback(lang, choices)

    def failed(exc: BaseException) -> None:
        _waiting.pop(lang, None)  # the boxes keep the zone they show; typing an id works

    _runner(runner).run(lambda: sorted_choices(lang), on_done=built, on_error=failed)


def warm_zone_list(lang: str, runner: TaskRunner | None = None) -> None:
    request_zone_list(lang, lambda _lang, _choices: None, runner)


def zone_label(zone: str, lang: str | None = None) -> str:
    """A stored zone as the picker names it ("" stays ""); the id itself until the language's
    list is built (``request_zone_list``: relabel when it is)."""
    lang = lang or current_language()
    if not zone or _lists.get(lang) is None:
        return zone
    return zone_choice(zone, Language(lang)).label


class _ZoneFilter(QSortFilterProxyModel):
    """The completer's model: the zones whose folded search text holds what was typed, the
    places that start with it first ("ist": İstanbul before the countries in "-istan"), then
    a word of the place, then the rest, each in the list's own order. Ranked once per key
    (a one-letter filter sorted with a fold per comparison took 73 ms)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ranks: dict[int, tuple[int, int]] | None = None  # source row -> rank; None: all
        self._folded: dict[str, str] = {}

    def set_typed(self, text: str) -> None:
        needle = fold(text)
        model = self.sourceModel()
        ranks: dict[int, tuple[int, int]] = {}
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if needle not in str(index.data(SEARCH_ROLE) or ""):
                continue
            label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            place = self._folded.get(label)
            if place is None:
                place = self._folded[label] = fold(label)
            if place.startswith(needle):
                ranks[row] = (0, row)
            elif any(word.startswith(needle) for word in place.split()):
                ranks[row] = (1, row)
            else:
                ranks[row] = (2, row)
        self._ranks = ranks
        self.invalidate()
        self.sort(0)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self._ranks is None or row in self._ranks

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        ranks = self._ranks or {}
        return ranks.get(left.row(), (3, left.row())) < ranks.get(right.row(), (3, right.row()))


class ZoneBox(QComboBox):
    def __init__(
        self, parent: QWidget | None = None, zone: str = UTC, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ZoneBox")
        self._runner, self._lang = runner, current_language()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        # The completer shows what the filter keeps, in its order (the combo maps a chosen
        # row back to its own item through the proxy).
        self._filter = _ZoneFilter(self)
        self._filter.setSourceModel(self.model())
        completer = QCompleter(self)
        completer.setModel(self._filter)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        line = self.lineEdit()
        if line is not None:  # editable: always; the filter follows each key
            line.textEdited.connect(self._filter.set_typed)
        self.set_zone(zone)
        self._ask()

    # -- the list ---------------------------------------------------------------------------
    def _ask(self) -> None:
        self._lang = current_language()
        request_zone_list(self._lang, self._filled, self._runner)

    def ready(self) -> bool:
        """The whole list is shown (in the window's language)."""
        return self.count() > 1 and self._lang in _lists

    def _filled(self, lang: str, choices: list[ZoneChoice]) -> None:
        if lang != self._lang:
            return  # the language changed since: its own list is on the way
        line = self.lineEdit()
        zone, text, typed = self.zone(), self.currentText(), bool(line and line.isModified())
        self.blockSignals(True)
        try:
            self.clear()
            for choice in choices:
                self.addItem(choice.label, choice.zone)
                self.setItemData(self.count() - 1, choice.search, SEARCH_ROLE)
        finally:
            self.blockSignals(False)
        self.set_zone(zone)
        if typed and text != self.currentText():
            self.setEditText(text)  # what the person was typing stays

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and current_language() != self._lang:
            zone = self.zone()
            self._ask()
            if not self.ready():
                self._show_alone(zone)
        super().changeEvent(event)

    def _show_alone(self, zone: str) -> None:
        self.blockSignals(True)
        try:
            self.clear()
        finally:
            self.blockSignals(False)
        self.set_zone(zone)

    # -- the zone ---------------------------------------------------------------------------
    def set_zone(self, zone: str) -> None:
        """Show ``zone`` (listed, a stored alias or even an unknown id, as written)."""
        zone = zone.strip() or UTC
        index = self.findData(zone, ZONE_ROLE)
        if index < 0:
            # Named once the list is built (Babel's data is then loaded: ~1 ms); before, the
            # id for the moment the build takes, rather than ~35 ms of Babel on this thread.
            label, search = zone, fold(zone)
            if _lists.get(self._lang) is not None:
                choice = zone_choice(zone, Language(self._lang))
                label, search = choice.label, choice.search
            self.insertItem(0, label, zone)
            self.setItemData(0, search, SEARCH_ROLE)
            index = 0
        self.setCurrentIndex(index)

    def zone(self) -> str:
        """The IANA id of what is shown; typed text that names no item is returned as typed
        (an id such as "Asia/Calcutta" is accepted; the event check refuses an unknown one)."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == text:
            return str(self.itemData(index, ZONE_ROLE))
        wanted = text.casefold()
        for i in range(self.count()):
            if wanted in (self.itemText(i).casefold(), str(self.itemData(i, ZONE_ROLE)).casefold()):
                return str(self.itemData(i, ZONE_ROLE))
        return text


class ZoneDelegate(QStyledItemDelegate):
    """The routing table's zone column: a ``ZoneBox`` to edit, the place's name to read; the
    IANA id is kept in ``ZONE_ROLE``."""

    def __init__(self, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self._runner = runner

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        box = ZoneBox(parent, runner=self._runner)
        box.activated.connect(lambda _i: self.commitData.emit(box))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, ZoneBox):
            editor.set_zone(str(index.data(ZONE_ROLE) or index.data() or UTC))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, ZoneBox):
            zone = editor.zone()
            model.setData(index, zone, ZONE_ROLE)
            label = zone_label(zone)
            model.setData(index, label, Qt.ItemDataRole.DisplayRole)
            model.setData(index, label, Qt.ItemDataRole.ToolTipRole)
