"""First-run wizard page: the event's name, venue, time zone, dates and booth."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWizardPage,
)

from boothapp.core.clock import machine_zone
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent, validate_new_event
from boothapp.ui.i18n import current_language, date_edit_format, locale_for
from boothapp.ui.zone_box import ZoneBox
from boothapp.workers.tasks import TaskRunner


class EventDetailsPage(QWizardPage):
    def __init__(self, default_zone: str | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.setTitle(self.tr("Your event"))
        self.setSubTitle(
            self.tr("Where and when is the show? Times of leads and follow-ups use this.")
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Hannover Messe 2027"))
        self.venue = QLineEdit()
        self.booth = QLineEdit()
        self.booth.setPlaceholderText(self.tr("e.g. Hall 7, C42"))
        self.country = QLineEdit()
        self.country.setMaxLength(2)
        self.country.setPlaceholderText(self.tr("2-letter code, e.g. DE"))
        # The machine's own zone (issue 15): a laptop set up at the venue is on local time.
        # Named by its place in the reader's language, the IANA id stored (issue 21).
        zone = default_zone or machine_zone()
        self.timezone = ZoneBox(zone="UTC" if zone in ("Etc/UTC", "Etc/GMT", "GMT") else zone,
                                runner=runner)  # fmt: skip
        self.timezone.setObjectName("EventZone")
        today = QDate.currentDate()
        self.starts = QDateEdit(today)
        self.ends = QDateEdit(today.addDays(2))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
        self._date_format()
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Event name *"), self.name)
        form.addRow(self.tr("Venue"), self.venue)
        form.addRow(self.tr("Booth"), self.booth)
        form.addRow(self.tr("Country"), self.country)
        form.addRow(self.tr("Time zone *"), self.timezone)
        form.addRow(self.tr("First day"), self.starts)
        form.addRow(self.tr("Last day"), self.ends)
        form.addRow(self.error)
        self.registerField("event_name*", self.name)
        self.name.textChanged.connect(lambda _t: self.error.clear())

    def _date_format(self) -> None:
        """The days as the reader writes a date, in their digits (issue 21: "2026-12-03" in
        every language was a hand-made format)."""
        for edit in (self.starts, self.ends):
            # Left to right: Qt reverses a date field's sections right to left, which put
            # the day first in "۲۰۲۶/۱۲/۳"; the locale's format already has the reader's order.
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            edit.setLocale(locale_for(current_language()))
            edit.setDisplayFormat(date_edit_format())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "ends"):
            self._date_format()
        super().changeEvent(event)

    def new_event(self) -> NewEvent:
        return NewEvent(
            name=self.name.text(),
            timezone=self.timezone.zone(),
            venue=self.venue.text(),
            booth=self.booth.text(),
            country=self.country.text(),
            starts_on=_to_date(self.starts.date()),
            ends_on=_to_date(self.ends.date()),
        )

    def validatePage(self) -> bool:
        try:
            validate_new_event(self.new_event())
        except ValidationError as exc:
            self.error.setText(str(exc).capitalize())
            return False
        return True


def _to_date(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())
