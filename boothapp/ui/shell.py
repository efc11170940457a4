"""Build and run the desktop shell from an application context."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from boothapp.app import AppContext
from boothapp.ui.application import create_application
from boothapp.ui.main_window import MainWindow, placeholder_page


def build_main_window(ctx: AppContext) -> MainWindow:
    events = ctx.events.list_events()
    current = next((e for e in events if e.id == ctx.settings.current_event_id), None)
    if current is None and events:
        current = events[-1]
    window = MainWindow(current.name if current else "no event yet")
    intro = (
        f"Event: {current.name}"
        if current
        else "No event yet. Create one with 'boothapp event create'."
    )
    window.add_page("Scan", placeholder_page(intro), "F1")
    window.add_page("Leads", placeholder_page("Leads"), "F2")
    return window


def run_desktop(ctx: AppContext, quit_after: float = 0) -> int:
    app = create_application()
    window = build_main_window(ctx)
    window.show()
    if quit_after:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    return app.exec()
