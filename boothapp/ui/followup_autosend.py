"""Sends due follow-up emails from the booth laptop while it is online.

A hot lead's thank-you is planned due at capture; without this it would wait for someone to
press Send. Every minute (and right after a lead is saved) the due emails go through the
durable send queue, off the GUI thread, when the event has SMTP set up and a password is in
the keyring. One run at a time; failures are shown, never retried in a tight loop.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from boothapp.services.followup_types import SendReport
from boothapp.services.followups import FollowUpService
from boothapp.sync.mail import SmtpSettings
from boothapp.workers.tasks import TaskRunner

INTERVAL_MS = 60_000


class FollowUpAutoSender(QObject):
    sent = Signal(object)  # SendReport, after each run that did something
    failed = Signal(str)

    def __init__(self, service: FollowUpService, runner: TaskRunner, event_id: str,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._service, self._runner, self._event_id = service, runner, event_id
        self._smtp: SmtpSettings | None = None
        self._password: str | None = None
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.run_now)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def configure(self, smtp: SmtpSettings | None, password: str | None) -> None:
        """Start when mail is set up (a login without its password stays off)."""
        self._smtp, self._password = smtp, password
        if smtp is not None and (password is not None or not smtp.username):
            self._timer.start()
        else:
            self._timer.stop()

    def run_now(self) -> None:
        if self._busy or self._smtp is None or not self.active:
            return
        self._busy = True
        service, event_id, smtp, password = (
            self._service, self._event_id, self._smtp, self._password
        )  # fmt: skip
        self._runner.run(
            lambda: service.send_due(event_id, smtp, password, now=datetime.now(UTC)),
            on_done=self._done,
            on_error=self._error,
        )

    def _done(self, report: SendReport) -> None:
        self._busy = False
        if report.sent or report.failed or report.problems:
            self.sent.emit(report)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(str(exc))

    def stop(self) -> None:
        self._timer.stop()
