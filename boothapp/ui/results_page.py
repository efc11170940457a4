"""Results page (issue 22, managers): was the show worth it. The same figures as ``boothapp
roi``: headline, funnel, money per currency and cost per stage, speed-to-lead with 95 %
intervals and what they do not show, first-touch timing, funnel by rating and by rep, and
where leads sit. Computed off the GUI thread through the task runner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.rep_names import shown_rep_name
from boothapp.core.i18n import label
from boothapp.core.models import Event, Rating, Staff, StaffRole
from boothapp.core.results.funnel import Funnel, Step
from boothapp.core.results.report import ShowResults
from boothapp.core.results.timing import WEEKDAYS
from boothapp.reports.roi_format import amount, count, headline, pct, speed_row
from boothapp.services.deals import DealPullSummary, DealService
from boothapp.services.results import ResultsService
from boothapp.ui.i18n import current_language, date_time, locale_for, number
from boothapp.ui.results_charts import FunnelBars, SpeedBars
from boothapp.workers.tasks import TaskRunner

MANAGERS_ONLY = (
    "The Results page is for managers: sign in as a manager (Ctrl+L) to see pipeline, "
    "revenue and speed-to-lead."
)


class _FitTable(QTableWidget):
    """Columns share the width in proportion to what their heading and figures need, so a
    longer language's headings are read whole where the page has room (Greek, issue 21)."""

    _needed: list[int]

    def fit_columns(self) -> None:
        head = self.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._needed = [head.sectionSize(c) for c in range(self.columnCount())]
        head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._share()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share()

    def _share(self) -> None:
        needed = getattr(self, "_needed", [])
        total, room = sum(needed), self.viewport().width()
        if not total or room <= 0:
            return
        head, used = self.horizontalHeader(), 0
        for c, n in enumerate(needed):
            size = room - used if c == len(needed) - 1 else int(n * room / total)
            head.resizeSection(c, size)
            used += size


def table(header: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> QTableWidget:
    t = _FitTable(len(rows), len(header))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(list(header))
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            t.setItem(r, c, item)
    t.fit_columns()
    t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    height = t.horizontalHeader().height() + sum(t.rowHeight(r) for r in range(len(rows))) + 4
    t.setFixedHeight(height)
    return t


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet("margin-top: 10px;")  # palette text: readable in both themes
    return label


def _row_name(key: str) -> str:
    """A funnel's key as read: a rating's name, a rep's name, or nobody."""
    if not key:
        return QCoreApplication.translate("ResultsPage", "(nobody)")
    try:
        return label(Rating(key))
    except ValueError:
        return shown_rep_name(key)  # the default rep in the reader's words (issue 21)


def _weekday(english: str) -> str:
    """ "Tue" (core.results.timing) as the reader's language abbreviates it."""
    if english not in WEEKDAYS:
        return english
    loc = locale_for(current_language())
    return loc.dayName(WEEKDAYS.index(english) + 1, QLocale.FormatType.ShortFormat)


def _days(value: float | None) -> str:
    return "–" if value is None else number(value, decimals=1)


def _funnel_rows(funnels: Sequence[Funnel]) -> list[list[str]]:
    return [
        [_row_name(f.key)]
        + [count(s.count) + ("" if s.rate is None else f" ({pct(s.rate)})") for s in f.steps]
        for f in funnels
    ]


Rows = Sequence[Sequence[str]]


@dataclass(frozen=True, slots=True)
class ResultsRows:
    """Every table's figures as the reader reads them: worded in the pool thread with the
    figures themselves (number formats and the catalogues are thread-safe), so the GUI
    thread only places them. Worded on the GUI thread, a 50k event's page held it 25-48 ms
    (bench/ui_tour.py, issue 23)."""

    headline: Rows
    compare: Rows  # empty unless an earlier event is chosen
    money: Rows
    speed: Rows
    by_rating: Rows
    by_rep: Rows
    steps: tuple[str, ...]
    timing: Rows
    stages: Rows


_Found = tuple[ShowResults, ShowResults | None, list[tuple[str, str]], ResultsRows]


def results_rows(r: ShowResults, earlier: ShowResults | None) -> ResultsRows:
    compare: Rows = []
    if earlier is not None:
        now, before = dict(headline(r)), dict(headline(earlier))
        labels = list(now) + [k for k in before if k not in now]
        compare = [(k, now.get(k, "–"), before.get(k, "–")) for k in labels]
    return ResultsRows(
        headline=headline(r),
        compare=compare,
        money=[
            (
                t.currency,
                amount(t.pipeline, t.currency),
                amount(t.won, t.currency),
                amount(t.open, t.currency),
                amount(t.lost, t.currency),
                f"{t.won_deals}/{t.open_deals}/{t.lost_deals}",
            )
            for t in r.money.totals
        ],
        speed=[speed_row(b) for b in r.speed.buckets],
        by_rating=_funnel_rows(r.by_rating),
        by_rep=_funnel_rows(r.by_rep),
        steps=tuple(label(s.step) for s in r.funnel.steps[1:]),
        timing=[
            (_weekday(d.label), count(d.touched), count(d.answered), pct(d.rate))
            for d in r.timing.by_weekday
        ],
        stages=[
            (label(d.stage), count(d.leads), _days(d.median_days), _days(d.longest_days))
            for d in r.stages
        ],
    )


class ResultsPage(QWidget):
    shown = Signal(object)  # ShowResults, after each refresh drew them

    def __init__(
        self,
        results: ResultsService,
        runner: TaskRunner,
        event: Event,
        deals: DealService | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("ResultsPage")
        self._results, self._runner, self._event = results, runner, event
        self._deals = deals
        self._pull_note = ""  # what the last deal pull said, kept under the next figures
        self._staff: Staff | None = None
        self.data: ShowResults | None = None
        self.earlier: ShowResults | None = None
        self.title = QLabel(self.tr("Results: {0}").format(event.name))
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)  # an event's name has any length (issue 21)
        self.status = QLabel(MANAGERS_ONLY)
        self.status.setObjectName("ResultsStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("ResultsRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        # Deals come back with "boothapp sync pull"; here too, paced, off the GUI thread.
        self.pull_button = QPushButton(self.tr("Pull deals from CRM"))
        self.pull_button.setObjectName("ResultsPullDeals")
        self.pull_button.clicked.connect(self.pull_deals)
        self.pull_button.setVisible(deals is not None)
        # Earlier events side by side (issue 22): the same headline figures, one column each.
        self.compare = QComboBox()
        self.compare.setObjectName("ResultsCompare")
        self.compare.addItem(self.tr("Compare with… (none)"), "")
        self.compare.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.compare)
        top.addWidget(self.pull_button)
        top.addWidget(self.refresh_button)
        self.body = QWidget()
        self.body.setObjectName("ResultsBody")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 12, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.funnel_bars = FunnelBars()
        self.speed_bars = SpeedBars()
        self.speed_summary = QLabel()
        self.speed_summary.setObjectName("SpeedSummary")
        self.speed_summary.setWordWrap(True)
        self.body.setVisible(False)
        self.refresh_button.setEnabled(False)
        self.pull_button.setEnabled(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.refresh_button.setText(self.tr("Refresh"))
        self.pull_button.setText(self.tr("Pull deals from CRM"))
        self.title.setText(self.tr("Results: {0}").format(self._event.name))
        if self.data is not None and self.allowed:
            self.refresh()  # the tables are worded when built

    @property
    def allowed(self) -> bool:
        return self._staff is not None and self._staff.role is StaffRole.MANAGER

    def set_staff(self, staff: Staff | None) -> None:
        self._staff = staff
        self.refresh_button.setEnabled(self.allowed)
        self.pull_button.setEnabled(self.allowed)
        if not self.allowed:
            self.data = None
            self.body.setVisible(False)
            self.status.setText(MANAGERS_ONLY)
        elif self.isVisible():
            self.refresh()
        elif self.data is None:
            self.status.setText(
                self.tr("Open this page (F8) or press Refresh to work out the results.")
            )

    def refresh(self) -> None:
        if not self.allowed:
            return
        self.status.setText(self.tr("Working out the results…"))
        self.refresh_button.setEnabled(False)
        event_id, other = self._event.id, str(self.compare.currentData() or "")
        results = self._results

        def work() -> _Found:
            earlier = results.compute(other) if other else None
            data = results.compute(event_id)
            return data, earlier, results.other_events(event_id), results_rows(data, earlier)

        self._runner.run(work, on_done=self._show, on_error=self._failed, big=True)

    def pull_deals(self) -> None:
        if not self.allowed or self._deals is None:
            return
        deals, event = self._deals, self._event
        self.pull_button.setEnabled(False)
        self.status.setText(self.tr("Reading deals back from the CRM…"))
        self._runner.run(
            lambda: deals.pull(event.id, event.name),
            on_done=self._pulled,
            on_error=self._failed,
        )

    def _pulled(self, summary: DealPullSummary) -> None:
        self.pull_button.setEnabled(self.allowed)
        self._pull_note = summary.message
        self.status.setText(summary.message)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.pull_button.setEnabled(self.allowed)
        self.refresh_button.setEnabled(self.allowed)
        self.status.setText(self.tr("Results not available: {0}").format(exc))

    def _show(self, found: _Found) -> None:
        data, earlier, others, rows = found
        self.refresh_button.setEnabled(self.allowed)
        if not self.allowed:  # signed out while it was computed
            return
        self._offer(others)
        self.data, self.earlier = data, earlier
        when = date_time(data.computed_at.astimezone())
        self.status.setText(
            self.tr(
                "From {0} leads, their follow-ups and the deals pulled back from the CRM · "
                "as of {1}"
            ).format(count(data.funnel.count(Step.LEADS)), when)
            + (f"\n{self._pull_note}" if self._pull_note else "")
        )
        self._rebuild(data, rows, earlier)
        self.body.setVisible(True)
        self.shown.emit(data)

    def _offer(self, others: list[tuple[str, str]]) -> None:
        """The events to compare with, keeping the one chosen (no refresh while filling)."""
        chosen = self.compare.currentData()
        self.compare.blockSignals(True)
        self.compare.clear()
        self.compare.addItem(self.tr("Compare with… (none)"), "")
        for event_id, name in others:
            self.compare.addItem(self.tr("Compare with {0}").format(name), event_id)
        index = self.compare.findData(chosen)
        self.compare.setCurrentIndex(max(index, 0))
        self.compare.blockSignals(False)

    def _rebuild(
        self, r: ShowResults, rows: ResultsRows, earlier: ShowResults | None = None
    ) -> None:
        lay = self.body_layout
        while lay.count():
            item = lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None and w not in (self.funnel_bars, self.speed_bars, self.speed_summary):
                w.deleteLater()
        lay.addWidget(_heading(self.tr("Headline")))
        lay.addWidget(table((self.tr("Figure"), self.tr("Value")), rows.headline, "HeadlineTable"))
        if earlier is not None:
            lay.addWidget(_heading(self.tr("Side by side with {0}").format(earlier.event_name)))
            lay.addWidget(table(
                (self.tr("Figure"), r.event_name, earlier.event_name), rows.compare,
                "CompareTable",
            ))  # fmt: skip
        lay.addWidget(_heading(self.tr("Funnel")))
        self.funnel_bars.set_funnel(r.funnel)
        lay.addWidget(self.funnel_bars)
        lay.addWidget(_heading(self.tr("Money")))
        if rows.money:
            lay.addWidget(
                table(
                    (
                        self.tr("Currency"),
                        self.tr("Pipeline"),
                        self.tr("Won"),
                        self.tr("Open"),
                        self.tr("Lost"),
                        self.tr("Won/open/lost"),
                    ),
                    rows.money,
                    "MoneyTable",
                )
            )
        else:
            lay.addWidget(QLabel(self.tr("No deals yet: “Pull deals from CRM” brings them back.")))
        lay.addWidget(_heading(self.tr("Speed to lead")))
        self.speed_bars.set_buckets(r.speed.buckets)
        lay.addWidget(self.speed_bars)
        lay.addWidget(
            table(
                (
                    self.tr("First contact"),
                    self.tr("Leads"),
                    self.tr("Meeting"),
                    self.tr("95 % interval"),
                    self.tr("Won"),
                    self.tr("95 % interval"),
                ),
                rows.speed,
                "SpeedTable",
            )
        )
        self.speed_summary.setText(r.speed.summary)
        lay.addWidget(self.speed_summary)
        steps = rows.steps
        lay.addWidget(_heading(self.tr("Did 'hot' predict won? By rating")))
        lay.addWidget(table((self.tr("Rating"), *steps), rows.by_rating, "RatingTable"))
        lay.addWidget(_heading(self.tr("By rep")))
        lay.addWidget(table((self.tr("Rep"), *steps), rows.by_rep, "RepTable"))
        grid = QGridLayout()
        grid.addWidget(_heading(self.tr("First touch that got an answer")), 0, 0)
        grid.addWidget(table(
            (self.tr("Weekday"), self.tr("First touches"), self.tr("Answered"), self.tr("Rate")),
            rows.timing,
            "TimingTable",
        ), 1, 0)  # fmt: skip
        # One under the other: side by side, a longer language's headings did not fit.
        grid.addWidget(_heading(self.tr("Where leads sit now")), 2, 0)
        grid.addWidget(table(
            (self.tr("Stage"), self.tr("Leads"), self.tr("Median days"), self.tr("Longest")),
            rows.stages,
            "StageTable",
        ), 3, 0)  # fmt: skip
        holder = QWidget()
        holder.setLayout(grid)
        lay.addWidget(holder)
        lay.addStretch(1)
