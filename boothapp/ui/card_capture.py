"""The scan page's "Card" action (F6): one photo of a business card pre-fills the lead form.

The camera's latest frame (the source runs at the highest resolution it offers) is read off
the GUI thread: card found, flattened, OCR'd, fields extracted; the photo is kept under the
data folder as the scan's image, so it stays with the lead once saved. The flattened card
shows beside the form and the fields the reader was unsure of are marked for the rep to
check; saving is the form's normal save (issue 20).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from boothapp.capture.ocr.card_fields import LOW_CONFIDENCE
from boothapp.capture.ocr.card_locate import NoCardFound
from boothapp.capture.ocr.card_reader import CardReading, read_card
from boothapp.capture.ocr.engines import make_reader
from boothapp.capture.ocr.types import TextReader
from boothapp.core.models import CONTACT_FIELDS, Event, LeadSource, Staff
from boothapp.services.leads import LeadService, RosterOffer, ScanOutcome, card_draft
from boothapp.ui.lead_form import LeadForm
from boothapp.workers.decode_worker import frame_to_qimage
from boothapp.workers.tasks import TaskRunner

UNSURE_STYLE = "QLineEdit { background: #fff3cd; border: 2px solid #e0a800; }"


@dataclass(frozen=True, slots=True)
class _Captured:
    reading: CardReading
    outcome: ScanOutcome
    card_image: QImage  # the flattened card, already scaled for the view
    offer: RosterOffer | None  # the roster's attendee the card or text-only badge names


class CardCapture(QWidget):
    """The flattened card and its reading state; ``button`` goes in the scan page's row."""

    card_read = Signal(object)  # CardReading, after the form was loaded (GUI thread)
    no_card = Signal(str)  # why nothing was read; the form was not touched

    def __init__(
        self,
        leads: LeadService,
        runner: TaskRunner,
        event: Event,
        form: LeadForm,
        photos_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CardCapture")
        self._leads, self._runner, self._event, self._form = leads, runner, event, form
        self._photos_dir = photos_dir
        self._reader: TextReader | None = None
        self._reader_lock = threading.Lock()  # the reader is built once, by the first task
        self._busy = False
        self.unsure: list[str] = []
        self.button = QPushButton(self.tr("Card (F6)"))
        self.button.setToolTip(self.tr("Read a business card or a badge without a barcode"))
        self.button.setObjectName("CardButton")
        self.button.setMinimumHeight(48)
        self.status = QLabel()
        self.status.setObjectName("CardStatus")
        self.status.setWordWrap(True)
        self.card_view = QLabel()
        self.card_view.setObjectName("CardImage")
        self.card_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card_view.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card_view)
        layout.addWidget(self.status)
        self.card_view.hide()
        form.saved.connect(self._form_closed)
        form.cancelled.connect(self._form_closed)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.button.setText(self.tr("Card (F6)"))
        self.button.setToolTip(self.tr("Read a business card or a badge without a barcode"))

    def capture(self, frame: np.ndarray | None, staff: Staff | None) -> None:
        """Read the card in ``frame`` (the camera's latest still) into the form."""
        if self._busy:
            return
        if frame is None:
            self._say_no_card(
                self.tr("No camera picture: start the camera and hold the card up to it.")
            )
            return
        still = frame.copy()
        self._busy = True
        self.button.setEnabled(False)
        self.status.setText(self.tr("Reading the card…"))
        self._photos_dir.mkdir(parents=True, exist_ok=True)
        path = self._photos_dir / f"card-{datetime.now():%Y%m%d-%H%M%S-%f}.jpg"
        leads, event = self._leads, self._event
        staff_id = staff.id if staff else ""
        view_width = max(200, self.width())

        def work() -> _Captured:  # pool thread
            reading = read_card(still, self._get_reader(), regions=[event.country])
            if not cv2.imwrite(str(path), still):
                raise OSError(f"could not keep the card photo at {path}")
            outcome = leads.record_scan(event.id, "", image_path=str(path), staff_id=staff_id,
                                        source=LeadSource.MANUAL)  # fmt: skip
            # a text-only badge (or a card) of someone on the roster: offer their record
            lines = [ln.text for ln in reading.page.lines]
            offer = leads.card_in_roster(event.id, lines, reading.fields.contact.email)
            # Scaled here (QImage works off the GUI thread), so the GUI thread only fills the
            # form when the reading arrives (bench/card_gui.py, issue 20).
            image = frame_to_qimage(np.ascontiguousarray(reading.card)).scaled(
                view_width, 260, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
            return _Captured(reading, outcome, image, offer)

        self._runner.run(work, on_done=self._read, on_error=self._failed)

    def _get_reader(self) -> TextReader:
        with self._reader_lock:
            if self._reader is None:
                self._reader = make_reader()
            return self._reader

    def _read(self, captured: _Captured) -> None:
        self._busy = False
        self.button.setEnabled(True)
        reading, outcome, offer = captured.reading, captured.outcome, captured.offer
        draft = card_draft(outcome.draft, reading.fields.contact, offer)
        sure: set[str] = set()  # fields the roster filled: typed by the organiser, not read
        if offer is None:
            banner = self.tr("Read from a business card: check the fields marked in yellow.")
        elif offer.existing is not None:
            draft = self._leads.draft_of(offer.existing)
            sure = set(CONTACT_FIELDS)
            banner = self.tr("{0} is already a lead: here it is.").format(draft.contact.full_name)
        else:
            sure = {name for name in CONTACT_FIELDS if getattr(offer.attendee.contact, name)}
            banner = self.tr("Found in the roster: {0}. Check the fields marked in yellow.").format(
                offer.attendee.contact.full_name
            )
        self._form.load(draft, scan_id=outcome.scan.id, banner=banner)
        self._mark_unsure(reading, sure)
        self.card_view.setPixmap(QPixmap.fromImage(captured.card_image))
        self.card_view.show()
        turned = self.tr(" (it was upside down)") if reading.turned else ""
        self.status.setText(self.tr("Card read in {0:.1f} s{1}.").format(reading.ms / 1000, turned))
        self.card_read.emit(reading)

    def _mark_unsure(self, reading: CardReading, sure: set[str]) -> None:
        self._clear_marks()
        fields = reading.fields
        for name, edit in self._form.fields.items():
            if name in sure:
                continue
            value = getattr(fields.contact, name, "")
            wanted = name in ("first_name", "last_name", "email", "company")
            if (value and fields.confidence_of(name) < LOW_CONFIDENCE) or (wanted and not value):
                edit.setStyleSheet(UNSURE_STYLE)
                edit.setToolTip(
                    self.tr("Check this: the card reader was not sure (or found nothing).")
                )
                self.unsure.append(name)

    def _clear_marks(self) -> None:
        for name in self.unsure:
            edit = self._form.fields.get(name)
            if edit is not None:
                edit.setStyleSheet("")
                edit.setToolTip("")
        self.unsure = []

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.button.setEnabled(True)
        if isinstance(exc, NoCardFound):
            self._say_no_card(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        else:
            self._say_no_card(self.tr("The card could not be read: {0}").format(exc))

    def _say_no_card(self, message: str) -> None:
        self.status.setText(message)
        self.no_card.emit(message)

    def _form_closed(self, *_: object) -> None:
        self._clear_marks()
        self.card_view.hide()
        self.card_view.clear()
        self.status.clear()
