"""The event settings managers change most, as a form (issue 15): questions with their options
and translations, rating thresholds, routing reps.

The form edits the same document as the YAML editor beside it: it reads the parsed tree and
writes its values back into that tree; the page turns the tree into YAML and validates it
with the same checks (``validate_text``), so both show the same line/field problems. Keys the
form does not show (scoring, follow-ups, crm...) pass through untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.answers import question_label
from boothapp.core.config.model import (
    DEFAULT_LEADS_PER_STAFF_PER_DAY,
    MAX_LEADS_PER_STAFF_PER_DAY,
    MAX_RETAIN_DAYS,
    Question,
    QuestionKind,
)
from boothapp.core.config.rep_names import shown_rep_name
from boothapp.core.i18n import Language
from boothapp.core.i18n_format import language_name
from boothapp.core.zone_list import ZoneChoice
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, current_language, typed_hours, working_hours
from boothapp.ui.zone_box import ZONE_ROLE, ZoneDelegate, request_zone_list, zone_label
from boothapp.workers.tasks import TaskRunner

REP_COLUMNS = (
    ("id", QT_TRANSLATE_NOOP("SettingsForm", "Id")),
    ("name", QT_TRANSLATE_NOOP("SettingsForm", "Name")),
    ("timezone", QT_TRANSLATE_NOOP("SettingsForm", "Time zone")),
    ("hours", QT_TRANSLATE_NOOP("SettingsForm", "Hours")),
)
ZONE_COLUMN = [key for key, _ in REP_COLUMNS].index("timezone")
HOURS_COLUMN = [key for key, _ in REP_COLUMNS].index("hours")
# The first grid row holds the question's own wording (read back by its row, not its text).
QUESTION_ROW = QT_TRANSLATE_NOOP("SettingsForm", "(question)")
NAME_COLUMN = [key for key, _ in REP_COLUMNS].index("name")
# A cell showing our default wording in the reader's language ("بودجه" for "Budget", "مسئول
# غرفه" for "Booth manager"; issue 21) keeps the document's own text here: left as shown,
# the document keeps its msgid, so every other reader still gets their own words.
STORED_ROLE = Qt.ItemDataRole.UserRole + 7


def _shown_wording(label: str) -> str:
    return question_label(Question("", label, QuestionKind.TEXT), current_language())


def _worded(stored: str, shown: str) -> QTableWidgetItem:
    item = QTableWidgetItem(shown)
    item.setData(STORED_ROLE, (stored, shown))  # also when alike: a later language may differ
    return item


def translation_languages(tree: dict[str, Any]) -> list[str]:
    """Kiosk languages that need the manager's wording (the document's own is English)."""
    langs = tree.get("kiosk_languages") or ["en"]
    return [lang for lang in langs if isinstance(lang, str) and lang != "en"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _question_name(q: dict[str, Any]) -> str:
    """The question as the reader knows it: the config's own wording in their language when
    it has one ("بودجه", not "Budget", for a Persian manager; issue 21), else its label."""
    translations = q.get("translations")
    if isinstance(translations, dict):
        own = translations.get(current_language())
        if isinstance(own, str) and own.strip():
            return own
    label = q.get("label")
    if isinstance(label, str) and label:
        return question_label(Question("", label, QuestionKind.TEXT), current_language())
    return _text(q.get("id"))


class SettingsForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsForm")
        self._runner = runner  # the zone list is built on it (None: a runner of its own)
        self._tree: dict[str, Any] = {}
        self._langs: list[str] = []
        self._current = -1
        self._filling = False

        self.question = QComboBox()
        self.question.setObjectName("FormQuestion")
        self.question.currentIndexChanged.connect(self._question_chosen)
        self.required = QCheckBox(self.tr("Required on the booth form"))
        self.required.setObjectName("FormRequired")
        self.required.toggled.connect(self._edited)
        self.options = QTableWidget(0, 2)
        self.options.setObjectName("FormOptions")
        self.options.verticalHeader().setVisible(False)
        self.options.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.options.setMinimumHeight(170)  # the question and a handful of options at once
        self.options.itemChanged.connect(lambda _i: self._edited())
        add_option = QPushButton(self.tr("Add option"))
        add_option.clicked.connect(self._add_option)
        remove_option = QPushButton(self.tr("Remove option"))
        remove_option.clicked.connect(self._remove_option)
        option_buttons = QHBoxLayout()
        option_buttons.addWidget(add_option)
        option_buttons.addWidget(remove_option)
        option_buttons.addStretch(1)
        questions = QGroupBox(self.tr("Questions, options and translations"))
        qv = QVBoxLayout(questions)
        qrow = QHBoxLayout()
        qrow.addWidget(self.question, 1)
        qrow.addWidget(self.required)
        qv.addLayout(qrow)
        qv.addWidget(self.options, 1)
        qv.addLayout(option_buttons)

        self.warm = QSpinBox()
        self.warm.setObjectName("FormWarm")
        self.hot = QSpinBox()
        self.hot.setObjectName("FormHot")
        for box in (self.warm, self.hot):
            box.setRange(-1000, 1000)
            box.valueChanged.connect(lambda _v: self._edited())
        rating = QGroupBox(self.tr("Rating thresholds and targets"))
        rf = QFormLayout(rating)
        # Numbers need no more than their own width: the routing table beside gets the rest
        # (Greek and Persian labels are long; the zone column was cut to "Κ…").
        rf.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        rf.addRow(self.tr("Warm from (score)"), self.warm)
        rf.addRow(self.tr("Hot from (score)"), self.hot)
        self.target = QSpinBox()
        self.target.setObjectName("FormTarget")
        self.target.setRange(1, MAX_LEADS_PER_STAFF_PER_DAY)
        self.target.setToolTip(self.tr("The dashboard measures each person's day against it"))
        self.target.valueChanged.connect(lambda _v: self._edited())
        rf.addRow(self.tr("Leads per person per day"), self.target)
        self.retain = QSpinBox()
        self.retain.setObjectName("FormRetainDays")
        self.retain.setRange(0, MAX_RETAIN_DAYS)
        self.retain.setSpecialValueText(self.tr("until erased"))  # 0: no retention rule
        self.retain.setSuffix(self.tr(" days"))
        self.retain.setToolTip(
            self.tr("Leads neither synced nor won are erased this long after capture")
        )
        self.retain.valueChanged.connect(lambda _v: self._edited())
        rf.addRow(self.tr("Keep unsynced leads"), self.retain)

        self.reps = QTableWidget(0, len(REP_COLUMNS))
        self.reps.setObjectName("FormReps")
        self.reps.setHorizontalHeaderLabels([self.tr(label) for _, label in REP_COLUMNS])
        self._hours_tip()
        self.reps.verticalHeader().setVisible(False)
        # Name and hours as wide as they are written, the id as its heading (a long id is
        # cut, not the place), the place's name takes the rest (shared evenly,
        # "ساعت‌ها (09:00-17:00)" and "شیکاگو (ایالات متحده)" were cut).
        self.reps.setWordWrap(False)  # cut a long place mid-word, not after its city
        reps_header = self.reps.horizontalHeader()
        reps_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        reps_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        reps_header.setSectionResizeMode(ZONE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.reps.setMinimumHeight(90)
        # Zones by their place in the reader's language, the IANA id kept (issue 21).
        self.reps.setItemDelegateForColumn(ZONE_COLUMN, ZoneDelegate(self.reps, runner))
        self.reps.itemChanged.connect(lambda _i: self._edited())
        add_rep = QPushButton(self.tr("Add rep"))
        add_rep.clicked.connect(self._add_rep)
        remove_rep = QPushButton(self.tr("Remove rep"))
        remove_rep.clicked.connect(self._remove_rep)
        rep_buttons = QHBoxLayout()
        rep_buttons.addWidget(add_rep)
        rep_buttons.addWidget(remove_rep)
        rep_buttons.addStretch(1)
        routing = QGroupBox(self.tr("Routing reps (who gets leads)"))
        rv = QVBoxLayout(routing)
        rv.addWidget(self.reps, 1)
        rv.addLayout(rep_buttons)

        lower = QHBoxLayout()
        lower.addWidget(rating)
        lower.addWidget(routing, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(questions, 3)
        layout.addLayout(lower, 2)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        if getattr(self, "_current", -1) >= 0 and not self._filling:
            self._store_question()  # nothing typed is lost: the table is drawn again
            self._show_question(self._current)  # its headers are worded as it is drawn
        self.required.setText(self.tr("Required on the booth form"))
        self.retain.setSpecialValueText(self.tr("until erased"))
        self.target.setToolTip(self.tr("The dashboard measures each person's day against it"))
        self.reps.setHorizontalHeaderLabels([self.tr(label) for _, label in REP_COLUMNS])
        self._hours_tip()
        self._name_zones()
        self._name_reps()

    def _name_reps(self) -> None:
        """The default rep's name and the working hours in the language just applied, unless
        someone edited them."""
        filling, self._filling = self._filling, True
        lang = current_language()
        shown: dict[int, Callable[[str], str]] = {
            NAME_COLUMN: lambda text: shown_rep_name(text, lang),
            HOURS_COLUMN: working_hours,
        }
        try:
            for row in range(self.reps.rowCount()):
                for col, words in shown.items():
                    item = self.reps.item(row, col)
                    if item is None or not item.data(STORED_ROLE):
                        continue
                    stored = self._cell(self.reps, row, col)
                    if stored == item.data(STORED_ROLE)[0]:
                        self.reps.setItem(row, col, _worded(stored, words(stored)))
        finally:
            self._filling = filling

    def _hours_tip(self) -> None:
        # The format in a tip: "Hours (09:00-17:00)" as a heading left the zones no room.
        header = self.reps.horizontalHeaderItem(HOURS_COLUMN)
        if header is not None:
            header.setToolTip(self.tr("Working hours, like 09:00-17:00"))
        heading = self.reps.horizontalHeader()
        id_width = self.reps.fontMetrics().horizontalAdvance("m" * 7)  # "jonas", "emily"
        heading.resizeSection(0, max(heading.sectionSizeHint(0), id_width))

    def _name_zones(self) -> None:
        """The zone cells by their place in the window's language, once its list is built
        (off the GUI thread; until then they show the id)."""
        request_zone_list(current_language(), self._zones_named, self._runner)

    def _zones_named(self, lang: str, _choices: list[ZoneChoice]) -> None:
        if lang != current_language():
            return
        for row in range(self.reps.rowCount()):
            item = self.reps.item(row, ZONE_COLUMN)
            if item is not None and item.data(ZONE_ROLE):
                label = zone_label(str(item.data(ZONE_ROLE)), lang)
                if item.text() != label:
                    filling, self._filling = self._filling, True  # a new name is no edit
                    try:
                        item.setText(label)
                        item.setToolTip(label)  # whole where the column cuts it
                    finally:
                        self._filling = filling

    # -- tree in ----------------------------------------------------------------------------
    def load_tree(self, tree: dict[str, Any]) -> None:
        self._filling = True
        try:
            self._tree = copy.deepcopy(tree)
            self._langs = translation_languages(self._tree)
            self._current = -1
            self.question.clear()
            for q in self._questions():
                self.question.addItem(_question_name(q))
            rating = self._tree.get("rating") or {}
            self.warm.setValue(int(rating.get("warm", 0) or 0))
            self.hot.setValue(int(rating.get("hot", 0) or 0))
            targets = self._tree.get("targets")
            per_day = targets.get("leads_per_staff_per_day") if isinstance(targets, dict) else None
            self.target.setValue(
                per_day if isinstance(per_day, int) else DEFAULT_LEADS_PER_STAFF_PER_DAY
            )
            privacy = self._tree.get("privacy")
            days = privacy.get("retain_days") if isinstance(privacy, dict) else None
            self.retain.setValue(days if isinstance(days, int) else 0)
            reps = (self._tree.get("routing") or {}).get("reps") or []
            self.reps.setRowCount(0)
            for rep in reps:
                self._append_rep_row(rep if isinstance(rep, dict) else {})
        finally:
            self._filling = False
        self._name_zones()
        if self.question.count():
            self.question.setCurrentIndex(0)
            self._show_question(0)

    def _questions(self) -> list[dict[str, Any]]:
        questions = self._tree.get("questions")
        return [q for q in questions if isinstance(q, dict)] if isinstance(questions, list) else []

    def _question_chosen(self, index: int) -> None:
        if self._filling:
            return
        self._store_question()
        self._show_question(index)

    def _show_question(self, index: int) -> None:
        questions = self._questions()
        if not 0 <= index < len(questions):
            return
        self._filling = True
        try:
            self._current = index
            q = questions[index]
            self.required.setChecked(bool(q.get("required")))
            reader = Language.parse(current_language())
            # The document's own wording serves every language without its own (issue 21:
            # "Wording" over Persian text read as if it were the Persian column).
            # The other columns are named by their language alone ("ترکی استانبولی" was cut
            # off as "Wording (...)"): the box says they hold translations.
            headers = [self.tr("Option id"), self.tr("Default wording")] + [
                language_name(lang, reader) for lang in self._langs
            ]
            self.options.setColumnCount(len(headers))
            self.options.setHorizontalHeaderLabels(headers)
            self.options.setRowCount(0)
            self._append_option_row(self.tr(QUESTION_ROW), q, editable_id=False)
            for option in q.get("options") or []:
                if isinstance(option, dict):
                    self._append_option_row(_text(option.get("id")), option)
        finally:
            self._filling = False

    def _append_option_row(
        self, ident: str, node: dict[str, Any], editable_id: bool = True
    ) -> None:
        row = self.options.rowCount()
        self.options.insertRow(row)
        id_item = QTableWidgetItem(ident)
        if not editable_id:
            id_item.setFlags(id_item.flags() & ~id_item.flags().ItemIsEditable)
        self.options.setItem(row, 0, id_item)
        label = _text(node.get("label"))
        self.options.setItem(row, 1, _worded(label, _shown_wording(label)))
        translations = node.get("translations") or {}
        for col, lang in enumerate(self._langs, start=2):
            text = translations.get(lang) if isinstance(translations, dict) else None
            self.options.setItem(row, col, QTableWidgetItem(_text(text)))

    def _append_rep_row(self, rep: dict[str, Any]) -> None:
        row = self.reps.rowCount()
        self.reps.insertRow(row)
        for col, (key, _) in enumerate(REP_COLUMNS):
            value = _text(rep.get(key))
            if col == ZONE_COLUMN:
                item = QTableWidgetItem(zone_label(value.strip()) or value)
                item.setData(ZONE_ROLE, value.strip())
            elif col == NAME_COLUMN:
                item = _worded(value, shown_rep_name(value, current_language()))
            elif col == HOURS_COLUMN:
                item = _worded(value, working_hours(value))
            else:
                item = QTableWidgetItem(value)
            self.reps.setItem(row, col, item)

    # -- edits ------------------------------------------------------------------------------
    def _edited(self) -> None:
        if not self._filling:
            self.changed.emit()

    def _add_option(self) -> None:
        self._append_option_row("", {})
        self.options.setCurrentCell(self.options.rowCount() - 1, 0)
        self._edited()

    def _remove_option(self) -> None:
        row = self.options.currentRow()
        if row > 0:  # the question's own row stays
            self.options.removeRow(row)
            self._edited()

    def _add_rep(self) -> None:
        self._append_rep_row({"timezone": "UTC", "hours": "09:00-17:00"})
        self.reps.setCurrentCell(self.reps.rowCount() - 1, 0)
        self._edited()

    def _remove_rep(self) -> None:
        row = self.reps.currentRow()
        if row >= 0:
            self.reps.removeRow(row)
            self._edited()

    # -- tree out ---------------------------------------------------------------------------
    def _cell(self, table: QTableWidget, row: int, col: int) -> str:
        item = table.item(row, col)
        if item is None:
            return ""
        if table is self.reps and col == ZONE_COLUMN and item.data(ZONE_ROLE) is not None:
            return str(item.data(ZONE_ROLE)).strip()  # the id, not the place's name
        stored = item.data(STORED_ROLE)
        if stored and item.text().strip() == stored[1].strip():
            return str(stored[0]).strip()  # our wording, untouched: the document's own text
        if table is self.reps and col == HOURS_COLUMN:
            return typed_hours(item.text())  # "۱۰:۰۰–۱۸:۰۰" typed in Persian: 10:00-18:00
        return item.text().strip()

    def _wording(self, node: dict[str, Any], row: int) -> None:
        label = self._cell(self.options, row, 1)
        node["label"] = label
        translations = {
            lang: text
            for col, lang in enumerate(self._langs, start=2)
            if (text := self._cell(self.options, row, col))
        }
        # Languages the form does not show (not offered any more) are kept as written.
        old = node.get("translations") if isinstance(node.get("translations"), dict) else {}
        kept = {k: v for k, v in (old or {}).items() if k not in self._langs}
        if translations or kept:
            node["translations"] = {**kept, **translations}
        else:
            node.pop("translations", None)

    def _store_question(self) -> None:
        questions = self._questions()
        if not 0 <= self._current < len(questions):
            return
        q = questions[self._current]
        if self.required.isChecked():
            q["required"] = True
        else:
            q.pop("required", None)
        self._wording(q, 0)
        if self.options.rowCount() > 1 or q.get("options"):
            old = {_text(o.get("id")): o for o in q.get("options") or [] if isinstance(o, dict)}
            options = []
            for row in range(1, self.options.rowCount()):
                ident = self._cell(self.options, row, 0)
                node = dict(old.get(ident, {}))
                node["id"] = ident
                self._wording(node, row)
                options.append(node)
            q["options"] = options
        self.question.setItemText(self._current, _question_name(q))

    def tree(self) -> dict[str, Any]:
        """The document with the form's values written in."""
        self._store_question()
        tree = copy.deepcopy(self._tree)
        rating = tree.setdefault("rating", {})
        if isinstance(rating, dict):
            rating["warm"], rating["hot"] = self.warm.value(), self.hot.value()
        targets = tree.get("targets")
        if not isinstance(targets, dict):
            targets = tree["targets"] = {}
        targets["leads_per_staff_per_day"] = self.target.value()
        privacy = tree.get("privacy")
        if not isinstance(privacy, dict):
            privacy = tree["privacy"] = {}
        privacy["retain_days"] = self.retain.value() or None  # issue 18; None: keep
        routing = tree.setdefault("routing", {})
        if isinstance(routing, dict):
            old = {_text(r.get("id")): r for r in routing.get("reps") or [] if isinstance(r, dict)}
            reps = []
            for row in range(self.reps.rowCount()):
                ident = self._cell(self.reps, row, 0)
                rep = dict(old.get(ident, {}))  # out-of-office and limits stay
                for col, (key, _) in enumerate(REP_COLUMNS):
                    value = self._cell(self.reps, row, col)
                    if value:
                        rep[key] = value
                    else:
                        rep.pop(key, None)
                reps.append(rep)
            routing["reps"] = reps
        return tree
