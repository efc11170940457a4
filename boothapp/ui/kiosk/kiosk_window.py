"""The kiosk shell: full screen, no chrome, one visitor at a time, no way out without a PIN.

Flow: attract -> (scan -> [roster match: confirm] or type) details -> questions -> consent ->
thanks -> attract. Every step is covered by the idle timeout; a reset clears every widget, the
clipboard and the visitor state, so the next visitor cannot reach anything of the previous one.

Privacy in a public aisle (issue 14): the camera runs only on the scan step, which a visitor
reaches by tapping "Scan my badge" or pressing a key; the attract screen shows no picture. A
read shows only what the badge itself carried; a roster match shows the first name and the
company until the visitor confirms it is them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QShortcut,
)
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from boothapp.app import AppContext
from boothapp.core.models import Contact, Event, Lead, LeadSource
from boothapp.services.hub_worker import HubState
from boothapp.services.leads import LeadDraft, ScanOutcome
from boothapp.services.staff import PinCheck, PinStatus
from boothapp.ui.i18n import apply_language
from boothapp.ui.kiosk.attract_page import AttractPage
from boothapp.ui.kiosk.confirm_page import ConfirmPage
from boothapp.ui.kiosk.consent_page import ConsentPage
from boothapp.ui.kiosk.details_page import DetailsPage
from boothapp.ui.kiosk.hub_footer import HubFooter
from boothapp.ui.kiosk.idle import IdleWatcher
from boothapp.ui.kiosk.pages import KioskStep
from boothapp.ui.kiosk.pin_pad import PinPad
from boothapp.ui.kiosk.questions_page import KioskQuestion, QuestionsPage
from boothapp.ui.kiosk.scan_step import ScanStep
from boothapp.ui.kiosk.strings import LANGUAGES, direction
from boothapp.ui.kiosk.thanks_page import ThanksPage
from boothapp.ui.pin_wait import PinWait
from boothapp.workers.tasks import TaskRunner

EXIT_CHORD = "Ctrl+Alt+Shift+X"
CORNER_PX = 90
CORNER_TAPS = 5
CORNER_WINDOW_MS = 3000
THANKS_MS = 6000
_NOT_A_START = {
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
    Qt.Key.Key_Escape, Qt.Key.Key_CapsLock, Qt.Key.Key_Tab,
}  # fmt: skip


@dataclass
class Visitor:
    """What the kiosk knows of the visitor in front of it; dropped on every reset."""

    draft: LeadDraft | None = None
    existing: Lead | None = None
    contact: Contact = field(default_factory=Contact)
    answers: dict[str, object] = field(default_factory=dict)


class KioskWindow(QWidget):
    lead_saved = Signal(object)  # Lead
    exit_unlocked = Signal(object)  # Staff: who typed the PIN; they are signed in as themself
    camera_wanted = Signal(bool)  # on only while the visitor is on the scan step

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        event: Event,
        questions: list[KioskQuestion] | None = None,
        languages: list[str] | None = None,
        consent_texts: dict[str, str] | None = None,
        idle_timeout_s: float = 30.0,
        show_keyboard: bool = True,
        has_camera: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")
        self.setWindowTitle(self.tr("{0} — BoothApp kiosk").format(event.name))
        self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.Window)
        # Read and tapped at arm's length: every button of every step gets a kiosk-size label.
        self.setStyleSheet(
            "QPushButton { font-size: 18pt; } QCheckBox::indicator { width: 36px; height: 36px; }"
        )
        self._ctx, self._runner, self._event = ctx, runner, event
        self.languages = languages or list(LANGUAGES)
        self.default_language = self.languages[0]
        self.language = self.default_language
        self.visitor = Visitor()
        self._unlocked = False
        self._saving = False
        self._checking_pin = False
        self._camera_on = False
        self.has_camera = has_camera
        # Bumped on every reset: a badge read that finishes after the visitor left is dropped.
        self._visit = 0

        self.attract = AttractPage(event.name, self.languages)
        self.attract.scan_button.setVisible(has_camera)
        self.scan_step = ScanStep()
        self.confirm = ConfirmPage()
        self.details = DetailsPage(show_keyboard=show_keyboard)
        self.questions = QuestionsPage(questions or [])
        self.consent = ConsentPage(consent_texts)
        self.thanks = ThanksPage()
        self.pin_pad = PinPad()
        self.steps: list[KioskStep] = [
            self.attract,
            self.scan_step,
            self.confirm,
            self.details,
            self.questions,
            self.consent,
            self.thanks,
            self.pin_pad,
        ]
        self.stack = QStackedWidget()
        for step in self.steps:
            self.stack.addWidget(step)
        self.countdown = QLabel()
        self.countdown.setObjectName("IdleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setStyleSheet(
            "background: #c0392b; color: white; font-size: 20pt; padding: 12px;"
        )
        self.countdown.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.countdown)
        layout.addWidget(self.stack, 1)
        # The event hub's line for staff (issue 19), when the kiosk joined one (``show_hub``).
        self.hub_footer = HubFooter()
        layout.addWidget(self.hub_footer)

        self.idle = IdleWatcher(idle_timeout_s, min(10.0, idle_timeout_s / 3), self)
        self.idle.countdown.connect(self._show_countdown)
        self.idle.timed_out.connect(self.reset)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            app.installEventFilter(self)
        self._corner_taps: list[int] = []
        self._corner_clock = QElapsedTimer()
        self._corner_clock.start()
        QShortcut(QKeySequence(EXIT_CHORD), self, self.open_pin_pad)
        self._thanks_timer = QTimer(self)
        self._thanks_timer.setSingleShot(True)
        self._thanks_timer.timeout.connect(self.reset)

        self.pin_wait = PinWait(self)
        self.pin_wait.ticked.connect(
            lambda s: self.pin_pad.error.setText(
                self.tr("Too many wrong PINs. Try again in {s} s").format(s=s)
            )
        )
        self.pin_wait.ended.connect(self.pin_pad.clear)

        self.attract.language_chosen.connect(self.set_language)
        self.attract.scan_requested.connect(self.start_scanning)
        self.attract.type_requested.connect(self._start_typing)
        self.scan_step.type_requested.connect(self._start_typing)
        self.scan_step.cancelled.connect(self.reset)
        self.confirm.confirmed.connect(self._confirmed)
        self.confirm.refused.connect(self._not_me)
        self.details.accepted.connect(self._details_done)
        self.details.cancelled.connect(self.reset)
        self.questions.accepted.connect(self._questions_done)
        self.questions.back.connect(lambda: self._go(self.details))
        self.consent.finished.connect(self._finish)
        self.consent.back.connect(self._consent_back)
        self.pin_pad.pin_entered.connect(self._check_pin)
        self.pin_pad.dismissed.connect(self.reset)
        self.set_language(self.default_language)
        self._go(self.attract)

    # -- navigation -------------------------------------------------------------------------
    @property
    def current_step(self) -> KioskStep:
        widget = self.stack.currentWidget()
        assert isinstance(widget, KioskStep)
        return widget

    def _go(self, step: KioskStep) -> None:
        self.stack.setCurrentWidget(step)
        if step is self.attract or step is self.pin_pad:
            self.idle.disarm()
        else:
            self.idle.arm()
        wanted = step is self.scan_step
        if wanted != self._camera_on:
            self._camera_on = wanted
            self.camera_wanted.emit(wanted)
        if step is self.details:
            self.details.first.setFocus()
        self.hub_footer.want(step is self.attract or step is self.pin_pad)

    def _show_countdown(self, seconds: int) -> None:
        if seconds <= 0:
            self.countdown.hide()
            return
        self.countdown.setText(
            self.tr("Still there? Starting over in {s} s — touch to continue").format(s=seconds)
        )
        self.countdown.show()

    def set_language(self, lang: str) -> None:
        # The kiosk is the only window on screen: the visitor's language is the app's until the
        # staff PIN hands the laptop back (the desktop re-applies its staff member's language).
        self.language = apply_language(lang)
        self.setLayoutDirection(direction(lang))
        for step in self.steps:
            step.retranslate(lang)
        self.hub_footer.retranslate()

    def show_hub(self, state: object) -> None:
        """The replicator's ``state_changed`` (a ``HubState``; None: no answer yet)."""
        self.hub_footer.show_hub(state if isinstance(state, HubState) else None)

    def reset(self) -> None:
        """Back to attract with nothing of the previous visitor anywhere: the camera stops,
        the decoded badge (payload, roster match) is dropped and a read still in flight is
        ignored when it lands."""
        self._visit += 1
        self._thanks_timer.stop()
        for step in self.steps:
            step.clear()
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        self.visitor = Visitor()
        self._saving = False
        self.countdown.hide()
        self.set_language(self.default_language)
        self._go(self.attract)

    # -- visitor flow -----------------------------------------------------------------------
    def start_scanning(self) -> None:
        """The visitor asked to scan: only now does the camera run and decode."""
        if self.current_step is self.attract and self.has_camera:
            self._go(self.scan_step)

    def handle_scan(self, payload: str, symbology: str = "", handheld: bool = False) -> None:
        """A badge was read. The camera's reads count on the scan step only; a handheld
        scanner's trigger is the visitor's own act, so it also counts on the attract step."""
        step = self.current_step
        if not payload or not (step is self.scan_step or (handheld and step is self.attract)):
            return
        leads, event_id, visit = self._ctx.leads, self._event.id, self._visit

        def work() -> tuple[ScanOutcome, Contact]:
            outcome = leads.record_scan(
                event_id, payload, symbology=symbology, source=LeadSource.KIOSK
            )
            return outcome, leads.parse(event_id, payload).contact

        self._runner.run(
            work,
            on_done=lambda read: self._scanned(visit, *read),
            on_error=lambda _exc: None,  # unreadable badge: keep showing the camera
        )

    def _scanned(self, visit: int, outcome: ScanOutcome, badge: Contact) -> None:
        if visit != self._visit or self.current_step not in (self.scan_step, self.attract):
            return  # the visitor left, or started typing, meanwhile
        # Never what staff noted, and nothing the badge did not carry until confirmed.
        self.visitor = Visitor(draft=outcome.draft, existing=outcome.existing)
        if outcome.from_roster:
            self.confirm.show_match(outcome.draft.contact)
            self._go(self.confirm)
        else:
            self.details.prefill(badge)
            self._go(self.details)

    def _confirmed(self) -> None:
        draft = self.visitor.draft
        if draft is not None:
            self.details.prefill(draft.contact)
        self.confirm.clear()
        self._go(self.details)

    def _not_me(self) -> None:
        self.visitor = Visitor()
        self.confirm.clear()
        self._go(self.scan_step if self.has_camera else self.attract)

    def _start_typing(self) -> None:
        self.visitor = Visitor()
        self._go(self.details)

    def _details_done(self, contact: Contact) -> None:
        self.visitor.contact = contact
        if self.questions.questions:
            self._go(self.questions)
        else:
            self._go(self.consent)

    def _questions_done(self, answers: dict[str, object]) -> None:
        self.visitor.answers = answers
        self._go(self.consent)

    def _consent_back(self) -> None:
        self._go(self.questions if self.questions.questions else self.details)

    def _finish(self, consent: bool, consent_text: str, brochure: bool) -> None:
        if self._saving:
            return
        self._saving = True
        visitor = self.visitor
        answers = {**visitor.answers, "literature_requested": brochure}
        base = visitor.draft or LeadDraft(event_id=self._event.id, source=LeadSource.KIOSK)
        draft = replace(
            base,
            contact=visitor.contact.merged_with(base.contact),
            answers=answers,
            consent_given=consent,
            consent_text=consent_text if consent else "",
            source=LeadSource.KIOSK,
        )
        leads = self._ctx.leads
        existing = visitor.existing

        def work() -> Lead:
            if existing is not None:
                current = leads.draft_of(existing)
                merged = replace(
                    current,
                    contact=draft.contact.merged_with(current.contact),
                    answers={**current.answers, **answers},
                    consent_given=consent or current.consent_given,
                    consent_text=draft.consent_text or current.consent_text,
                )
                return leads.save_lead(merged)
            return leads.save_lead(draft)

        self._runner.run(work, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, lead: Lead) -> None:
        self.lead_saved.emit(lead)
        first = self.visitor.contact.first_name
        for step in self.steps:
            if step is not self.thanks:
                step.clear()  # nothing stays behind the thank-you screen
        self.visitor = Visitor()
        self.thanks.show_for(first)
        self._go(self.thanks)
        self._thanks_timer.start(THANKS_MS)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.consent.text.setText(self.tr("Sorry, that did not work. Please ask our staff."))

    # -- leaving kiosk mode -----------------------------------------------------------------
    def open_pin_pad(self) -> None:
        self._visit += 1
        for step in self.steps:
            step.clear()  # the PIN pad is staff-only, but the visitor's data goes regardless
        self.visitor = Visitor()
        self._go(self.pin_pad)
        self.pin_pad.setFocus()
        staff, event_id = self._ctx.staff, self._event.id
        self._runner.run(lambda: staff.kiosk_seconds_locked(event_id), on_done=self._pin_locked)

    def _check_pin(self, pin: str) -> None:
        if self.pin_wait.active:  # the service would refuse it too; say why again
            self.pin_pad.error.setText(
                self.tr("Too many wrong PINs. Try again in {s} s").format(
                    s=self.pin_wait.seconds_shown
                )
            )
            return
        if self._checking_pin:
            return
        self._checking_pin = True
        staff, event_id = self._ctx.staff, self._event.id
        self._runner.run(
            lambda: staff.sign_in_any(event_id, pin),
            on_done=self._pin_checked,
            on_error=lambda _exc: self._pin_checked(PinCheck(PinStatus.WRONG)),
        )

    def _pin_checked(self, check: PinCheck) -> None:
        self._checking_pin = False
        if check.accepted and check.staff is not None:
            self._unlocked = True
            self.exit_unlocked.emit(check.staff)
            self.close()
        elif check.locked_for_s > 0:
            self._pin_locked(check.locked_for_s)
        else:
            self.pin_pad.show_wrong()

    def _pin_locked(self, seconds: float) -> None:
        if seconds > 0 and self.current_step is self.pin_pad:
            self.pin_pad.pad.clear()
            self.pin_wait.start(seconds)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here (each preview frame's paint): only keys
        # and mouse presses matter, told by ``isinstance`` before ``type()`` (issue 23).
        if not isinstance(event, (QKeyEvent, QMouseEvent)):
            return False
        if (
            event.type() == QEvent.Type.KeyPress
            and self.isVisible()
            and self.current_step is self.attract
            and isinstance(event, QKeyEvent)
            and event.key() not in _NOT_A_START
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.start_scanning()  # "press a key to start", as the attract screen offers
        if (
            isinstance(event, QMouseEvent)
            and event.type() == QEvent.Type.MouseButtonPress
            and self.isVisible()
        ):
            pos = self.mapFromGlobal(event.globalPosition().toPoint())
            if 0 <= pos.x() < CORNER_PX and 0 <= pos.y() < CORNER_PX:
                now = self._corner_clock.elapsed()
                self._corner_taps = [t for t in self._corner_taps if now - t < CORNER_WINDOW_MS]
                self._corner_taps.append(now)
                if len(self._corner_taps) >= CORNER_TAPS:
                    self._corner_taps.clear()
                    self.open_pin_pad()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # Escape never leaves kiosk mode
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._unlocked:
            event.ignore()  # Alt+F4 and friends: only the staff PIN closes the kiosk
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            app.removeEventFilter(self)
        super().closeEvent(event)
