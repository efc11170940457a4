"""Follow-up outputs on the queue page: a staff member's calendar (.ics) and the letters due.

The desktop twin of ``boothapp followups ics`` and ``boothapp followups letters``: the same
FollowUpService calls, run through the TaskRunner. The work is done before any dialog opens
where it can be (so nobody picks a file name for a calendar that turns out to be empty), and
the result stays on the bar with "Open" and "Show in folder" instead of a modal box.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from boothapp.core.models import Channel, Event
from boothapp.services.errors import NotFoundError
from boothapp.services.followup_types import OPEN_STATES
from boothapp.services.followups import FollowUpService
from boothapp.ui.i18n import day_text
from boothapp.workers.tasks import TaskRunner

# (parent, caption, suggested path, filter) -> chosen path or "" when cancelled.
ChoosePath = Callable[[QWidget, str, str, str], str]
OpenUrl = Callable[[QUrl], bool]

CALENDAR_SHORTCUT = "Ctrl+Shift+C"
LETTERS_SHORTCUT = QKeySequence.StandardKey.Print  # Ctrl+P: the letters are what gets printed
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def qt_save_path(parent: QWidget, caption: str, suggested: str, filters: str) -> str:
    """The native save dialog (it asks before overwriting an existing file)."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return path


def safe_file_name(text: str) -> str:
    """A file name that every desktop OS accepts: no path separators or reserved marks."""
    cleaned = _UNSAFE.sub(" ", text)
    return re.sub(r"\s+", " ", cleaned).strip(" .") or "follow-ups"


def calendar_file_name(event_name: str, person: str) -> str:
    return (
        safe_file_name(
            QCoreApplication.translate("FollowupOutputsBar", "{0} - {1} follow-ups").format(
                event_name, person
            )
        )
        + ".ics"
    )


def letters_file_name(event_name: str, day: date) -> str:
    return (
        safe_file_name(
            QCoreApplication.translate("FollowupOutputsBar", "{0} - letters {1}").format(
                event_name, day.isoformat()
            )
        )
        + ".pdf"
    )


def with_suffix(chosen: str, suffix: str) -> Path:
    """Add the extension when the person typed a bare name (some dialogs do not)."""
    path = Path(chosen)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed write never leaves half a calendar
    where an older good one was."""
    fd, tmp = tempfile.mkstemp(prefix=".boothapp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class SavedFile:
    path: Path
    count: int


class FollowUpOutputsBar(QWidget):
    """Two buttons and a result line; ``owner`` says whose calendar is wanted (None: everyone)."""

    calendar_saved = Signal(object)  # SavedFile
    letters_printed = Signal(object)  # SavedFile; the printed letters left the queue

    def __init__(
        self,
        service: FollowUpService,
        runner: TaskRunner,
        event: Event,
        *,
        now: Callable[[], datetime] | None = None,
        choose_path: ChoosePath | None = None,
        open_url: OpenUrl | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("FollowUpOutputsBar")
        self._service, self._runner, self._event = service, runner, event
        self._now = now or (lambda: datetime.now(UTC))
        # Injectable so tests (and a future "always save to" setting) skip the dialogs.
        self._choose_path: ChoosePath = choose_path or qt_save_path
        self._open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self._owner: str | None = None
        self._owner_name: str | None = None
        self._busy = False
        self.last_dir = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        self.saved_path: Path | None = None

        self.calendar_button = QPushButton(self.tr("Calendar (.ics)…"))
        self.calendar_button.setShortcut(QKeySequence(CALENDAR_SHORTCUT))
        self.letters_button = QPushButton(self.tr("Print letters (PDF)…"))
        self.letters_button.setShortcut(QKeySequence(LETTERS_SHORTCUT))
        self.letters_button.setToolTip(
            self.tr(
                "Put the letters due by today, for every owner, into one PDF to print; they "
                "are marked printed and leave the queue ({0})"
            ).format(
                QKeySequence(LETTERS_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.message = QLabel("")
        self.message.setObjectName("OutputsMessage")
        self.message.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open"))
        self.folder_button = QPushButton(self.tr("Show in folder"))
        for b in (self.calendar_button, self.letters_button, self.open_button, self.folder_button):
            b.setMinimumHeight(40)
            # Room around the label, as the platform's own dialog buttons have.
            b.setMinimumWidth(b.sizeHint().width() + 24)

        # The result and what to do with the file on the left; the two actions on the right.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        layout.addSpacing(24)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.letters_button)

        self.calendar_button.clicked.connect(self.save_calendar)
        self.letters_button.clicked.connect(self.print_letters)
        self.open_button.clicked.connect(self.open_saved)
        self.folder_button.clicked.connect(self.show_folder)
        self._show_saved(None)
        self.set_owner(None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.calendar_button.setText(self.tr("Calendar (.ics)…"))
        self.letters_button.setText(self.tr("Print letters (PDF)…"))
        self.open_button.setText(self.tr("Open"))
        self.folder_button.setText(self.tr("Show in folder"))

    # -- state ---------------------------------------------------------------------------
    def set_owner(self, owner: str | None, name: str | None = None) -> None:
        """The person chosen on the page (id, and the name people read); a calendar is always
        one person's."""
        self._owner = owner
        self._owner_name = name or owner
        self._enable()

    def _enable(self) -> None:
        self.calendar_button.setEnabled(not self._busy and bool(self._owner))
        self.letters_button.setEnabled(not self._busy)
        key = QKeySequence(CALENDAR_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.calendar_button.setToolTip(
            self.tr("Save {0}'s open calls and letters as a calendar file ({1})").format(
                self._owner_name, key
            )
            if self._owner
            else self.tr("Choose an owner first: a calendar is one person's follow-ups")
        )

    def _start(self, text: str) -> None:
        self._busy = True
        self._show_saved(None)
        self._say(text)
        self._enable()

    def _finish(self, text: str, *, error: bool = False, saved: Path | None = None) -> None:
        self._busy = False
        self._say(text, error=error)
        self._show_saved(saved)
        self._enable()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")

    def _show_saved(self, path: Path | None) -> None:
        # The name is on the line, the whole path in the tooltip and behind "Show in folder".
        self.saved_path = path
        self.message.setToolTip(str(path) if path else "")
        self.open_button.setVisible(path is not None)
        self.folder_button.setVisible(path is not None)

    def _ask_path(self, caption: str, name: str, filters: str, suffix: str) -> Path | None:
        chosen = self._choose_path(self, caption, str(Path(self.last_dir) / name), filters)
        if not chosen:
            return None
        path = with_suffix(chosen, suffix)
        self.last_dir = str(path.parent)
        return path

    # -- calendar ------------------------------------------------------------------------
    def save_calendar(self) -> None:
        owner, name = self._owner, self._owner_name or self._owner
        if not owner or self._busy:
            return
        service, event_id, now = self._service, self._event.id, self._now()
        self._start(self.tr("Collecting {0}'s follow-ups…").format(name))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NotFoundError):
                self._finish(
                    self.tr("{0} has no open calls or letters: no calendar to save.").format(name)
                )
            else:
                self._finish(self.tr("Calendar not saved: {0}").format(exc), error=True)

        self._runner.run(
            lambda: service.calendar(event_id, owner, now),
            on_done=lambda text: self._calendar_ready(name or owner, text),
            on_error=failed,
        )

    def _calendar_ready(self, owner: str, text: str) -> None:
        count = text.count("BEGIN:VEVENT")
        path = self._ask_path(
            self.tr("Save {0}'s follow-up calendar").format(owner),
            calendar_file_name(self._event.name, owner),
            self.tr("Calendar (*.ics)"),
            ".ics",
        )
        if path is None:
            self._finish("")
            return
        self._say(self.tr("Saving {0}…").format(path.name))

        def done(_: object) -> None:
            self._finish(
                self.tr("{0} for {1} saved to {2}").format(
                    _plural(count, "follow-up"), owner, path.name
                ),
                saved=path,
            )
            self.calendar_saved.emit(SavedFile(path, count))

        self._runner.run(
            lambda: write_atomically(path, text),
            on_done=done,
            on_error=lambda exc: self._finish(
                self.tr("Calendar not saved: {0}").format(exc), error=True
            ),
        )

    # -- letters -------------------------------------------------------------------------
    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self._event.timezone or "UTC")).date()

    def print_letters(self) -> None:
        if self._busy:
            return
        service, event_id, now = self._service, self._event.id, self._now()
        day = self._today(now)
        self._start(self.tr("Looking for letters due…"))

        def due_letters() -> int:
            # The queue's "due by the end of today" is the set letters_pdf prints.
            items = service.queue(event_id, None, day)
            return sum(
                1
                for i in items
                if i.touch.channel is Channel.LETTER and i.touch.state in OPEN_STATES
            )

        self._runner.run(
            due_letters,
            on_done=lambda n: self._letters_counted(n, now),
            on_error=lambda exc: self._finish(
                self.tr("Letters not printed: {0}").format(exc), error=True
            ),
        )

    def _letters_counted(self, count: int, now: datetime) -> None:
        day = self._today(now)
        if not count:
            self._finish(
                self.tr("No letters due by today ({0}): nothing to print.").format(day_text(day))
            )
            return
        path = self._ask_path(
            self.tr("Save {0} as PDF").format(_plural(count, "letter")),
            letters_file_name(self._event.name, day),
            self.tr("PDF (*.pdf)"),
            ".pdf",
        )
        if path is None:
            self._finish("")
            return
        self._say(self.tr("Printing {0} to {1}…").format(_plural(count, "letter"), path.name))
        service, event_id = self._service, self._event.id

        def failed(exc: BaseException) -> None:
            # letters_pdf writes the file before it marks anything printed, so a failure
            # leaves every letter in the queue to print again.
            self._finish(
                self.tr("Letters not printed: {0}; they stay in the queue.").format(exc), error=True
            )

        def done(printed: int) -> None:
            self._finish(
                self.tr("{0} saved to {1}, marked printed").format(
                    _plural(printed, "letter"), path.name
                ),
                saved=path,
            )
            self.letters_printed.emit(SavedFile(path, printed))

        self._runner.run(
            lambda: service.letters_pdf(event_id, path, now), on_done=done, on_error=failed
        )

    # -- after saving --------------------------------------------------------------------
    def open_saved(self) -> None:
        if self.saved_path is not None:
            self._open_url(QUrl.fromLocalFile(str(self.saved_path)))

    def show_folder(self) -> None:
        if self.saved_path is not None:
            self._open_url(QUrl.fromLocalFile(str(self.saved_path.parent)))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


__all__ = [
    "FollowUpOutputsBar",
    "SavedFile",
    "calendar_file_name",
    "letters_file_name",
    "safe_file_name",
    "with_suffix",
]
