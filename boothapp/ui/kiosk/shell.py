"""Run the kiosk as its own application window (``boothapp kiosk``).

Leaving it with a staff PIN opens the booth's desktop window signed in as whoever typed the
PIN (issue 14); closing that window ends the app (and, under cage, the kiosk session).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from boothapp.app import AppContext
from boothapp.core.models import Event, Staff
from boothapp.ui.application import create_application
from boothapp.ui.faults import keep_faults
from boothapp.ui.i18n import apply_language, system_language
from boothapp.ui.kiosk.setup import build_kiosk
from boothapp.ui.theme import Theme, apply_theme
from boothapp.workers.background import Background
from boothapp.workers.tasks import TaskRunner


def run_kiosk(ctx: AppContext, event: Event, camera: str = "", idle_timeout_s: float = 30.0,
              windowed: bool = False, quit_after: float = 0) -> int:  # fmt: skip
    app = create_application()
    apply_theme(app, Theme(ctx.settings.theme or "light"), 1.2)
    apply_language(ctx.settings.language or system_language())
    runner = TaskRunner()
    # A kiosk on its own sends its visitors to the CRM like the desktop does (issue #13).
    background = Background(
        ctx.changes, ctx.sync, ctx.followups, runner, event.id, hub=ctx.hub, privacy=ctx.privacy
    )
    background.start()
    window, _wedge, controller = build_kiosk(
        ctx, runner, event, camera, idle_timeout_s, hub=background.hub_worker
    )
    keep_faults(ctx.paths, None)  # kept, never shown to a visitor
    desktops: list[QWidget] = []

    def hand_back(staff: Staff) -> None:
        from boothapp.ui.desktop_window import DesktopWindow

        desktop = DesktopWindow(ctx, runner, event, background)
        desktop.sign_in_as(staff)
        keep_faults(ctx.paths, desktop)  # staff at the desk read it now
        desktop.show()
        if camera:
            desktop.start_camera(camera)
        desktops.append(desktop)  # kept alive until the app ends

    window.exit_unlocked.connect(hand_back)
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        screen = app.primaryScreen()
        if screen is not None:  # full screen also on a bare X server with no window manager
            window.setGeometry(screen.geometry())
        window.showFullScreen()
    if quit_after:

        def leave() -> None:
            controller.stop()
            window._unlocked = True  # the test hook stands in for the staff PIN
            window.close()

        QTimer.singleShot(int(quit_after * 1000), leave)
    code = app.exec()
    controller.shutdown()
    for desktop in desktops:
        desktop.close()
    background.stop(5.0)
    runner.wait(5000)
    return code
