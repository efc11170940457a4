"""The booth's desktop window: sign in, scan, leads, dashboard, event settings.

Composes the pages for one event; every page gets only the services it needs.
"""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QToolBar, QWidget

from boothapp.app import AppContext
from boothapp.capture.cameras import list_cameras
from boothapp.core.clock import zone_of
from boothapp.core.followups.timing import PublicHolidays
from boothapp.core.hygiene.clean import clean_contact
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.hygiene.emails import email_problem
from boothapp.core.hygiene.phones import preload_metadata, to_e164
from boothapp.core.i18n import label
from boothapp.core.i18n_format import format_number
from boothapp.core.models import Contact, Event, Lead, LeadSource, Rating, Staff, StaffRole
from boothapp.services.booth_status import BoothStatus, booth_status, status_text
from boothapp.services.followup_mail import SentFolderAccess, mail_setup, store_mail_password
from boothapp.services.followup_types import SendReport
from boothapp.services.lead_changes import LeadsChanged
from boothapp.services.orphan_scans import OrphanScan
from boothapp.services.sync import SyncSummary
from boothapp.settings import NO_CAMERA
from boothapp.sync.engine import StopReason, SyncProgress
from boothapp.sync.mail import SmtpSettings
from boothapp.sync.pacing import BreakerState
from boothapp.ui.audit_page import AuditPage
from boothapp.ui.camera_picker import CameraPicker
from boothapp.ui.dashboard_page import DashboardPage
from boothapp.ui.delete_review_page import DeleteReviewPage
from boothapp.ui.event_settings_page import EventSettingsPage
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, apply_language, current_language, system_language
from boothapp.ui.keyboard_wedge import KeyboardWedge
from boothapp.ui.leads_page import LeadsPage
from boothapp.ui.main_window import MainWindow
from boothapp.ui.manager_gate import ManagerGate
from boothapp.ui.results_page import ResultsPage
from boothapp.ui.scan_page import ScanPage
from boothapp.ui.sign_in_page import SignInPage
from boothapp.ui.sync_page import SyncPage, breaker_text
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.background import Background
from boothapp.workers.tasks import TaskRunner


def scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


# The status strip is read at most this often: at 50k leads one read took a core 0.2-2.5 s,
# and on a busy stand every save asked for one (bench/ui_latency.py session 1, issue 23).
STATUS_GAP_MS = 5000

# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).
GIL_SWITCH_S = 0.0005


def warm_up(country: str) -> None:
    """Pay off the GUI thread, at start, for what the first scan and save use for the first
    time: phone metadata and its patterns, the e-mail checker, the number formats of the
    status strip. Each first use froze the scan page 70-190 ms mid-session, on an empty
    database too (bench/ui_latency.py stall causes, issue 23)."""
    preload_metadata()
    for region, number in ((country or "US", "020 7946 0958"), ("US", "+1 312 555 0100"),
                           ("DE", "+49 30 901820"), ("TR", "+90 212 555 0100")):  # fmt: skip
        to_e164(number, region)
    email_problem("visitor@example.com")
    format_number(1234)
    # The form's score line on its first load: pycountry's tables (a JSON parse, 35 ms of the
    # GUI thread under load) and the core's label catalogue (an import; issue 23).
    clean_contact(Contact(first_name="Ann", country="Deutschland", title="Buyer"), country)
    normalise_country("DE")
    label(Rating.HOT)
    # The follow-up sender's first re-plan of a due mail imports the holiday tables (280
    # modules): on the auto-sender's pool thread mid-scan it held the GIL and set off a full
    # collection (bench/ui_latency.py session 1 on a days-old event, issue 23).
    today = datetime.now(UTC).date()
    for region in {country or "US", "US", "DE", "TR", "GB"}:
        PublicHolidays().holiday_name(region, today)


class DesktopWindow(MainWindow):
    lead_sheet_written = Signal(str)  # path

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        event: Event,
        background: Background | None = None,
    ) -> None:
        super().__init__(event.name)
        self.ctx, self.runner, self._event = ctx, runner, event
        # Sync, auto-send and the lead-change broadcast: built once per shell, not by a page.
        self.background = background or Background(
            ctx.changes, ctx.sync, ctx.followups, runner, event.id, self, hub=ctx.hub,
            privacy=ctx.privacy,
        )  # fmt: skip
        self.staff: Staff | None = None
        cfg = ctx.configs.get(event.id)
        self.sign_in = SignInPage(ctx.staff, runner, event.id)
        self.scan = ScanPage(ctx.leads, runner, event, cfg, ctx.paths.photos_dir)
        self.leads = LeadsPage(ctx.queries, ctx.leads, runner, event.id,
                               cfg=cfg, zone=event.timezone)  # fmt: skip
        self.dashboard = DashboardPage(ctx.dashboard, runner, event.id, event.timezone)
        self.settings_page = EventSettingsPage(ctx.configs, runner, event)
        self.settings_page.set_manager(False)  # until a manager signs in
        # Read when shown (_page_changed), not at start beside the scan page (issue 23).
        self.followups = FollowUpQueuePage(ctx.followups, runner, event, load=False)
        self._mail: tuple[SmtpSettings | None, SentFolderAccess | None] = (None, None)
        self.followups.password_entered.connect(self._mail_password_entered)
        self.leads.detail.set_followup_service(ctx.followups)
        self.autosend = self.background.autosend
        self.autosend.sent.connect(self._autosent)
        self.autosend.failed.connect(
            lambda message: self.statusBar().showMessage(
                self.tr("Follow-up mail: {0}").format(message), 10000
            )
        )
        if self.background.retention is not None:  # the event's retention rule (issue 18)
            self.background.retention.swept.connect(
                lambda n: self.statusBar().showMessage(
                    self.tr("Retention rule: %n lead(s) past the event's limit erased", "", n),
                    15000,
                )
            )
            self.background.retention.failed.connect(
                lambda message: self.statusBar().showMessage(
                    self.tr("Retention rule: {0}").format(message), 10000
                )
            )
        self.leads.detail.lead_sheet_requested.connect(self.write_lead_sheet)
        runner.run(
            lambda: mail_setup(ctx.followups, ctx.paths.data_dir, event.id),
            on_done=self._mail_ready,
        )
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Sign in"), self.sign_in)
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Scan"), self.scan, "F1")
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Leads"), self.leads, "F2")
        # Its tiles need more than a 1280x800 screen leaves below the toolbar: it scrolls, and
        # the window keeps to the screen (it stayed 854 px tall after a visit, issue 21).
        self.dashboard_scroll = scrolling(self.dashboard)
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Dashboard"), self.dashboard_scroll, "F3")
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Follow-ups"), self.followups, "F4")
        self.sync_page = SyncPage(ctx.sync, runner, event, worker=self.background.sync_worker)
        # Taller than a 1280x800 screen leaves room for: it scrolls, the window fits (issue 15).
        self.sync_scroll = scrolling(self.sync_page)
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "CRM sync"), self.sync_scroll, "F7")
        # F6 is the scan page's card key
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Event settings"), self.settings_page, "F8")
        self.results = ResultsPage(ctx.results, runner, event, ctx.deals)  # managers, issue 22
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Results"), self.results, "F9")
        if self.background.hub_worker is not None:  # joined to an event hub (issue 19)
            self.scan.show_hub(None)
            self.background.hub_worker.state_changed.connect(self.scan.show_hub)
        # Manager pages (issue 18): a manager's PIN opens them for whoever is signed in.
        self.review = DeleteReviewPage(ctx.leads, ctx.privacy, runner, event.id, event.timezone)
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Deletion requests"), self.review)
        self.audit_page = AuditPage(ctx.audit, runner, event.id, event.timezone)
        self.add_page(QT_TRANSLATE_NOOP("Navigation", "Audit log"), self.audit_page)
        self.gate = ManagerGate(ctx.staff, runner, event.id, self)
        self._manager: Staff | None = None  # the manager whose PIN opened a manager page
        self._unfinished_offered = False
        self.unfinished: QWidget | None = None  # the unfinished-visitors dialog, when open
        self._manager_pages: dict[QWidget, str] = {
            self.sync_scroll: self.tr("CRM sync"),
            self.settings_page: self.tr("Event settings"),
            self.review: self.tr("Deletion requests"),
            self.audit_page: self.tr("Audit log"),
        }
        self.background.start()
        # Background runs happen while staff scan: a CRM that is down or refuses the login is
        # said in the status bar, not only on the sync page.
        self.background.sync_worker.progress.connect(self._sync_progress)
        self.background.sync_worker.finished.connect(self._sync_finished)
        self.background.lead_events.changed.connect(self._leads_changed)
        self.sign_in.signed_in.connect(self._signed_in)
        self.scan.lead_saved.connect(self._lead_saved)
        self.scan.set_privacy(ctx.settings.privacy_hide_after_s)
        self.scan.privacy_changed.connect(self._privacy_chosen)
        self.scan.scan_to_form_ms.connect(
            lambda ms: self.statusBar().showMessage(
                self.tr("Scan to form: {0:.0f} ms").format(ms), 4000
            )
        )
        self.nav.currentRowChanged.connect(self._page_changed)
        self.who = QLabel()
        self._locked = False
        toolbar = QToolBar("Booth")
        toolbar.setMovable(False)
        toolbar.addWidget(self.who)
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        toolbar.addAction(self.lock_action)
        self.theme_action = QAction(self)
        self.theme_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.theme_action.triggered.connect(self.toggle_theme)
        toolbar.addAction(self.theme_action)
        self.export_action = QAction(self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.open_export)
        toolbar.addAction(self.export_action)
        self.kiosk_action = QAction(self)
        self.kiosk_action.setShortcut(QKeySequence("Ctrl+K"))
        self.kiosk_action.triggered.connect(self.start_kiosk)
        toolbar.addAction(self.kiosk_action)
        self.roster_action = QAction(self)
        self.roster_action.triggered.connect(self.open_roster_import)
        toolbar.addAction(self.roster_action)
        self._retranslate_toolbar()
        # Issue 21: each staff member's language, chosen on the sign-in page, kept per device.
        self.sign_in.set_remembered_languages(ctx.settings.staff_languages)
        self.sign_in.language_chosen.connect(apply_language)
        extra = {}
        if (
            ctx.settings.camera
            and ctx.settings.camera != NO_CAMERA
            and (not ctx.settings.camera.isdigit())
        ):
            extra["Current: " + ctx.settings.camera.rsplit("/", 1)[-1]] = ctx.settings.camera
        self.camera_picker = CameraPicker(ctx.settings.camera, extra)
        self.camera_picker.camera_chosen.connect(self.choose_camera)
        runner.run(list_cameras, on_done=self.camera_picker.set_cameras)
        toolbar.addWidget(self.camera_picker)
        self.addToolBar(toolbar)
        self._kiosk: object | None = None
        # Handheld scanners type the badge anywhere in the app; a burst goes to the scan page.
        # The wedge watches the focus widget only, not every event of the app (issue 23).
        self.wedge = KeyboardWedge()
        self.wedge.scanned.connect(self._handheld_scan)
        self.wedge.install()
        # One status read at a time, at most one per STATUS_GAP_MS (see refresh_booth_status).
        self._status_reading = self._status_again = False
        self._status_gap = QTimer(self)
        self._status_gap.setSingleShot(True)
        self._status_gap.setInterval(STATUS_GAP_MS)
        self._status_gap.timeout.connect(self._status_gap_over)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(30_000)
        self._status_timer.timeout.connect(self.refresh_booth_status)
        self._status_timer.start()
        self.sign_in.refresh()
        self.show_page(0)
        self.scan.paint_ahead()  # the first scan's form opens as fast as the next ones
        country = event.country
        # First uses paid before the first visitor; what they leave is frozen with the rest.
        runner.run(lambda: warm_up(country), on_done=lambda _none: gc.freeze())
        # Everything built so far (Qt wrappers, services, SQLAlchemy and phonenumbers metadata)
        # lives as long as the window. A full garbage collection walks all of it while holding
        # the GIL, which froze the preview and the form for ~80-100 ms every half minute of
        # scanning (bench/ui_latency.py); frozen objects are skipped by the collector.
        gc.freeze()
        # The GUI thread needs the GIL each time it enters Python (the preview's paint and
        # frame slot, timers; every event while the keyboard wedge filtered the whole app).
        # Python lets a background task keep it up to the switch interval (5 ms) each time it
        # is asked: a paint of a few dozen widgets then waited 100-300 ms behind a pool
        # thread's query (bench/ui_latency.py, issue 23).
        sys.setswitchinterval(GIL_SWITCH_S)

    # -- navigation -------------------------------------------------------------------------
    def _page_changed(self, index: int) -> None:
        page = self.pages.widget(index)
        left, self._shown_page = getattr(self, "_shown_page", None), page
        if left is self.settings_page and page is not left and not self._leave_settings():
            return
        if self.staff is None and page is not self.sign_in:
            self.show_page(0)  # locked: nothing behind the sign-in page shows without a PIN
            return
        if page in self._manager_pages:
            if not self._manager_open(page, left):
                return
        elif self._manager is not None:  # left the manager pages: the PIN's grant ends
            self._close_manager()
        if page is self.leads:
            self.leads.refresh()
        elif page is self.dashboard_scroll:
            self.dashboard.refresh()
        elif page is self.results:
            self.results.refresh()
        elif page is self.followups:
            self.followups.refresh()

    def _manager_open(self, page: QWidget, left: QWidget | None) -> bool:
        """A manager page shows for a signed-in manager, or after a manager's PIN (issue 18);
        meanwhile the page that was on screen stays."""
        acting = self._manager or (self.staff if self.staff and self.staff.is_manager else None)
        if acting is not None:
            self._open_manager_page(acting, page)
            return True
        self._back_to(left)

        def granted(manager: Staff) -> None:
            self._manager = manager
            self._shown_page = page
            self.nav.blockSignals(True)
            self.show_page(self.pages.indexOf(page))
            self.pages.setCurrentWidget(page)
            self.nav.blockSignals(False)
            self._open_manager_page(manager, page)

        self.gate.require(self.staff, self._manager_pages[page], granted)
        return False

    def _open_manager_page(self, manager: Staff, page: QWidget) -> None:
        if self.staff is not None and manager.id != self.staff.id:
            self.who.setText(
                self.tr("Signed in: {staff} · manager: {manager}").format(
                    staff=self.staff.name, manager=manager.name
                )
            )
        self.settings_page.set_manager(True, manager.id)
        self.review.set_manager(manager.id)
        if page is self.review:
            self.review.refresh()
        elif page is self.audit_page:
            self.audit_page.refresh()

    def _close_manager(self) -> None:
        self._manager = None
        staff = self.staff
        self._show_who()
        self.settings_page.set_manager(bool(staff and staff.is_manager), staff.id if staff else "")

    def _back_to(self, page: QWidget | None) -> None:
        target = page if page is not None and page not in self._manager_pages else self.scan
        if self.staff is None:
            target = self.sign_in
        self._shown_page = target
        self.nav.blockSignals(True)
        self.show_page(self.pages.indexOf(target))
        self.pages.setCurrentWidget(target)
        self.nav.blockSignals(False)

    def _leave_settings(self) -> bool:
        """Unsaved event settings ask before the page is left (issue 15)."""
        if self.settings_page.confirm_leave():
            return True
        self._shown_page = self.settings_page
        self.nav.blockSignals(True)  # back to the settings without asking again
        self.show_page(self.pages.indexOf(self.settings_page))
        self.pages.setCurrentWidget(self.settings_page)
        self.nav.blockSignals(False)
        return False

    def _signed_in(self, staff: Staff) -> None:
        if staff.role is StaffRole.KIOSK:
            # A kiosk stand's account (issue 18): visitors' self-registration, nothing else.
            self.sign_in.refresh()
            self.start_kiosk()
            return
        self.staff = staff
        self._manager = None
        self.settings_page.set_manager(staff.is_manager, staff.id)
        self._locked = False
        self._show_who()
        if self.ctx.settings.staff_languages.get(staff.id) != current_language():
            self.ctx.settings.staff_languages[staff.id] = current_language()
            self.ctx.save_settings()
        self.scan.set_staff(staff)
        self.leads.set_current_staff(staff)
        self.followups.set_staff(staff.id)
        self.results.set_staff(staff)
        self.show_page(1)
        self._status_gap.stop()  # whoever signed in sees their own day at once
        self.refresh_booth_status()
        if not self._unfinished_offered:  # once per start, to whoever signs in first
            self._unfinished_offered = True
            orphans, leads, event_id = self.ctx.orphans, self.ctx.leads, self._event.id

            def found() -> tuple[list[OrphanScan], dict[str, str]]:
                # The dialog does not say which were saved later: no pass over the leads.
                scans = orphans.list(event_id, match_leads=False)
                names = {}
                for scan in scans:  # who the badge names, so staff know whom they lost
                    try:
                        contact = leads.parse(event_id, scan.payload).contact
                    except Exception:  # an unreadable badge is listed as it was read
                        continue
                    names[scan.id] = contact.full_name or contact.email
                return scans, names

            self.runner.run(found, on_done=self._offer_unfinished)

    def _offer_unfinished(self, found: tuple[list[OrphanScan], dict[str, str]]) -> None:
        """Badges scanned whose lead was never saved (issue 18): resume or discard."""
        scans, names = found
        if not scans or self.staff is None:
            return
        from boothapp.ui.unfinished_visitors import UnfinishedVisitorsDialog

        dialog = UnfinishedVisitorsDialog(
            scans, self.ctx.leads, self.ctx.orphans, self.runner, self.staff.id, self, names,
            zone=self._event.timezone,
        )  # fmt: skip
        self.unfinished = dialog
        dialog.finished.connect(lambda _r: setattr(self, "unfinished", None))
        dialog.open()

    # -- language (issue 21) ------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)  # the navigation first (MainWindow.retranslateUi)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_toolbar()

    def _retranslate_toolbar(self) -> None:
        self._show_who()
        self.lock_action.setText(self.tr("Lock (Ctrl+L)"))
        self.theme_action.setText(self.tr("Dark/light"))
        self.export_action.setText(self.tr("Export…"))
        self.kiosk_action.setText(self.tr("Kiosk mode"))
        self.roster_action.setText(self.tr("Import roster…"))

    def _show_who(self) -> None:
        if self.staff is not None:
            self.who.setText(self.tr("Signed in: {0}").format(self.staff.name))
        elif self._locked:
            self.who.setText(self.tr("Locked: sign in"))
        else:
            self.who.setText(self.tr("Not signed in"))

    def refresh_booth_status(self) -> None:
        """The scan page's status strip, read off the GUI thread (issue 15).

        At 50k leads one read is ~100 ms of a core (counts over the event, issue 23): changes
        while a read runs, or within STATUS_GAP_MS after it, ask for one read when the gap is
        over instead of a read each, so the pool does not crowd the scanning GUI thread off
        the two cores; the strip ends on the newest figures."""
        if self.staff is None:
            return
        if self._status_reading or self._status_gap.isActive():
            self._status_again = True
            return
        ctx, event_id, zone, staff_id = (
            self.ctx,
            self._event.id,
            self._event.timezone,
            self.staff.id,
        )
        today = datetime.now(UTC).astimezone(zone_of(zone)).date()
        self._status_reading, self._status_again = True, False
        self.runner.run(
            lambda: booth_status(ctx.sync, ctx.dashboard, event_id, staff_id, today, zone),
            on_done=self._status_read,
            on_error=self._status_read,
        )

    def _status_read(self, read: BoothStatus | BaseException) -> None:
        if not shiboken6.isValid(self):
            return  # the read ended after the window was closed and deleted
        self._status_reading = False
        if isinstance(read, BoothStatus):
            self.scan.show_status(status_text(read))
        else:
            self.scan.show_status(self.tr("Status unknown: {0}").format(read))
        self._status_gap.start()

    def _status_gap_over(self) -> None:
        if self._status_again:
            self.refresh_booth_status()

    def switch_staff(self) -> None:
        self.lock()

    def lock(self) -> None:
        """Ctrl+L (issue 14): back to sign-in and nobody signed in; every page but sign-in
        stays behind the PIN. An open form keeps what was typed for whoever signs in next."""
        self.staff = None
        self._manager = None
        self._locked = True
        self._show_who()
        self.scan.set_staff(None)
        self.leads.set_current_staff(None)
        self.settings_page.set_manager(False)
        self.sign_in.refresh()
        self.show_page(0)

    def end_session(self) -> None:
        """Nobody is signed in any more: no page acts for the last staff member, their open
        form and lead are off screen (the scan itself is kept), back to sign-in."""
        self.staff = None
        self._locked = False
        self._show_who()
        self.scan.set_staff(None)
        self.scan.show_ready()
        self.leads.set_current_staff(None)
        self.leads.detail.clear()
        self.followups.set_staff("")
        self.results.set_staff(None)
        self.switch_staff()

    def sign_in_as(self, staff: Staff) -> None:
        """Whoever typed the kiosk's exit PIN (already checked) is signed in as themself; the
        session that was open before the kiosk, perhaps someone else's, ends (issue 14)."""
        self.end_session()
        # The kiosk spoke the visitor's language; the booth window speaks the staff member's.
        settings = self.ctx.settings
        apply_language(
            settings.staff_languages.get(staff.id) or settings.language or system_language()
        )
        self._signed_in(staff)

    def _handheld_scan(self, payload: str) -> None:
        if self.staff is None:
            self.statusBar().showMessage(self.tr("Sign in first: the badge was not kept."), 5000)
            return
        self.show_page(1)
        self.scan.handle_payload(payload, "", LeadSource.HANDHELD)

    def _lead_saved(self, lead: Lead) -> None:
        # Planning, the CRM queue and the sync/mail wake-up happened in the save itself (the
        # lead door) and its broadcast; the window only says so.
        self.statusBar().showMessage(self.tr("Saved {0}").format(lead.display_name), 4000)
        # What a save left behind (caches, pages of the list) would otherwise make the next
        # full collection walk it mid-scan; freezing is O(1) and keeps those walks short.
        gc.freeze()

    def _leads_changed(self, change: LeadsChanged) -> None:
        """Every view refreshes from the one broadcast, whichever door the change came in by."""
        if self._event.id not in change.event_ids:
            return
        page = self.pages.currentWidget()
        if page is self.leads and change.erased:
            self.leads.refresh()  # an erased lead has nothing to reload: the list is redrawn
        elif page is self.leads:
            self.leads.leads_changed(len(change.created), change.updated)
        elif page is self.review:
            self.review.refresh()
        elif page is self.dashboard_scroll:
            self.dashboard.refresh()
        elif page is self.results:
            self.results.refresh()
        elif page is self.followups:
            self.followups.refresh()
        elif isinstance(page, QScrollArea) and page.widget() is self.sync_page:
            self.sync_page.refresh()
        self.refresh_booth_status()  # the strip's "waiting to sync", leads today and rank

    def _mail_ready(
        self, mail: tuple[SmtpSettings | None, str | None, SentFolderAccess | None]
    ) -> None:
        smtp, password, sent_folder = mail
        self.followups.set_mail(smtp, password, sent_folder)
        self.autosend.configure(smtp, password, sent_folder)
        self._mail = (smtp, sent_folder)

    def _mail_password_entered(self, password: str) -> None:
        """Typed on the follow-ups page for a send: keep it in the keyring (off the GUI thread,
        the keyring can be slow) and let the automatic sending use it from now on."""
        smtp, sent_folder = self._mail
        followups, data_dir, event_id = self.ctx.followups, self.ctx.paths.data_dir, self._event.id
        self.runner.run(
            lambda: store_mail_password(followups, data_dir, event_id, password),
            on_error=lambda exc: self.statusBar().showMessage(
                self.tr("Password not kept: {0}").format(exc), 10000
            ),
        )
        self.autosend.configure(smtp, password, sent_folder)

    def _autosent(self, report: SendReport) -> None:
        problems = f"; {report.problems[0]}" if report.problems else ""
        if report.review_reasons:  # "1 interrupted send left for review: IMAP: login ..."
            problems = f"; {report.review_reasons[0]}{problems}"
        self.statusBar().showMessage(
            self.tr("Follow-ups: {0} email(s) sent, {1} failed{2}").format(
                report.sent, report.failed, problems
            ),
            10000,
        )

    def _privacy_chosen(self, seconds: int) -> None:
        self.ctx.settings.privacy_hide_after_s = seconds
        self.ctx.save_settings()

    def toggle_theme(self) -> None:
        settings = self.ctx.settings
        settings.theme = Theme.DARK.value if settings.theme != Theme.DARK.value else "light"
        self.ctx.save_settings()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, Theme(settings.theme), settings.font_scale)

    def choose_camera(self, spec: str) -> None:
        self.ctx.settings.camera = spec
        self.ctx.save_settings()
        if spec and spec != NO_CAMERA:
            self.start_camera(spec)
        else:
            # Nothing runs and nothing comes back after kiosk mode (issue 15).
            self.scan.set_no_camera(
                self.tr("No camera chosen: scan badges with the handheld scanner.")
            )

    def open_roster_import(self) -> None:
        from boothapp.ui.roster_import_dialog import RosterImportDialog

        RosterImportDialog(self.ctx.attendees, self.runner, self._event, self).exec()

    def write_lead_sheet(self, lead: Lead) -> None:
        """The one-page handover PDF, written off the GUI thread into the exports folder."""
        folder = self.ctx.paths.exports_dir
        safe = "".join(ch if ch.isalnum() else "-" for ch in lead.display_name).strip("-")
        path = folder / f"lead-{safe or lead.id[-8:]}.pdf"
        leads, exports = self.ctx.leads, self.ctx.exports

        def work() -> None:
            folder.mkdir(parents=True, exist_ok=True)
            evaluation = leads.evaluate(leads.draft_of(lead))
            lines = tuple(f"{f.description}: {f.points:+d}" for f in evaluation.score.fired)
            exports.lead_sheet(lead, path, score_lines=lines)

        def done(_: object) -> None:
            self.statusBar().showMessage(self.tr("Lead sheet written: {0}").format(path), 15000)
            self.lead_sheet_written.emit(str(path))

        self.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: self.statusBar().showMessage(
                self.tr("No lead sheet: {0}").format(exc)
            ),
        )

    def open_export(self) -> None:
        """Ctrl+E: the lead list leaves the laptop, so a manager's PIN first (issue 18)."""
        if self.staff is None:
            return
        self.gate.require(self.staff, self.tr("Export"), self._open_export)

    def _open_export(self, manager: Staff) -> None:
        from boothapp.ui.export_dialog import ExportDialog

        settings = self.ctx.settings
        dialog = ExportDialog(self.ctx.exports, self.runner, self._event,
                              self.ctx.paths.exports_dir, manager,
                              settings.export_columns.get(self._event.id))  # fmt: skip

        def remember(columns: list[str]) -> None:
            settings.export_columns[self._event.id] = columns
            self.ctx.save_settings()

        dialog.columns_saved.connect(remember)
        dialog.exec()

    def start_kiosk(self) -> None:
        """Hand this laptop to visitors; the staff PIN brings the booth window back."""
        from boothapp.ui.kiosk.setup import build_kiosk

        camera = self.scan.camera_spec
        self.scan.stop_camera()  # the camera can serve one reader at a time
        window, wedge, controller = build_kiosk(self.ctx, self.runner, self._event, camera)
        self.wedge.uninstall()

        def back(staff: Staff) -> None:
            self.sign_in_as(staff)
            self.wedge.install()
            self.show()
            if camera:
                self.scan.start_camera(camera)
            self._kiosk = None

        window.exit_unlocked.connect(back)
        self._kiosk = (window, wedge, controller)
        self.hide()
        window.showFullScreen()
        window.activateWindow()  # the exit chord is a window shortcut: it needs the focus

    def start_camera(self, spec: str) -> None:
        self.scan.start_camera(spec)

    def _sync_progress(self, p: SyncProgress) -> None:
        if p.breaker != BreakerState.CLOSED:
            retry_at = self.ctx.sync.breaker_retry_at()
            self.statusBar().showMessage(
                self.tr("CRM: {0}").format(breaker_text(p.crm, p.breaker, retry_at)), 15000
            )

    def _sync_finished(self, summary: SyncSummary) -> None:
        self.refresh_booth_status()
        if summary.stopped in (StopReason.AUTH, StopReason.CONFIG):
            self.statusBar().showMessage(
                self.tr("CRM sync stopped: {0} (F7)").format(summary.message), 30000
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.background.stop(5.0)
        self.scan.shutdown()
        self.wedge.uninstall()
        self.runner.wait(5000)
        super().closeEvent(event)
