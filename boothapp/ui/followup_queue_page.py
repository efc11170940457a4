"""The sales queue: today's and overdue follow-ups per owner, with the message ready.

One click sends an email touch or logs a call outcome; the service then schedules the next
action (the 5-attempt rule included) and the page shows it, so nobody has to remember to call
back. Every service call goes through the TaskRunner. The bar at the bottom saves the
chosen owner's calendar and prints the letters due (followup_outputs_bar.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.clock import as_utc, zone_of
from boothapp.core.followups.attempts import Outcome
from boothapp.core.followups.reasons import shown
from boothapp.core.messages.render import RenderedMessage
from boothapp.core.models import Channel, Event
from boothapp.services.followup_mail import SentFolderAccess, send_due_checked
from boothapp.services.followup_types import (
    MailPreview,
    OutcomeResult,
    QueueItem,
    SendReport,
    Touch,
    TouchState,
)
from boothapp.services.followups import FollowUpService
from boothapp.sync.mail import SmtpSettings
from boothapp.ui.followup_outputs_bar import ChoosePath, FollowUpOutputsBar, OpenUrl
from boothapp.ui.i18n import (
    CHANNEL_NAMES,
    CHANNEL_WORDS,
    OUTCOME_NAMES,
    QT_TRANSLATE_NOOP,
    Translated,
    current_language,
    date_time,
    event_time,
    language_name,
    locale_for,
    number,
    outcome_name,
    zone_name,
    zone_note,
    zones_named,
)
from boothapp.workers.tasks import TaskRunner

# Queue rows added per turn of the event loop: 100 rows are ~7 ms of the GUI thread, so a
# busy box (the run queue triples it) still leaves the GUI under 50 ms (issue 23).
FILL_CHUNK = 100
LAYOUT_BATCH = 50  # rows the queue lays out per turn of the event loop
translate = QCoreApplication.translate
OUTCOME_LABELS: tuple[Outcome, ...] = tuple(OUTCOME_NAMES)
CHANNEL_LABELS = CHANNEL_NAMES


def due_text(touch: Touch, event_zone: str = "") -> str:
    """'Wed 25 Nov 10:05 Asia/Tokyo': the lead's own clock, where the rule was applied.
    With ``event_zone`` (issue 15): the event's clock like every other screen, the visitor's
    own beside it where it differs: 'Wed 25 Nov 04:05 (10:05 in Asia/Tokyo)'."""
    if event_zone:
        return _with_visitor_time(touch, event_zone)
    local = touch.due_utc.astimezone(ZoneInfo(touch.tz))
    return f"{date_time(local)} {touch.tz}"


@lru_cache(maxsize=2048)
def _clock_text(lang: str, hour: int, minute: int) -> str:
    """'10:05' in the reader's digits, built once per language and minute: formatting per
    queue row was a third of the fill's time at a big event (issue 23)."""
    return locale_for(lang).toString(QTime(hour, minute), "HH:mm")


def _with_visitor_time(touch: Touch, event_zone: str) -> str:
    """core.clock.with_visitor_time in the reader's language and digits (QLocale)."""
    shown_ = event_time(touch.due_utc, event_zone)
    if not touch.tz or touch.tz == event_zone:
        return shown_
    mine = as_utc(touch.due_utc).astimezone(zone_of(event_zone))
    theirs = as_utc(touch.due_utc).astimezone(zone_of(touch.tz))
    if mine.utcoffset() == theirs.utcoffset():
        return shown_
    if theirs.date() != mine.date():
        clock = date_time(theirs)
    else:
        clock = _clock_text(current_language(), theirs.hour, theirs.minute)
    return translate("FollowUps", "{0} ({1} in {2})").format(shown_, clock, zone_name(touch.tz))


def item_text(item: QueueItem, event_zone: str = "") -> str:
    flag = (
        translate("FollowUps", "CHECK SENT FOLDER · ")
        if item.touch.state is TouchState.REVIEW
        else ""
    )
    flag += translate("FollowUps", "OVERDUE · ") if item.overdue else ""
    who = item.lead_name + (f" ({item.company})" if item.company else "")
    # The language the message is in, after the event's fallback chain (issue 16).
    # Named in the reader's words ("آلمانی"), not by its code (issue 21).
    lang = f" · {language_name(item.touch.language)}" if item.touch.language else ""
    due = due_text(item.touch, event_zone)
    return QCoreApplication.translate("FollowupQueuePage", "{0}{1} · {2} · {3}{4}").format(
        flag, CHANNEL_LABELS[item.touch.channel], who, due, lang
    )


# The mail's header names as staff read them; the values stay exactly what is sent.
HEADER_NAMES = Translated(
    "MailHeaders",
    {
        "From": QT_TRANSLATE_NOOP("MailHeaders", "From"),
        "To": QT_TRANSLATE_NOOP("MailHeaders", "To"),
        "Subject": QT_TRANSLATE_NOOP("MailHeaders", "Subject"),
    },
)


def preview_html(p: MailPreview) -> str:
    """The exact mail: its headers, then the HTML part as the lead will see it."""
    rows = "".join(
        f"<tr><td><b>{escape(HEADER_NAMES.get(name, name))}</b></td><td>{escape(value)}</td></tr>"
        for name, value in (*p.headers, (translate("FollowUps", "Language"), p.language))
    )
    warn = "".join(f"<p style='color:#a00'>{escape(w)}</p>" for w in p.problems)
    return f"<table>{rows}</table>{warn}<hr>{p.html}"


def next_action_text(result: OutcomeResult, event_zone: str = "") -> str:
    if result.next_touch is None:
        return translate("FollowUps", "No further touches: {0}").format(shown(result.reason))
    nxt = result.next_touch
    due = due_text(nxt, event_zone)
    return translate("FollowUps", "Next: {0} {1} · {2}").format(
        CHANNEL_WORDS[nxt.channel], due, shown(result.reason)
    )


AskPassword = Callable[[QWidget, str], str | None]


def ask_mail_password(parent: QWidget, user: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent, QCoreApplication.translate("FollowupQueuePage", "Mail password"),
        QCoreApplication.translate("FollowupQueuePage", "Password for {0}\n(kept in the system "
                                                        "keyring, asked once):").format(user),
        QLineEdit.EchoMode.Password,
    )  # fmt: skip
    return text if ok and text else None


class FollowUpQueuePage(QWidget):
    touch_done = Signal(str)  # touch id, after an outcome or a send is stored
    password_entered = Signal(str)  # the mail password typed for a send: the owner stores it

    def __init__(
        self,
        service: FollowUpService,
        runner: TaskRunner,
        event: Event,
        *,
        smtp: SmtpSettings | None = None,
        password: str | None = None,
        staff_id: str = "",
        today: Callable[[], date] | None = None,
        now: Callable[[], datetime] | None = None,
        choose_path: ChoosePath | None = None,
        open_url: OpenUrl | None = None,
        ask_password: AskPassword = ask_mail_password,
        load: bool = True,
    ) -> None:
        """``load=False`` leaves the queue unread until the first ``refresh()``: the desktop
        window refreshes the page when it is shown. Read at start, a big event's queue (5,000
        due touches at 50k leads) was 3-7 s of Python beside the scanning GUI thread and a
        full garbage collection in every session, for a page nobody had opened (issue 23)."""
        super().__init__()
        self.setObjectName("FollowUpQueuePage")
        self._load_wanted = load
        self._service, self._runner, self._event = service, runner, event
        self._smtp, self._password, self._staff_id = smtp, password, staff_id
        self._sent_folder: SentFolderAccess | None = None
        self._ask_password = ask_password
        self._today = today or (lambda: datetime.now(ZoneInfo(event.timezone)).date())
        self._now = now or (lambda: datetime.now(UTC))  # decides the sending window
        self._items: list[QueueItem] = []
        self._zones: list[ZoneInfo] = []  # the listed visitors' zones, kept loaded
        self._rows: list[tuple[str, str]] = []  # each listed touch's text and tooltip
        self._fill_generation = 0  # bumped by each load; an older fill stops
        self._select_after_fill: str | None = None

        self.owner = QComboBox()
        self.owner.setMinimumHeight(40)
        # As wide as the row gives, not as the longest rep's name: the Greek demo's
        # "Υπεύθυνος περιπτέρου" pushed the window to 1310 px on a 1280 px screen (issue 21).
        self.owner.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner.setMinimumContentsLength(10)
        self.owner.addItem(self.tr("Everyone"), None)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setMinimumHeight(40)
        self.count = QLabel("")
        self.count.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("FollowUpQueue")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        # Wrapped rows are measured one by one: hundreds of due touches laid out in one go
        # held the GUI thread 27-76 ms a refresh at a 50k event; in batches, 10-36 ms
        # (bench/ui_tour.py, issue 23).
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(LAYOUT_BATCH)
        self.subject = QLabel("")
        self.subject.setWordWrap(True)
        font = self.subject.font()
        font.setBold(True)
        self.subject.setFont(font)
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.contact = QLabel("")
        self.contact.setWordWrap(True)  # a long e-mail in a longer language: wrap, not widen
        self.contact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.send_button = QPushButton(self.tr("Send email"))
        self.send_button.setMinimumHeight(40)
        self.outcome_buttons: dict[Outcome, QPushButton] = {}
        # Three a row: six outcomes side by side made the page wider than a 1280 px screen.
        outcomes = QGridLayout()
        for i, outcome in enumerate(OUTCOME_LABELS):
            button = QPushButton(OUTCOME_NAMES[outcome])
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _=False, o=outcome: self.log_outcome(o))
            self.outcome_buttons[outcome] = button
            outcomes.addWidget(button, i // 3, i % 3)
        # An interrupted send: a person checks the Sent folder, then says what happened.
        self.was_sent_button = QPushButton(self.tr("It was sent"))
        self.resend_button = QPushButton(self.tr("Not sent: send again"))
        review = QHBoxLayout()
        for b in (self.was_sent_button, self.resend_button):
            b.setMinimumHeight(40)
            review.addWidget(b)
        self.was_sent_button.clicked.connect(lambda: self.resolve_review(True))
        self.resend_button.clicked.connect(lambda: self.resolve_review(False))
        self.status = QLabel("")
        self.status.setObjectName("QueueStatus")
        self.status.setWordWrap(True)
        self.outputs = FollowUpOutputsBar(
            service, runner, event, now=now, choose_path=choose_path, open_url=open_url
        )

        top = QHBoxLayout()
        self.owner_label = QLabel(self.tr("Owner"))
        top.addWidget(self.owner_label)
        top.addWidget(self.owner, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.count)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(top)
        self._zone = event.timezone
        self.zone_label = QLabel(
            self.tr("{0} (the visitor's own where it differs)").format(zone_note(self._zone))
        )
        self.zone_label.setProperty("role", "muted")
        self.zone_label.setWordWrap(True)  # never what sets the page's width
        left_layout.addWidget(self.zone_label)
        left_layout.addWidget(self.list, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.subject)
        right_layout.addWidget(self.contact)
        right_layout.addWidget(self.reason)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.send_button)
        right_layout.addLayout(outcomes)
        right_layout.addLayout(review)
        right_layout.addWidget(self.status)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        # Queue rows hold name, company, time and zone: give them about 40 % of the width.
        split.setSizes([420, 640])
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        # Line the bar up with the panes' contents, not with the splitter's outer edge.
        left_m, right_m = left_layout.contentsMargins(), right_layout.contentsMargins()
        bar_layout = self.outputs.layout()
        assert bar_layout is not None  # FollowUpOutputsBar lays itself out when it is built
        bar_layout.setContentsMargins(left_m.left(), 0, right_m.right(), 0)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(line)
        layout.addWidget(self.outputs)

        self.owner.currentIndexChanged.connect(lambda _: self._owner_changed())
        self.outputs.letters_printed.connect(lambda _: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.list.currentRowChanged.connect(self._selected)
        self.send_button.clicked.connect(self.send_selected)
        self._show_touch(None)
        self._load_owners()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        if self._items:
            self.refresh()  # the queue's lines are worded as they are drawn
        self.owner_label.setText(self.tr("Owner"))
        self.owner.setItemText(0, self.tr("Everyone"))
        for outcome, button in self.outcome_buttons.items():
            button.setText(OUTCOME_NAMES[outcome])
        self.zone_label.setText(
            self.tr("{0} (the visitor's own where it differs)").format(zone_note(self._zone))
        )
        self.refresh_button.setText(self.tr("Refresh"))
        self.send_button.setText(self.tr("Send email"))
        self.was_sent_button.setText(self.tr("It was sent"))
        self.resend_button.setText(self.tr("Not sent: send again"))

    # -- loading -------------------------------------------------------------------------

    def set_mail(
        self,
        smtp: SmtpSettings | None,
        password: str | None,
        sent_folder: SentFolderAccess | None = None,
    ) -> None:
        """SMTP settings and password, once known (the keyring is read off the GUI thread);
        with IMAP set up, a send first settles interrupted sends from the Sent folder."""
        self._smtp, self._password, self._sent_folder = smtp, password, sent_folder

    def set_staff(self, staff_id: str) -> None:
        self._staff_id = staff_id

    def _owner_changed(self) -> None:
        owner = self.owner.currentData()
        self.outputs.set_owner(owner, self.owner.currentText() if owner else None)
        self.refresh()

    def _load_owners(self) -> None:
        service, event_id = self._service, self._event.id
        self._runner.run(lambda: service.owner_choices(event_id), on_done=self._owners_loaded)

    def _owners_loaded(self, owners: list[tuple[str, str]]) -> None:
        self.owner.blockSignals(True)
        for owner_id, name in owners:
            if self.owner.findData(owner_id) < 0:
                self.owner.addItem(name, owner_id)
        self.owner.blockSignals(False)
        if self._load_wanted:
            self.refresh()

    def refresh(self) -> None:
        self._load_wanted = True
        service, event_id, owner = self._service, self._event.id, self.owner.currentData()
        day = self._today()
        self.count.setText(self.tr("Loading…"))

        zone = self._event.timezone

        def load() -> tuple[list[QueueItem], list[ZoneInfo], list[tuple[str, str]]]:
            items = service.queue(event_id, owner, day)
            # The visitors' zones read from disk here, not row by row on the GUI thread: and
            # held by the page, since ZoneInfo keeps only the 8 last used (the 177 ms stall
            # at a 50k event, zone_of > load_data; issue 23).
            zones = [zone_of(tz) for tz in {i.touch.tz for i in items}]
            # The rows' words too (translations and QLocale formats are thread-safe): made
            # on the GUI thread, a chunk of 100 was 7-18 ms of it mid-scan (issue 23).
            rows = [(item_text(i, zone), shown(i.touch.reason)) for i in items]
            return items, zones, rows

        self._runner.run(load, on_done=self._queue_loaded, on_error=self._failed)

    def _queue_loaded(
        self, loaded: tuple[list[QueueItem], list[ZoneInfo], list[tuple[str, str]]]
    ) -> None:
        items, self._zones, self._rows = loaded
        keep = self.selected_touch_id()
        self._items = items
        self._fill_generation += 1
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        overdue = sum(1 for i in items if i.overdue)
        due = self.tr("%Ln due", "", len(items))
        if overdue:
            due = self.tr("{0}, {1} overdue").format(due, number(overdue))
        self.count.setText(due)
        self._fill(self._fill_generation, 0, keep)

    def _fill(self, generation: int, start: int, keep: str | None) -> None:
        """Add the next ``FILL_CHUNK`` rows, then yield to the event loop: thousands of due
        touches at a big event filled in one go held the GUI thread (issue 23)."""
        if generation != self._fill_generation:
            return  # a newer load replaced this one
        items = self._items
        self.list.blockSignals(True)
        for item, (text, tip) in zip(
            items[start : start + FILL_CHUNK], self._rows[start : start + FILL_CHUNK], strict=True
        ):
            row = QListWidgetItem(text)
            row.setData(Qt.ItemDataRole.UserRole, item.touch.id)
            row.setToolTip(tip)
            self.list.addItem(row)
        self.list.blockSignals(False)
        if start == 0:  # the first rows are on screen: select now, not after the last chunk
            ids = {i.touch.id: n for n, i in enumerate(items)}
            wanted = ids.get(keep, 0 if items else -1) if keep is not None else (0 if items else -1)
            if wanted < FILL_CHUNK:
                self.list.setCurrentRow(wanted)
            else:
                self._select_after_fill = keep
            if not items:
                self._show_touch(None)
        elif self._select_after_fill is not None and self.list.count() == len(items):
            self.select_touch(self._select_after_fill)
        if start + FILL_CHUNK < len(items):
            QTimer.singleShot(0, lambda: self._fill(generation, start + FILL_CHUNK, keep))
        else:
            self._select_after_fill = None

    # -- selection -----------------------------------------------------------------------
    def selected_touch_id(self) -> str | None:
        row = self.list.currentRow()
        return self._items[row].touch.id if 0 <= row < len(self._items) else None

    def select_touch(self, touch_id: str) -> None:
        for row, item in enumerate(self._items):
            if item.touch.id == touch_id:
                self.list.setCurrentRow(row)
                return

    def _selected(self, row: int) -> None:
        self._show_touch(self._items[row] if 0 <= row < len(self._items) else None)

    def _show_touch(self, item: QueueItem | None) -> None:
        if item is None:
            for w in (self.subject, self.reason, self.contact):
                w.setText("")
            self.preview.setPlainText(self.tr("Nothing due. Well done."))
            self.send_button.setEnabled(False)
            for b in self.outcome_buttons.values():
                b.setEnabled(False)
            self._show_review(False)
            return
        t = item.touch
        self._show_review(t.state is TouchState.REVIEW)
        self.subject.setText(t.subject or CHANNEL_LABELS[t.channel])
        self.reason.setText(
            self.tr("{0} #{1} · {2}").format(
                CHANNEL_LABELS[t.channel], number(t.touch_number), zones_named(shown(t.reason))
            )
        )
        # Left-to-right marks keep "+98 912..." reading as a number on a right-to-left line.
        numbers = [f"\u200e{x}\u200e" for x in (item.phone, item.email) if x]
        self.contact.setText(" · ".join([x for x in (item.lead_name,) if x] + numbers))
        # Only a sent (or long-planned) touch holds its message; the others' is rendered from
        # the lead as it is now, off the GUI thread, for the one touch shown (issue 23).
        service, touch_id, lang = self._service, t.id, current_language()
        if t.channel is Channel.EMAIL:
            if t.html:
                self.preview.setHtml(t.html)
            else:
                self.preview.setPlainText(self.tr("Loading…"))
            # The exact mail, footer and List-Unsubscribe included.
            self._runner.run(
                lambda: service.preview(touch_id),
                on_done=self._preview_loaded,
                on_error=lambda exc: self._preview_failed(touch_id, t.html, exc),
            )
        else:
            self.preview.setPlainText(t.text or self.tr("Loading…"))
            # A call planned in the lead's language: the rep reads the headings in their own
            # and keeps the words to say in the lead's (issue 21).
            for_rep = t.channel is Channel.CALL and bool(t.language) and t.language != lang

            def load() -> tuple[str, str, RenderedMessage]:
                if for_rep:
                    return touch_id, lang, service.call_script(touch_id, lang)
                return touch_id, lang, service.message(touch_id)

            self._runner.run(
                load,
                on_done=self._script_loaded,
                on_error=lambda exc: self._preview_failed(touch_id, t.text, exc),
            )
        is_email = t.channel is Channel.EMAIL
        self.send_button.setVisible(is_email)
        self.send_button.setEnabled(is_email and self._smtp is not None)
        if is_email and self._smtp is None:
            self.send_button.setToolTip(
                self.tr("Set up the SMTP server in the event settings first")
            )
        for outcome, b in self.outcome_buttons.items():
            b.setEnabled(t.channel is not Channel.EMAIL or outcome is Outcome.NOT_INTERESTED)
        if t.state is TouchState.REVIEW:
            self.send_button.setEnabled(False)
            for b in self.outcome_buttons.values():
                b.setEnabled(False)

    def _preview_loaded(self, preview: MailPreview) -> None:
        if preview.touch_id == self.selected_touch_id():
            self.subject.setText(preview.subject)
            self.preview.setHtml(preview_html(preview))

    def _preview_failed(self, touch_id: str, stored: str, exc: BaseException) -> None:
        """A stored message stays shown; else what went wrong replaces "Loading…"."""
        if touch_id == self.selected_touch_id() and not stored:
            self.preview.setPlainText(self.tr("Failed: {0}").format(exc))

    def _script_loaded(self, loaded: tuple[str, str, RenderedMessage]) -> None:
        touch_id, lang, script = loaded
        if touch_id == self.selected_touch_id() and lang == current_language():
            self.subject.setText(script.subject)
            self.preview.setPlainText(script.text)

    def _show_review(self, visible: bool) -> None:
        self.was_sent_button.setVisible(visible)
        self.resend_button.setVisible(visible)

    # -- actions -------------------------------------------------------------------------
    def log_outcome(self, outcome: Outcome) -> None:
        touch_id = self.selected_touch_id()
        if touch_id is None:
            return
        service, staff_id = self._service, self._staff_id
        self._busy(self.tr("Saving {0}…").format(outcome_name(outcome.value)))
        self._runner.run(
            lambda: service.record_outcome(touch_id, outcome, staff_id, now=datetime.now(UTC)),
            on_done=self._outcome_stored,
            on_error=self._failed,
        )

    def _outcome_stored(self, result: OutcomeResult) -> None:
        self.status.setText(next_action_text(result, self._event.timezone))
        self.touch_done.emit(result.touch.id)
        self.refresh()

    def resolve_review(self, was_sent: bool) -> None:
        touch_id = self.selected_touch_id()
        if touch_id is None:
            return
        service, staff_id = self._service, self._staff_id
        self._busy(self.tr("Saving…"))

        def done(touch: Touch) -> None:
            self.status.setText(
                self.tr("Marked sent") if was_sent else self.tr("Will be sent again")
            )
            self.touch_done.emit(touch.id)
            self.refresh()

        self._runner.run(
            lambda: service.resolve_review(touch_id, was_sent, staff_id),
            on_done=done,
            on_error=self._failed,
        )

    def send_selected(self) -> None:
        touch_id = self.selected_touch_id()
        if touch_id is None or self._smtp is None:
            return
        if self._smtp.username and self._password is None:
            # A login without its password: ask once; the window keeps it in the keyring.
            typed = self._ask_password(self, self._smtp.username)
            if not typed:
                self.status.setText(self.tr("Not sent: the mail password is needed"))
                return
            self._password = typed
            self.password_entered.emit(typed)
        service, event_id, smtp, password, access = (
            self._service, self._event.id, self._smtp, self._password, self._sent_folder
        )  # fmt: skip
        self._busy(self.tr("Sending…"))
        now = self._now()

        def send() -> SendReport:
            return send_due_checked(service, event_id, smtp, password, access,
                                    touch_ids=[touch_id], now=now)  # fmt: skip

        self._runner.run(send, on_done=lambda r: self._sent(touch_id, r), on_error=self._failed)

    def _sent(self, touch_id: str, report: SendReport) -> None:
        if report.sent:
            self.status.setText(self.tr("Sent"))
        elif report.replanned:
            self.status.setText(
                self.tr(
                    "Not sent now: outside the lead's sending window or already mailed today; "
                    "moved to their next slot"
                )
            )
        elif report.problems:
            self.status.setText(self.tr("Not sent: {0}").format("; ".join(report.problems)))
        else:
            self.status.setText(self.tr("Not sent: no marketing consent or address"))
        self.touch_done.emit(touch_id)
        self.refresh()

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.send_button.setEnabled(False)
        for b in self.outcome_buttons.values():
            b.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Failed: {0}").format(exc))
        self.count.setText("")
        self._selected(self.list.currentRow())


__all__ = ["FollowUpQueuePage", "due_text", "item_text", "next_action_text"]
