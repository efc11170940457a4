"""The scan page booth staff live on: camera preview, then the lead form, then scan again.

A decoded badge (camera or handheld scanner) is recorded off the GUI thread and the form opens
pre-filled; a badge already captured opens its lead with "scanned before by X on Tue 18 Nov
10:42" (the event's clock, like every other screen).

Issue 15: every handheld burst ends in a visible and audible result (``result_shown``): read at
once, then accepted / duplicate / unreadable; a burst while the form is open waits as the next
visitor and opens when this one is saved or cancelled. Messages belong to the state that
raised them and go when it ends.
"""

from __future__ import annotations

import enum
import logging
import time
from datetime import datetime
from pathlib import Path

import cv2
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
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
from boothapp.services.hub_worker import HubProblem, HubState
from boothapp.services.leads import LeadDraft, LeadService, ScanOutcome
from boothapp.services.sightings import Sighting
from boothapp.ui.camera_controller import CameraController
from boothapp.ui.camera_view import CameraView
from boothapp.ui.card_capture import CardCapture
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, ZoneLabel, event_time
from boothapp.ui.lead_form import LeadForm
from boothapp.workers.decode_worker import DecodeWorker
from boothapp.workers.tasks import TaskRunner

log = logging.getLogger(__name__)

PRIVACY_CHOICES = (
    (0, QT_TRANSLATE_NOOP("ScanPage", "Keep last visitor")),
    (10, QT_TRANSLATE_NOOP("ScanPage", "Hide after 10 s")),
    (30, QT_TRANSLATE_NOOP("ScanPage", "Hide after 30 s")),
    (60, QT_TRANSLATE_NOOP("ScanPage", "Hide after 1 min")),
)


def scanned_before_text(lead: Lead, zone: str, first_seen: Sighting | None = None) -> str:
    """The banner over an existing lead: who captured the visitor first and when, on the
    event's clock like every other screen, and, when it was another device of the event hub
    (issue 19), which one: "Scanned before by Ayşe on Thu 03 Dec 10:31 (laptop 2): ..."."""
    when = event_time(first_seen.at if first_seen is not None else lead.created_at, zone)
    at = QCoreApplication.translate("ScanPage", " on {when}").format(when=when) if when else ""
    if first_seen is not None and not first_seen.this_device:
        who = first_seen.staff_name or QCoreApplication.translate("ScanPage", "someone")
        device = first_seen.device_name or QCoreApplication.translate("ScanPage", "another device")
        return QCoreApplication.translate(
            "ScanPage",
            "Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.",
        ).format(who=who, at=at, device=device)
    who = lead.staff_name or (first_seen.staff_name if first_seen else "")
    who = who or QCoreApplication.translate("ScanPage", "someone on this device")
    return QCoreApplication.translate(
        "ScanPage", "Scanned before by {who}{at}: this is the existing lead, no duplicate made."
    ).format(who=who, at=at)


class _HubWords(QObject):
    """Home of the strip's plural. lupdate marks a message numerus only in ``self.tr``; from
    ``QCoreApplication.translate`` it took "%n change(s) waiting" as a plain message, so Greek
    and German always showed the singular form."""

    def waiting(self, count: int) -> str:
        return self.tr("%n change(s) waiting", "", count)


def hub_text(state: HubState | None) -> str:
    """ "Hub online · all changes shared" / "Hub offline, leads are kept here · 3 changes
    waiting"; when the hub is there but will not work with this device, what to do about it
    (the hub's own words are in the tooltip)."""
    if state is None:
        return QCoreApplication.translate("ScanPage", "Hub: connecting…")
    # Statements and a plain name for the count: lupdate skips a string inside a conditional
    # expression or with an attribute as its count, and the line stayed English.
    count = state.waiting
    if count:
        waiting = _HubWords().waiting(count)
    else:
        waiting = QCoreApplication.translate("ScanPage", "all changes shared")
    if state.online:
        return QCoreApplication.translate("ScanPage", "Hub online · {waiting}").format(
            waiting=waiting
        )
    if state.problem is HubProblem.REFUSED:
        line = QCoreApplication.translate(
            "ScanPage", "Hub refused this device (revoked or wrong password) · {waiting}"
        )
    elif state.problem is HubProblem.TLS:
        line = QCoreApplication.translate(
            "ScanPage", "Hub's certificate not accepted (TLS), leads are kept here · {waiting}"
        )
    elif state.problem is HubProblem.SCHEMA:
        line = QCoreApplication.translate(
            "ScanPage", "Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}"
        )
    elif state.problem is HubProblem.ERROR:
        line = QCoreApplication.translate("ScanPage", "Hub error, leads are kept here · {waiting}")
    else:
        line = QCoreApplication.translate(
            "ScanPage", "Hub offline, leads are kept here · {waiting}"
        )
    return line.format(waiting=waiting)


class ScanResult(enum.StrEnum):
    """What a scan came to, shown and sounded at once (issue 15)."""

    READ = "read"  # the burst is in; the lead is being looked up
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    UNREADABLE = "unreadable"
    QUEUED = "queued"  # read while a form was open: the next visitor


RESULT_MARKS = {
    ScanResult.READ: "…",
    ScanResult.ACCEPTED: "✔",
    ScanResult.DUPLICATE: "↺",
    ScanResult.UNREADABLE: "✖",
    ScanResult.QUEUED: "⏭",
}


class ScanPage(QWidget):
    lead_saved = Signal(object)  # Lead
    scan_to_form_ms = Signal(float)  # latency of the last scan, for the status bar and benchmarks
    result_shown = Signal(str, str)  # ScanResult value, the words on screen (GUI thread)
    privacy_changed = Signal(int)  # seconds after which the last visitor is hidden; 0 = off

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
        self._next_visitor: tuple[str, str, LeadSource] | None = None
        self._form_shown_once = False

        self.camera = CameraView()
        self.camera_status = QLabel(self.tr("Camera off"))
        self.cameras = CameraController(
            self.camera, decoder, self, no_camera_hint=self.tr("A handheld scanner still works.")
        )
        self.cameras.scanned.connect(self._symbol)
        self.cameras.status_changed.connect(self.camera_status.setText)
        self.camera_status.setProperty("role", "muted")
        # Offline/online, waiting to sync, my leads today and my rank (issue 15): filled by
        # ``show_status`` from services read off the GUI thread.
        self.status_strip = QLabel("")
        self.status_strip.setObjectName("BoothStatusStrip")
        self.status_strip.setWordWrap(True)
        # The event hub (issue 19): online or not and how many of this device's changes wait
        # to reach the others; shown only on a device that joined a hub (``show_hub``).
        self.hub_strip = QLabel("")
        self.hub_strip.setObjectName("HubStatusStrip")
        self.hub_strip.setWordWrap(True)
        self.hub_strip.hide()
        # Short words: side by side under the camera they set the window's minimum width.
        self.walk_in = QPushButton(self.tr("Walk-in (F5)"))
        self.walk_in.setToolTip(self.tr("A visitor without a badge: type their details"))
        self.photo = QPushButton(self.tr("Badge photo"))
        self.photo.setToolTip(self.tr("The badge cannot be read: keep a photo to type it in later"))
        for b in (self.walk_in, self.photo):
            b.setMinimumHeight(48)
        self.walk_in.clicked.connect(self.start_walk_in)
        self.photo.clicked.connect(self.photograph_badge)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.camera, 1)
        lv.addWidget(self.camera_status)
        lv.addWidget(self.status_strip)
        lv.addWidget(self.hub_strip)
        row = QHBoxLayout()
        row.addWidget(self.walk_in)
        row.addWidget(self.photo)
        lv.addLayout(row)

        self.form = LeadForm(leads, runner, event, cfg, cfg.consent_text)
        # Issue 20: one photo of a business card fills the form (ui/card_capture.py).
        self.card = CardCapture(leads, runner, event, self.form, photos_dir)
        self.card.card_read.connect(self._card_read)
        # The barcode decoder rests while a card is read, and only then (issue 20).
        self.card.no_card.connect(lambda _msg: self.cameras.set_decoding_paused(False))
        self.card.button.clicked.connect(self.read_card)
        row.insertWidget(1, self.card.button)
        lv.insertWidget(1, self.card)
        self.form.saved.connect(self._saved)
        self.form.cancelled.connect(self.show_ready)
        self.ready = QWidget()
        rv = QVBoxLayout(self.ready)
        self.ready_title = QLabel(self.tr("Ready to scan"))
        self.ready_title.setProperty("role", "title")
        self.ready_hint = QLabel(
            self.tr(
                "Hold a badge up to the camera, or scan it with the handheld scanner.\n"
                "F5: walk-in without badge · F6: photo of a business card"
            )
        )
        self.ready_hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("ScanMessage")
        self.message.setWordWrap(True)
        self.result = QLabel()
        self.result.setObjectName("ScanResult")
        self.result.setProperty("role", "title")
        self.zone_label = ZoneLabel(event.timezone)
        self.zone_label.setProperty("role", "muted")
        self.recent = QListWidget()
        self.recent.setObjectName("RecentLeads")
        # Screen privacy (issue 14): the previous visitor's name and company leave the screen
        # after N seconds, for the next visitor's eyes; off by default.
        self.privacy = QComboBox()
        self.privacy.setObjectName("PrivacyChoice")
        for seconds, label in PRIVACY_CHOICES:
            self.privacy.addItem(self.tr(label), seconds)
        self.privacy.setToolTip(self.tr("Hide the last visitor's name and company from the screen"))
        self.privacy.activated.connect(
            lambda i: self.privacy_changed.emit(int(self.privacy.itemData(i)))
        )
        self._privacy_timer = QTimer(self)
        self._privacy_timer.setSingleShot(True)
        self._privacy_timer.timeout.connect(self.hide_previous_visitor)
        rv.addWidget(self.ready_title)
        rv.addWidget(self.ready_hint)
        rv.addWidget(self.result)
        rv.addWidget(self.message)
        rv.addWidget(self.zone_label)
        recent_row = QHBoxLayout()
        self.recent_title = QLabel(self.tr("Just captured"))
        recent_row.addWidget(self.recent_title, 1)
        recent_row.addWidget(self.privacy)
        rv.addLayout(recent_row)
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
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        QShortcut(QKeySequence("F5"), self, self.start_walk_in)
        QShortcut(QKeySequence("F6"), self, self.read_card)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def paint_ahead(self) -> None:
        """Paint the page and the lead form once off screen, before the window shows: their
        first paint on screen polishes every widget against the style sheet, lays them out
        and lays out their text, which the first scan paid on the GUI thread (its
        scan-to-form took ~35 ms of the GUI thread's CPU against ~20 ms for later ones,
        a 33 ms stall in bench/ui_latency.py, issue 23). A hidden widget renders too."""
        self.grab()
        self.form.grab()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._form_shown_once:
            # The form's first show on screen (its widgets shown for the first time: ~5 ms)
            # is paid here, with the page's own first paint at sign-in, not by the first
            # scan; shown and hidden in one go, it is never painted (issue 23).
            self._form_shown_once = True
            current = self.right.currentWidget() or self.ready
            self.right.setCurrentWidget(self.form)
            self.right.setCurrentWidget(current)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        if not self.cameras.running:
            self.camera_status.setText(self.tr("Camera off"))
        self.walk_in.setText(self.tr("Walk-in (F5)"))
        self.walk_in.setToolTip(self.tr("A visitor without a badge: type their details"))
        self.photo.setText(self.tr("Badge photo"))
        self.photo.setToolTip(self.tr("The badge cannot be read: keep a photo to type it in later"))
        self.ready_title.setText(self.tr("Ready to scan"))
        self.ready_hint.setText(
            self.tr(
                "Hold a badge up to the camera, or scan it with the handheld scanner.\nF5: "
                "walk-in without badge · F6: photo of a business card"
            )
        )
        self.privacy.setToolTip(self.tr("Hide the last visitor's name and company from the screen"))
        self.recent_title.setText(self.tr("Just captured"))
        choices = dict(PRIVACY_CHOICES)
        for i in range(self.privacy.count()):
            seconds = int(self.privacy.itemData(i))
            self.privacy.setItemText(
                i,
                self.tr(choices[seconds])
                if seconds in choices
                else self.tr("Hide after {0} s").format(seconds),
            )

    # -- staff and camera -------------------------------------------------------------------
    def set_staff(self, staff: Staff | None) -> None:
        self._staff = staff
        if staff is not None:
            self.message.clear()  # "Sign in first" ended with the sign-in

    @property
    def form_open(self) -> bool:
        return self.right.currentWidget() is self.form

    def start_camera(self, spec: str) -> None:
        """Start the camera (index, video file, folder or stream URL); errors are shown."""
        self.camera_spec = spec
        self.cameras.start(spec)

    def stop_camera(self) -> None:
        self.cameras.stop()

    def set_no_camera(self, reason: str) -> None:
        """ "No camera" picked: nothing runs, the preview says why, and nothing brings the old
        source back (kiosk exit restarts ``camera_spec``, now empty)."""
        self.camera_spec = ""
        self.cameras.go_dark(reason)

    @property
    def _worker(self) -> DecodeWorker | None:  # benchmarks hook into the running worker
        return self.cameras.worker

    # -- scans ------------------------------------------------------------------------------
    def _symbol(self, result: DecodeResult) -> None:
        if self._staff is None:
            # The camera runs behind the sign-in page: a badge passing by then would open a
            # lead nobody owns and hold the form open for whoever signs in next.
            self.message.setText(self.tr("Sign in first: badges seen by the camera are not kept."))
            return
        if self.form_open:
            if result.text != self.form.raw_payload:
                # The camera sees whoever walks past: say so on this form only (cleared when
                # the form closes or loads another visitor), never keep or queue it.
                self.form.set_notice(self.tr("Another badge was seen by the camera: save or "
                                             "cancel this "
                                     "lead first."))  # fmt: skip
            return
        self.handle_payload(result.text, result.symbology, LeadSource.BADGE_SCAN)

    def show_result(self, kind: ScanResult, text: str) -> None:
        """Seen and heard at once: the result line, the preview flash and a beep."""
        words = f"{RESULT_MARKS[kind]} {text}"
        self.result.setText(words)
        self.camera.flash(words)
        if kind is not ScanResult.ACCEPTED:  # the form opening is the accepted scan's sign
            QApplication.beep()
        self.result_shown.emit(kind.value, words)

    def handle_payload(
        self, payload: str, symbology: str = "", source: LeadSource = LeadSource.HANDHELD
    ) -> None:
        """A badge was read: keep the scan and open its lead (new or existing)."""
        if not payload.strip():
            self.show_result(
                ScanResult.UNREADABLE, self.tr("Unreadable: the scanner sent nothing usable")
            )
            return
        if self.form_open:
            # Never throw away what staff are typing, and never type the badge into a field:
            # it is the next visitor, opened when this lead is saved or cancelled.
            self._next_visitor = (payload, symbology, source)
            self.form.set_notice(self.tr("Next visitor's badge is read: it opens when you save or "
                                 "cancel this lead."))  # fmt: skip
            self.show_result(ScanResult.QUEUED, self.tr("Next visitor waiting"))
            return
        self.show_result(ScanResult.READ, self.tr("Badge read"))
        self.message.clear()  # what the last visitor left said belongs to them
        self._pending_since = time.perf_counter()
        leads, event_id = self._leads, self._event.id
        staff_id = self._staff.id if self._staff else ""
        self._runner.run(
            lambda: leads.record_scan(
                event_id, payload, symbology=symbology, source=source, staff_id=staff_id
            ),
            on_done=self._scan_recorded,
            on_error=lambda exc: self.show_result(
                ScanResult.UNREADABLE, self.tr("Scan not kept: {0}").format(exc)
            ),
        )

    def _scan_recorded(self, outcome: ScanOutcome) -> None:
        if outcome.existing is not None:
            draft = self._leads.draft_of(outcome.existing)
            banner = scanned_before_text(outcome.existing, self._event.timezone, outcome.first_seen)
            self.show_result(
                ScanResult.DUPLICATE, self.tr("Scanned before: {0}").format(draft.contact.full_name)
            )
        elif outcome.warnings and not (
            outcome.draft.contact.full_name or outcome.draft.contact.email
            or outcome.draft.badge_key
        ):  # fmt: skip
            self.show_result(ScanResult.UNREADABLE, self.tr("Unreadable badge: ") + "; ".join(
                outcome.warnings))  # fmt: skip
            draft = outcome.draft
            banner = "; ".join(outcome.warnings)
        else:
            draft = outcome.draft
            banner = ""
            name = draft.contact.full_name or draft.contact.email or self.tr("new visitor")
            self.show_result(ScanResult.ACCEPTED, self.tr("New lead: {0}").format(name))
        # Shown first, then loaded: focus only sticks on a visible widget.
        self.right.setCurrentWidget(self.form)
        self.form.load(draft, scan_id=outcome.scan.id, banner=banner)
        name = draft.contact.full_name or draft.contact.email or self.tr("Badge scanned")
        self.camera.flash(self.tr("✔ {0}").format(name))
        if self._pending_since is not None:
            self.last_latency_ms = (time.perf_counter() - self._pending_since) * 1000
            self.scan_to_form_ms.emit(self.last_latency_ms)
            self._pending_since = None

    def start_walk_in(self) -> None:
        if self.form_open:
            return
        staff_id = self._staff.id if self._staff else ""
        self.message.clear()
        self.right.setCurrentWidget(self.form)
        self.form.load(LeadDraft(event_id=self._event.id, source=LeadSource.MANUAL,
                                 staff_id=staff_id))  # fmt: skip

    def _card_read(self, _result: object) -> None:
        self.cameras.set_decoding_paused(False)
        self.right.setCurrentWidget(self.form)

    def read_card(self) -> None:
        if not self.form_open:
            self.cameras.set_decoding_paused(True)  # resumed by card_read or no_card
            self.card.capture(self.cameras.last_frame, self._staff)

    def photograph_badge(self) -> None:
        """Keep a photo of a badge the scanner cannot read, as a scan to resolve later."""
        frame = self.cameras.last_frame
        if frame is None:
            self.message.setText(
                self.tr("No camera picture to keep. Use 'walk-in' and type the name.")
            )
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
                self.tr("Photo kept to resolve later ({0}). Type what you can read: F5.").format(
                    path.name
                )
            ),
            on_error=lambda exc: self.message.setText(self.tr("Photo not kept: {0}").format(exc)),
        )

    def _saved(self, lead: Lead) -> None:
        self.lead_saved.emit(lead)
        self.recent.insertItem(
            0,
            self.tr("{0} · {1} · {2}").format(
                lead.display_name, lead.contact.company, lead.rating.value
            ),
        )
        while self.recent.count() > 20:
            self.recent.takeItem(self.recent.count() - 1)
        self.message.setText(self.tr("Saved {0}. Next visitor!").format(lead.display_name))
        seconds = int(self.privacy.currentData() or 0)
        if seconds:
            self._privacy_timer.start(seconds * 1000)
        self.show_ready()

    def set_privacy(self, seconds: int) -> None:
        """Hide the previous visitor after ``seconds`` (0: never)."""
        index = self.privacy.findData(seconds)
        if index < 0:
            self.privacy.addItem(self.tr("Hide after {0} s").format(seconds), seconds)
            index = self.privacy.count() - 1
        self.privacy.setCurrentIndex(index)
        if not seconds:
            self._privacy_timer.stop()

    def hide_previous_visitor(self) -> None:
        """Names and companies of earlier visitors leave the screen (nothing is deleted)."""
        self._privacy_timer.stop()
        if self.form_open:
            return  # the visitor on the form is the current one, not the previous
        count = self.recent.count()
        self.recent.clear()
        if count:
            self.recent.addItem(self.tr("{0} visitor(s) hidden for privacy").format(count))
        self.message.clear()
        self.result.clear()

    def show_ready(self) -> None:
        self.form.set_notice("")
        self.right.setCurrentWidget(self.ready)
        self.camera.setFocus()
        queued, self._next_visitor = self._next_visitor, None
        if queued is not None:
            self.handle_payload(*queued)  # the badge read while the last form was open

    def show_status(self, text: str) -> None:
        self.status_strip.setText(text)

    def show_hub(self, state: HubState | None) -> None:
        """The hub line of the strip; None: this device is joined, no answer yet."""
        self.hub_strip.setText(hub_text(state))
        self.hub_strip.setToolTip(state.error if state is not None else "")
        self.hub_strip.setProperty("role", "" if state is not None and state.online else "muted")
        self.hub_strip.show()

    def shutdown(self) -> None:
        self.cameras.shutdown()  # app exit: the one place that waits for the threads
