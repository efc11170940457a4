"""The scan page booth staff live on: camera preview, then the lead form, then scan again.

A decoded badge (camera or handheld scanner) is recorded off the GUI thread and the form opens
pre-filled; a badge already captured opens its lead with "scanned before by X at 10:42".
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from boothapp.capture.types import DecodeResult, FrameDecoder
from boothapp.core.config.model import EventConfig
from boothapp.core.models import Event, Lead, LeadSource, Staff
from boothapp.services.leads import LeadDraft, LeadService, ScanOutcome
from boothapp.ui.camera_controller import CameraController
from boothapp.ui.camera_view import CameraView
from boothapp.ui.card_capture import CardCapture
from boothapp.ui.lead_form import LeadForm
from boothapp.workers.decode_worker import DecodeWorker
from boothapp.workers.tasks import TaskRunner

log = logging.getLogger(__name__)


def scanned_before_text(lead: Lead, zone: str) -> str:
    who = lead.staff_name or "someone on this device"
    when = lead.created_at.astimezone(ZoneInfo(zone)) if lead.created_at else None
    at = f" at {when:%H:%M}" if when else ""
    day = f" on {when:%a %d %b}" if when and when.date() != datetime.now(when.tzinfo).date() else ""
    return f"Scanned before by {who}{day}{at}: this is the existing lead, no duplicate made."


class ScanPage(QWidget):
    lead_saved = Signal(object)  # Lead
    scan_to_form_ms = Signal(float)  # latency of the last scan, for the status bar and benchmarks

    def __init__(
        self,
        leads: LeadService,
        runner: TaskRunner,
        event: Event,
        cfg: EventConfig,
        photos_dir: Path,
        decoder: FrameDecoder | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ScanPage")
        self._leads, self._runner, self._event = leads, runner, event
        self._photos_dir = photos_dir
        self.camera_spec = ""
        self._staff: Staff | None = None
        self._pending_since: float | None = None
        self.last_latency_ms: float | None = None

        self.camera = CameraView()
        self.camera_status = QLabel("Camera off")
        self.cameras = CameraController(
            self.camera, decoder, self, no_camera_hint="A handheld scanner still works."
        )
        self.cameras.scanned.connect(self._symbol)
        self.cameras.status_changed.connect(self.camera_status.setText)
        self.camera_status.setProperty("role", "muted")
        self.walk_in = QPushButton("No badge — walk-in (F5)")
        self.photo = QPushButton("Unreadable badge: take photo")
        for b in (self.walk_in, self.photo):
            b.setMinimumHeight(48)
        self.walk_in.clicked.connect(self.start_walk_in)
        self.photo.clicked.connect(self.photograph_badge)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.camera, 1)
        lv.addWidget(self.camera_status)
        row = QHBoxLayout()
        row.addWidget(self.walk_in)
        row.addWidget(self.photo)
        lv.addLayout(row)

        consent = cfg.consent_text.replace("{company}", event.name)
        self.form = LeadForm(leads, runner, event, cfg, consent)
        # Issue 20: one photo of a business card fills the form (ui/card_capture.py).
        self.card = CardCapture(leads, runner, event, self.form, photos_dir)
        self.card.card_read.connect(lambda _r: self.right.setCurrentWidget(self.form))
        self.card.button.clicked.connect(self.read_card)
        row.insertWidget(1, self.card.button)
        lv.insertWidget(1, self.card)
        self.form.saved.connect(self._saved)
        self.form.cancelled.connect(self.show_ready)
        self.ready = QWidget()
        rv = QVBoxLayout(self.ready)
        self.ready_title = QLabel("Ready to scan")
        self.ready_title.setProperty("role", "title")
        self.ready_hint = QLabel(
            "Hold a badge up to the camera, or scan it with the handheld scanner.\n"
            "F5: walk-in without badge · F6: photo of a business card"
        )
        self.ready_hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("ScanMessage")
        self.message.setWordWrap(True)
        self.recent = QListWidget()
        self.recent.setObjectName("RecentLeads")
        rv.addWidget(self.ready_title)
        rv.addWidget(self.ready_hint)
        rv.addWidget(self.message)
        rv.addWidget(QLabel("Just captured"))
        rv.addWidget(self.recent, 1)
        self.right = QStackedWidget()
        self.right.addWidget(self.ready)
        self.right.addWidget(self.form)
        # Room for three choice buttons a row; below that the form clipped its right column.
        self.right.setMinimumWidth(520)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.right.setMinimumWidth(460)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        QShortcut(QKeySequence("F5"), self, activated=self.start_walk_in)
        QShortcut(QKeySequence("F6"), self, activated=self.read_card)

    # -- staff and camera -------------------------------------------------------------------
    def set_staff(self, staff: Staff | None) -> None:
        self._staff = staff

    @property
    def form_open(self) -> bool:
        return self.right.currentWidget() is self.form

    def start_camera(self, spec: str) -> None:
        """Start the camera (index, video file, folder or stream URL); errors are shown."""
        self.camera_spec = spec
        self.cameras.start(spec)

    def stop_camera(self) -> None:
        self.cameras.stop()

    @property
    def _worker(self) -> DecodeWorker | None:  # benchmarks hook into the running worker
        return self.cameras.worker

    # -- scans ------------------------------------------------------------------------------
    def _symbol(self, result: DecodeResult) -> None:
        if self._staff is None:
            # The camera runs behind the sign-in page: a badge passing by then would open a
            # lead nobody owns and hold the form open for whoever signs in next.
            self.message.setText("Sign in first: badges seen by the camera are not kept.")
            return
        self.handle_payload(result.text, result.symbology, LeadSource.BADGE_SCAN)

    def handle_payload(
        self, payload: str, symbology: str = "", source: LeadSource = LeadSource.HANDHELD
    ) -> None:
        """A badge was read: keep the scan and open its lead (new or existing)."""
        if not payload.strip():
            return
        if self.form_open:
            # Never throw away what staff are typing: the new badge waits for Enter or Esc.
            self.message.setText("Finish this lead first (Enter saves, Esc cancels).")
            self.form.error.setText("Another badge was scanned: save or cancel this lead first.")
            return
        self._pending_since = time.perf_counter()
        leads, event_id = self._leads, self._event.id
        staff_id = self._staff.id if self._staff else ""
        self._runner.run(
            lambda: leads.record_scan(event_id, payload, symbology=symbology, source=source,
                                      staff_id=staff_id),
            on_done=self._scan_recorded,
            on_error=lambda exc: self.message.setText(f"Scan not kept: {exc}"),
        )  # fmt: skip

    def _scan_recorded(self, outcome: ScanOutcome) -> None:
        if outcome.existing is not None:
            draft = self._leads.draft_of(outcome.existing)
            banner = scanned_before_text(outcome.existing, self._event.timezone)
        else:
            draft = outcome.draft
            banner = (
                "; ".join(outcome.warnings)
                if outcome.warnings and not (draft.contact.full_name or draft.contact.email)
                else ""
            )
        self.form.load(draft, scan_id=outcome.scan.id, banner=banner)
        self.right.setCurrentWidget(self.form)
        name = draft.contact.full_name or draft.contact.email or "Badge scanned"
        self.camera.flash(f"✔ {name}")
        QApplication.beep()
        if self._pending_since is not None:
            self.last_latency_ms = (time.perf_counter() - self._pending_since) * 1000
            self.scan_to_form_ms.emit(self.last_latency_ms)
            self._pending_since = None

    def start_walk_in(self) -> None:
        if self.form_open:
            return
        staff_id = self._staff.id if self._staff else ""
        self.form.load(LeadDraft(event_id=self._event.id, source=LeadSource.MANUAL,
                                 staff_id=staff_id))  # fmt: skip
        self.right.setCurrentWidget(self.form)

    def read_card(self) -> None:
        if not self.form_open:
            self.card.capture(self.cameras.last_frame, self._staff)

    def photograph_badge(self) -> None:
        """Keep a photo of a badge the scanner cannot read, as a scan to resolve later."""
        frame = self.cameras.last_frame
        if frame is None:
            self.message.setText("No camera picture to keep. Use 'walk-in' and type the name.")
            return
        frame = frame.copy()
        self._photos_dir.mkdir(parents=True, exist_ok=True)
        path = self._photos_dir / f"badge-{datetime.now():%Y%m%d-%H%M%S-%f}.jpg"
        leads, event_id = self._leads, self._event.id
        staff_id = self._staff.id if self._staff else ""

        def work() -> ScanOutcome:
            if not cv2.imwrite(str(path), frame):
                raise OSError(f"could not write {path}")
            return leads.record_scan(event_id, "", image_path=str(path), staff_id=staff_id,
                                     source=LeadSource.BADGE_SCAN)  # fmt: skip

        self._runner.run(
            work,
            on_done=lambda _o: self.message.setText(
                f"Photo kept to resolve later ({path.name}). Type what you can read: F5."),
            on_error=lambda exc: self.message.setText(f"Photo not kept: {exc}"),
        )  # fmt: skip

    def _saved(self, lead: Lead) -> None:
        self.lead_saved.emit(lead)
        self.recent.insertItem(0, f"{lead.display_name} · {lead.contact.company} · "
                                  f"{lead.rating.value}")  # fmt: skip
        while self.recent.count() > 20:
            self.recent.takeItem(self.recent.count() - 1)
        self.message.setText(f"Saved {lead.display_name}. Next visitor!")
        self.show_ready()

    def show_ready(self) -> None:
        self.right.setCurrentWidget(self.ready)
        self.camera.setFocus()

    def shutdown(self) -> None:
        self.stop_camera()
