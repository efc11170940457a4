"""Sends due follow-up emails from the booth laptop while it is online.

A hot lead's thank-you is planned due at capture; without this it would wait for someone to
press Send. Every minute (and right after a lead is saved) the due emails go through the
durable send queue, off the GUI thread, when the event has SMTP set up and a password is in
the keyring. One run at a time; failures are shown, never retried in a tight loop.

When the event sets up IMAP (``followups.imap``), each run opens a Sent-folder lookup on the
worker thread, so a send interrupted by a crash is settled from the server instead of waiting
for a person; the lookup connects only when there is such a send.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from boothapp.services.followup_mail import SentFolderAccess, send_due_checked
from boothapp.services.followup_types import SendReport
from boothapp.services.followups import FollowUpService
from boothapp.sync.mail import SmtpSettings
from boothapp.workers.tasks import TaskRunner

INTERVAL_MS = 60_000
# A pause between two due mails of a run, GIL released: a days-old event's backlog (hundreds
# of mails re-planned or sent back to back) otherwise keeps a pool thread in Python for
# seconds beside the scanning GUI thread (bench/ui_latency.py, issue 23).
GIVE_WAY_S = 0.005


class SendStopped(Exception):
    """The sender was stopped (the app is closing) between two due mails of a run."""


class FollowUpAutoSender(QObject):
    sent = Signal(object)  # SendReport, after each run that did something
    failed = Signal(str)

    def __init__(self, service: FollowUpService, runner: TaskRunner, event_id: str,
                 parent: QObject | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._service, self._runner, self._event_id = service, runner, event_id
        # The run's "now" decides the leads' sending windows (issue 16); tests pin it.
        self._clock = clock or (lambda: datetime.now(UTC))
        self._smtp: SmtpSettings | None = None
        self._password: str | None = None
        self._sent_folder: SentFolderAccess | None = None
        self._busy = False
        # Set by stop(): a run under way ends before its next due mail. A days-old event's
        # backlog, paced by the SMTP limits, otherwise kept the pool thread sending for
        # minutes after the window closed, and the app did not quit until it was done
        # (bench/ui_latency.py sessions, issue 23).
        self._stopping = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.run_now)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def configure(
        self,
        smtp: SmtpSettings | None,
        password: str | None,
        sent_folder: SentFolderAccess | None = None,
    ) -> None:
        """Start when mail is set up (a login without its password stays off)."""
        self._smtp, self._password, self._sent_folder = smtp, password, sent_folder
        if smtp is not None and (password is not None or not smtp.username):
            self._stopping.clear()
            self._timer.start()
        else:
            self._timer.stop()

    def run_now(self) -> None:
        if self._busy or self._smtp is None or not self.active:
            return
        self._busy = True
        service, event_id, smtp, password, access = (
            self._service, self._event_id, self._smtp, self._password, self._sent_folder
        )  # fmt: skip
        now = self._clock()
        stopping = self._stopping

        def before_each(done: int, total: int) -> None:
            give_way(done, total)
            if stopping.is_set():  # mails not started stay due for the next start
                raise SendStopped

        def work() -> SendReport | None:
            # Runs on the pool: the IMAP connection is made, used and closed off the GUI thread.
            try:
                return send_due_checked(
                    service, event_id, smtp, password, access, now=now, progress=before_each
                )
            except SendStopped:
                return None  # the app is closing: not a failure to log or show

        self._runner.run(work, on_done=self._done, on_error=self._error)

    def _done(self, report: SendReport | None) -> None:
        self._busy = False
        if report is None:
            return
        settled = report.reconciled_sent + report.reconciled_replanned + report.reconciled_review
        if report.sent or report.failed or report.problems or settled:
            self.sent.emit(report)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(str(exc))

    def stop(self) -> None:
        """No more runs; a run under way ends before its next due mail."""
        self._timer.stop()
        self._stopping.set()


def give_way(_done: int, _total: int) -> None:
    """Called by the send loop before each due mail (pool thread): sleeping releases the GIL,
    so the GUI thread gets it at once instead of after a switch interval."""
    time.sleep(GIVE_WAY_S)
