"""The booth's desktop window: sign in, scan, leads, dashboard, event settings.

Composes the pages for one event; every page gets only the services it needs.
"""

from __future__ import annotations

import gc

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

from boothapp.app import AppContext
from boothapp.core.hygiene.phones import preload_metadata
from boothapp.core.models import Event, Lead, LeadSource, Staff
from boothapp.ui.dashboard_page import DashboardPage
from boothapp.ui.event_settings_page import EventSettingsPage
from boothapp.ui.keyboard_wedge import KeyboardWedge
from boothapp.ui.leads_page import LeadsPage
from boothapp.ui.main_window import MainWindow
from boothapp.ui.scan_page import ScanPage
from boothapp.ui.sign_in_page import SignInPage
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.tasks import TaskRunner


class DesktopWindow(MainWindow):
    def __init__(self, ctx: AppContext, runner: TaskRunner, event: Event) -> None:
        super().__init__(event.name)
        self.ctx, self.runner, self.event = ctx, runner, event
        self.staff: Staff | None = None
        cfg = ctx.configs.get(event.id)
        self.sign_in = SignInPage(ctx.staff, runner, event.id)
        self.scan = ScanPage(ctx.leads, runner, event, cfg, ctx.paths.photos_dir)
        self.leads = LeadsPage(ctx.queries, ctx.leads, runner, event.id)
        self.dashboard = DashboardPage(ctx.dashboard, runner, event.id, event.timezone)
        self.settings_page = EventSettingsPage(ctx.configs, runner, event)
        self.add_page("Sign in", self.sign_in)
        self.add_page("Scan", self.scan, "F1")
        self.add_page("Leads", self.leads, "F2")
        self.add_page("Dashboard", self.dashboard, "F3")
        self.add_page("Event settings", self.settings_page, "F4")
        self.sign_in.signed_in.connect(self._signed_in)
        self.scan.lead_saved.connect(self._lead_saved)
        self.scan.scan_to_form_ms.connect(
            lambda ms: self.statusBar().showMessage(f"Scan to form: {ms:.0f} ms", 4000)
        )
        self.nav.currentRowChanged.connect(self._page_changed)
        self.who = QLabel("Not signed in")
        toolbar = QToolBar("Booth")
        toolbar.setMovable(False)
        toolbar.addWidget(self.who)
        switch = QAction("Switch staff", self)
        switch.setShortcut(QKeySequence("Ctrl+L"))
        switch.triggered.connect(self.switch_staff)
        toolbar.addAction(switch)
        theme = QAction("Dark/light", self)
        theme.setShortcut(QKeySequence("Ctrl+Shift+D"))
        theme.triggered.connect(self.toggle_theme)
        toolbar.addAction(theme)
        self.addToolBar(toolbar)
        # Handheld scanners type the badge anywhere in the app; a burst goes to the scan page.
        self.wedge = KeyboardWedge()
        self.wedge.scanned.connect(self._handheld_scan)
        self.wedge.install()
        self.sign_in.refresh()
        self.show_page(0)
        runner.run(preload_metadata)  # no phone-metadata import on the GUI thread mid-scan
        # Everything built so far (Qt wrappers, services, SQLAlchemy and phonenumbers metadata)
        # lives as long as the window. A full garbage collection walks all of it while holding
        # the GIL, which froze the preview and the form for ~80-100 ms every half minute of
        # scanning (bench/ui_latency.py); frozen objects are skipped by the collector.
        gc.freeze()

    # -- navigation -------------------------------------------------------------------------
    def _page_changed(self, index: int) -> None:
        page = self.pages.widget(index)
        if page is self.leads:
            self.leads.refresh()
        elif page is self.dashboard:
            self.dashboard.refresh()

    def _signed_in(self, staff: Staff) -> None:
        self.staff = staff
        self.who.setText(f"Signed in: {staff.name}")
        self.scan.set_staff(staff)
        self.leads.set_current_staff(staff)
        self.show_page(1)

    def switch_staff(self) -> None:
        self.sign_in.refresh()
        self.show_page(0)

    def _handheld_scan(self, payload: str) -> None:
        self.show_page(1)
        self.scan.handle_payload(payload, "", LeadSource.HANDHELD)

    def _lead_saved(self, lead: Lead) -> None:
        self.statusBar().showMessage(f"Saved {lead.display_name}", 4000)

    def toggle_theme(self) -> None:
        settings = self.ctx.settings
        settings.theme = Theme.DARK.value if settings.theme != Theme.DARK.value else "light"
        self.ctx.save_settings()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, Theme(settings.theme), settings.font_scale)

    def start_camera(self, spec: str) -> None:
        self.scan.start_camera(spec)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.scan.shutdown()
        self.wedge.uninstall()
        self.runner.wait(5000)
        super().closeEvent(event)
