"""Booth dashboard: big tiles readable from across the booth, refreshed every 30 seconds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from boothapp.services.dashboard import BoothStats, DashboardService, ResponseTime
from boothapp.ui.i18n import (
    ZoneLabel,
    date_time,
    day_text,
    event_time,
    local_digits,
    number,
    percent,
    upper,
    zone_note,
)
from boothapp.workers.tasks import TaskRunner

REFRESH_MS = 30_000
HOT, WARM, COLD = "#c62828", "#ef6c00", "#1565c0"


def ago(moment: datetime | None, now: datetime) -> str:
    """ "never", "just now", "5 min ago", "2 h ago", or the date for older syncs."""
    if moment is None:
        return QCoreApplication.translate("DashboardPage", "never")
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return QCoreApplication.translate("DashboardPage", "just now")
    if seconds < 3600:
        return QCoreApplication.translate("DashboardPage", "{0} min ago").format(seconds // 60)
    if seconds < 86_400:
        return QCoreApplication.translate("DashboardPage", "{0} h ago").format(seconds // 3600)
    return date_time(moment.astimezone())


def duration_text(delta: timedelta | None) -> str:
    """A response time as read across the booth: "4 min", "2 h 05 min", "3 d 4 h"."""
    if delta is None:
        return "–"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return QCoreApplication.translate("DashboardPage", "< 1 min")
    if minutes < 60:
        return QCoreApplication.translate("DashboardPage", "{0} min").format(minutes)
    if minutes < 48 * 60:  # up to the 48 h target, hours and minutes still matter
        return QCoreApplication.translate("DashboardPage", "{0} h {1:02d} min").format(
            minutes // 60, minutes % 60
        )
    return QCoreApplication.translate("DashboardPage", "{0} d {1} h").format(
        minutes // 1440, minutes // 60 % 24
    )


def response_detail(response: ResponseTime | None, target: str = "") -> str:
    """The lines under the median: the share inside the DOMAIN.md target (``target``, as
    ``DashboardPage.target_text`` words it), and who waits."""
    if response is None:
        return QCoreApplication.translate("DashboardPage", "capture → first contact · no leads yet")
    if not response.contacted:
        return QCoreApplication.translate(
            "DashboardPage", "capture → first contact · nobody contacted yet, {0:,} waiting"
        ).format(response.leads)
    waiting = (
        QCoreApplication.translate("DashboardPage", " · {0:,} waiting").format(response.waiting)
        if response.waiting
        else ""
    )
    return QCoreApplication.translate(
        "DashboardPage",
        "median, capture → first contact<br><b>{0}</b> within {1}<br>{2:,} of {3:,} contacted{4}",
    ).format(
        percent(response.within_target),
        target,
        response.contacted,
        response.leads,
        waiting,
    )


def response_staff_table(response: ResponseTime | None) -> str:
    """Median per owner (DOMAIN.md: measure it per staff member and show it)."""
    if response is None or not response.per_staff:
        return ""
    rows = "".join(
        _row(
            f"<td style='padding:3px 8px'>{_escape(s.name)}</td>",
            f"<td align='{_end()}' style='{_NOWRAP}'>"
            f"<b>{_escape(duration_text(s.median))}</b></td>",
            f"<td align='{_end()}' style='{_NOWRAP}'>{s.contacted}/{s.leads}</td>",
        )
        for s in response.per_staff
    )
    # The tile's width, not the text's: a long name wraps instead of cutting the figures.
    return f"<table width='100%' cellspacing='0'>{rows}</table>"


def _rtl() -> bool:
    return QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft


def _end() -> str:
    """Where figures align: the end of the reader's line."""
    return "left" if _rtl() else "right"


# A figure and its unit stay on one line ("13 ώρ. 36 λεπ."); the names wrap instead.
_NOWRAP = "white-space:nowrap; padding:3px 8px"


def _row(*cells: str) -> str:
    """One table row in reading order. Qt's rich-text tables never mirror their columns,
    so in Persian the first column (the name, the rank) is written last to stand on the
    right, where the reader starts (issue 21)."""
    return "<tr>" + "".join(reversed(cells) if _rtl() else cells) + "</tr>"


class Tile(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("Tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#Tile { background: #ffffff; border: 1px solid #d0d7de; border-radius: 10px; }"
        )
        self.title = QLabel(upper(title))
        self.title.setStyleSheet("color: #57606a; letter-spacing: 1px;")
        self.title.setWordWrap(True)  # "ΚΑΤΑΝΟΜΗ ΑΞΙΟΛΟΓΗΣΗΣ ΣΗΜΕΡΑ" must not widen the row
        self.value = QLabel("–")
        self.value.setWordWrap(True)  # "۹ ساعت و ۲۰ دقیقه" at 34 pt neither
        self.value.setObjectName("TileValue")
        font = self.value.font()
        font.setPointSizeF(34)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setStyleSheet("color: #57606a;")
        # Long details wrap instead of widening the row past a 1280 px screen.
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """As tall as its wrapped lines at this width. A word-wrapped label's minimum is one
        line, so a squeezed row (a short screen, the page in its scroll area) cut the last
        lines of a long detail, the Persian response tile's first (issue 21)."""
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.setMinimumHeight(layout.totalHeightForWidth(self.width()))


def hour_label(hour: int) -> str:
    """An hour under its bar: "08" in the reader's digits ("۰۸" in Persian)."""
    return number(hour).rjust(2, number(0))


class HourBars(QWidget):
    """Leads per hour of the booth day, as bars, drawn directly (no chart library)."""

    def __init__(self, first_hour: int = 8, last_hour: int = 19) -> None:
        super().__init__()
        self.setObjectName("HourBars")
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._counts: tuple[int, ...] = (0,) * 24
        self._first, self._last = first_hour, last_hour
        self._now_hour: int | None = None

    def set_counts(self, counts: tuple[int, ...], now_hour: int | None = None) -> None:
        self._counts = counts
        busy = [h for h, n in enumerate(counts) if n]
        # Show the usual booth hours, widened to any hour that had leads.
        self._first = min([8, *busy])
        self._last = max([18, *busy])
        self._now_hour = now_hour
        self.update()

    def visible_hours(self) -> range:
        return range(self._first, self._last + 1)

    def bar_left(self, hour: int) -> float:
        """Where an hour's bar starts: the day runs the way the reader reads, so right to
        left in Persian (QPainter does not mirror by itself)."""
        hours = self.visible_hours()
        slot = (self.width() - 16) / len(hours)
        i = hour - hours.start
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            i = len(hours) - 1 - i
        return 8 + i * slot + slot * 0.15

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()  # always ended inside the paint event (issue 23)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        hours = self.visible_hours()
        label_h = self.fontMetrics().height() + 6
        top = label_h
        area = QRectF(8, top, self.width() - 16, self.height() - top - label_h)
        peak = max([self._counts[h] for h in hours] + [1])
        slot = area.width() / len(hours)
        bar_w = slot * 0.7
        for hour in hours:
            n = self._counts[hour]
            x = self.bar_left(hour)
            h = area.height() * n / peak
            colour = QColor("#1f4fbf") if hour == self._now_hour else QColor("#7ea6f4")
            p.fillRect(QRectF(x, area.bottom() - h, bar_w, h), colour)
            p.setPen(QColor("#24292f"))
            if n:
                p.drawText(
                    QRectF(x - 10, area.bottom() - h - label_h, bar_w + 20, label_h),
                    Qt.AlignmentFlag.AlignCenter,
                    number(n),
                )
            p.setPen(QColor("#57606a"))
            p.drawText(
                QRectF(x - 10, area.bottom() + 2, bar_w + 20, label_h),
                Qt.AlignmentFlag.AlignCenter,
                hour_label(hour),
            )
        p.setPen(QColor("#d0d7de"))
        p.drawLine(area.bottomLeft(), area.bottomRight())


class DashboardPage(QWidget):
    refreshed = Signal(object)  # BoothStats, after each refresh

    def __init__(
        self,
        dashboard: DashboardService,
        runner: TaskRunner,
        event_id: str,
        tz: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        auto_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("DashboardPage")
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 13.0))
        self.setFont(font)
        self.setStyleSheet("#DashboardPage { background: #f6f8fa; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._dashboard, self._runner = dashboard, runner
        self._event_id, self._tz, self._clock = event_id, tz, clock
        self.stats: BoothStats | None = None

        self.today_tile = Tile(self.tr("Leads today"))
        self.mix_tile = Tile(self.tr("Rating mix today"))
        self.sync_tile = Tile(self.tr("Last sync"))
        self.funnel_tile = Tile(self.tr("Qualified for sales"))
        # DOMAIN.md: speed decides the sale; show capture -> first contact to the booth.
        # It sits in the lower row, where there is room for the per-owner medians too (a fifth
        # tile in the top row would make the page wider than a 1280 px screen).
        self.response_tile = Tile(self.tr("Response time"))
        self.response_tile.value.setTextFormat(Qt.TextFormat.PlainText)  # "< 1 min" is no tag
        self.response_staff = QLabel("")
        self.response_staff.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.response_staff.setObjectName("ResponsePerStaff")
        self.response_staff.setWordWrap(True)  # the tile's width: long names wrap, never cut
        self.response_staff.setTextFormat(Qt.TextFormat.RichText)
        tile_layout = self.response_tile.layout()
        assert isinstance(tile_layout, QVBoxLayout)
        tile_layout.insertWidget(3, self.response_staff)
        self.hours = HourBars()
        hours_box = _panel(self.tr("Leads per hour"), self.hours)
        self._hours_box = hours_box
        self.staff_box = QWidget()
        self.staff_layout = QGridLayout(self.staff_box)
        self.staff_layout.setHorizontalSpacing(14)
        self.board = QLabel("")
        # Never wider than its panel (a 1280 px screen in a longer language): the table
        # wraps its cells inside the label's width instead (issue 21).
        self.board.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.board.setObjectName("Leaderboard")
        self.board.setWordWrap(True)
        self.board.setTextFormat(Qt.TextFormat.RichText)
        self.board.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        tiles = QHBoxLayout()
        tiles.setSpacing(16)
        for tile in (self.today_tile, self.mix_tile, self.funnel_tile, self.sync_tile):
            tiles.addWidget(tile, 1)
        lower = QHBoxLayout()
        lower.setSpacing(16)
        self._target_box = _panel(self.tr("Today against target"), self.staff_box)
        self._board_box = _panel(self.tr("Leaderboard (whole show)"), self.board)
        # The response tile has three columns per owner (name, median, contacted): the
        # widest share, so Greek and Persian medians fit on one line (issue 21).
        lower.addWidget(self._target_box, 2)
        lower.addWidget(self.response_tile, 3)
        lower.addWidget(self._board_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(16)
        self.zone_label = ZoneLabel(tz)
        self.zone_label.setObjectName("DashboardZone")
        self.zone_label.setProperty("role", "muted")
        layout.addWidget(self.zone_label)
        layout.addLayout(tiles)
        layout.addWidget(hours_box, 1)
        layout.addLayout(lower, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        if auto_refresh:
            self._timer.start()

    def _tick(self) -> None:
        # Off screen nobody reads it: at 50k leads a refresh reads every lead (response
        # times) on a pool thread while staff scan on another page (issue 23). Showing the
        # page refreshes it (the window does on page change).
        if self.isVisible():
            self.refresh()

    def today(self) -> date:
        return self._clock().astimezone(ZoneInfo(self._tz)).date()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """Tile and panel titles in the language just applied; the figures on the next
        refresh (issue 21)."""
        for tile, title in (
            (self.today_tile, self.tr("Leads today")),
            (self.mix_tile, self.tr("Rating mix today")),
            (self.sync_tile, self.tr("Last sync")),
            (self.funnel_tile, self.tr("Qualified for sales")),
            (self.response_tile, self.tr("Response time")),
        ):
            tile.title.setText(upper(title))
        for box, title in (
            (self._hours_box, self.tr("Leads per hour")),
            (self._target_box, self.tr("Today against target")),
            (self._board_box, self.tr("Leaderboard (whole show)")),
        ):
            heading = box.findChild(QLabel, "PanelTitle")
            if heading is not None:
                heading.setText(upper(title))
        if self.stats is not None:
            self.refresh()

    def refresh(self) -> None:
        dashboard, event_id, tz, day = self._dashboard, self._event_id, self._tz, self.today()
        self._runner.run(
            lambda: dashboard.booth_stats(event_id, day, tz),
            on_done=self.show_stats,
            on_error=lambda exc: self.sync_tile.detail.setText(
                self.tr("Could not refresh: {0}").format(exc)
            ),
            big=True,
        )

    def show_stats(self, stats: BoothStats) -> None:
        self._show_stats(stats)
        # Figures in the reader's digits (Persian in Persian), names and colours untouched.
        tiles = (self.today_tile, self.mix_tile, self.funnel_tile, self.sync_tile,
                 self.response_tile)  # fmt: skip
        labels = [*(t.value for t in tiles), *(t.detail for t in tiles), self.response_staff,
                  self.board, *self.staff_box.findChildren(QLabel)]  # fmt: skip
        for label in labels:
            label.setText(local_digits(label.text()))
        for bar in self.staff_box.findChildren(QProgressBar):
            bar.setFormat(local_digits(bar.format()))

    def _show_stats(self, stats: BoothStats) -> None:
        self.stats = stats
        now = self._clock()
        staff_count = max(len(stats.per_staff), 1)
        booth_target = stats.target_per_staff * staff_count
        self.today_tile.value.setText(self.tr("{0:,}").format(stats.leads_today))
        last = event_time(stats.last_capture, stats.timezone)
        self.today_tile.detail.setText(
            self.tr("target {0:,} · {1} hot · {2}").format(
                booth_target, stats.rating_mix.hot, day_text(stats.day)
            )
            + (self.tr("\nlast lead {0}").format(last) if last else "")
        )
        self.zone_label.setText(zone_note(stats.timezone))
        mix = stats.rating_mix
        self.mix_tile.value.setText(
            self.tr(
                "<span style='color:{0}'>{1}</span> · <span style='color:{2}'>{3}</span> · "
                "<span style='color:{4}'>{5}</span>"
            ).format(HOT, mix.hot, WARM, mix.warm, COLD, mix.cold)
        )
        self.mix_tile.value.setTextFormat(Qt.TextFormat.RichText)
        self.mix_tile.detail.setText(
            self.tr(
                "<span style='color:{0}'>hot</span> · <span style='color:{1}'>warm</span> · "
                "<span style='color:{2}'>cold</span>{3}"
            ).format(HOT, WARM, COLD, _share(mix.hot, mix.total))
        )
        self.funnel_tile.value.setText(self.tr("{0:,}").format(stats.qualified))
        total = stats.qualified + stats.nurture
        share = f" · {percent(stats.qualified / total)}" if total else ""
        self.funnel_tile.detail.setText(
            self.tr("SQL to sales{0} · {1:,} MQL to nurture").format(share, stats.nurture)
        )
        self.response_tile.value.setText(
            duration_text(stats.response.median if stats.response else None)
        )
        target = self.target_text(stats.response.target) if stats.response else ""
        self.response_tile.detail.setText(response_detail(stats.response, target))
        self.response_staff.setText(response_staff_table(stats.response))
        self.sync_tile.value.setText(ago(stats.last_sync, now))
        self.sync_tile.detail.setText(
            event_time(stats.last_sync, stats.timezone)
            if stats.last_sync
            else self.tr("nothing sent to the CRM yet")
        )
        now_local = now.astimezone(ZoneInfo(stats.timezone))
        self.hours.set_counts(
            stats.per_hour, now_local.hour if now_local.date() == stats.day else None
        )
        self._fill_staff(stats)
        leads_word, hot_word = self.tr("<b>{0}</b> leads"), self.tr("{0} hot")
        rows = "".join(
            _row(
                f"<td style='padding:4px 6px'><b>{e.rank}.</b></td>",
                f"<td style='padding:4px 8px'>{_escape(e.name)}</td>",
                # Leads over hot in one cell: the panel is a third of a 1280 px screen.
                f"<td align='{_end()}' style='{_NOWRAP}'>{leads_word.format(e.leads)}<br>"
                f"<span style='color:{HOT}'>{hot_word.format(e.hot)}</span></td>",
            )
            for e in stats.leaderboard[:8]
        )
        self.board.setText(
            self.tr("<table>{0}</table>")
            .format(rows)
            .replace("<table>", "<table width='100%' cellspacing='0'>")
            if rows
            else self.tr("No leads yet")
        )
        self.refreshed.emit(stats)

    def target_text(self, target: timedelta) -> str:
        """The response target as the reader says it: "48 h", "48 saat", "48 ωρών",
        "۴۸ ساعت". The figure is the service's (one domain fact); the unit and its plural
        are the catalogue's, the digits the reader's (``show_stats``)."""
        hours = round(target.total_seconds() / 3600)
        return self.tr("%n h", "", hours)

    def _fill_staff(self, stats: BoothStats) -> None:
        while self.staff_layout.count():
            item = self.staff_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for row, person in enumerate(stats.per_staff):
            name = QLabel(person.name)
            bar = QProgressBar()
            bar.setObjectName("StaffProgress")
            bar.setRange(0, person.target)
            bar.setValue(min(person.leads, person.target))
            bar.setFormat(self.tr("{0} / {1}").format(person.leads, person.target))
            bar.setMinimumHeight(30)
            bar.setTextVisible(True)
            done = person.leads >= person.target
            bar.setStyleSheet(
                "QProgressBar { border: 1px solid #d0d7de; border-radius: 6px; background: #eef1f4;"
                " text-align: center; }"
                f"QProgressBar::chunk {{ background: {'#2e7d32' if done else '#5b8def'};"
                " border-radius: 6px; }"
            )
            hot = QLabel(self.tr("{0} hot").format(person.hot))
            hot.setStyleSheet(f"color: {HOT};")
            self.staff_layout.addWidget(name, row, 0)
            self.staff_layout.addWidget(bar, row, 1)
            self.staff_layout.addWidget(hot, row, 2)
        self.staff_layout.setColumnStretch(1, 1)
        self.staff_layout.setRowStretch(len(stats.per_staff), 1)

    def staff_bars(self) -> dict[str, QProgressBar]:
        """Progress bar per staff name (for tests and accessibility tools)."""
        bars: dict[str, QProgressBar] = {}
        for row in range(self.staff_layout.rowCount()):
            name_item = self.staff_layout.itemAtPosition(row, 0)
            bar_item = self.staff_layout.itemAtPosition(row, 1)
            name = name_item.widget() if name_item is not None else None
            bar = bar_item.widget() if bar_item is not None else None
            if isinstance(name, QLabel) and isinstance(bar, QProgressBar):
                bars[name.text()] = bar
        return bars


def _share(part: int, total: int) -> str:
    return (
        QCoreApplication.translate("DashboardPage", " · {0} hot").format(percent(part / total))
        if total
        else ""
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _panel(title: str, content: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName("Panel")
    frame.setStyleSheet(
        "#Panel { background: #ffffff; border: 1px solid #d0d7de; border-radius: 10px; }"
    )
    heading = QLabel(upper(title))
    heading.setObjectName("PanelTitle")
    heading.setStyleSheet("color: #57606a; letter-spacing: 1px;")
    heading.setWordWrap(True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.addWidget(heading)
    layout.addWidget(content, 1)
    bold = QFont(heading.font())
    heading.setFont(bold)
    return frame
