"""Build and run the desktop shell from an application context.

First run (no event yet): a welcome screen offers to set up the event or try the demo. The
camera comes from the settings, else the first webcam found, else the demo video when the
demo event is open, else a message (a handheld scanner still works).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QProgressDialog

from boothapp.app import AppContext
from boothapp.capture.cameras import list_cameras
from boothapp.core.models import Event
from boothapp.settings import NO_CAMERA
from boothapp.ui.application import create_application
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.faults import keep_faults
from boothapp.ui.i18n import apply_language, current_language, system_language
from boothapp.ui.setup_wizard import SetupWizard
from boothapp.ui.theme import Theme, apply_theme
from boothapp.ui.zone_box import warm_zone_list
from boothapp.workers.tasks import TaskRunner


def current_event(ctx: AppContext) -> Event | None:
    events = ctx.events.list_events()
    chosen = next((e for e in events if e.id == ctx.settings.current_event_id), None)
    return chosen or (events[-1] if events else None)


def pick_camera(ctx: AppContext, event: Event) -> str:
    if ctx.settings.camera == NO_CAMERA:
        return ""  # staff chose "No camera": a restart keeps it (issue 15)
    if ctx.settings.camera:
        return ctx.settings.camera
    cameras = list_cameras()
    if cameras:
        return str(cameras[0].index)
    from boothapp.demo.build import write_demo_video
    from boothapp.demo.content import is_demo_event

    if is_demo_event(event.name):
        return str(write_demo_video(ctx, event))
    return ""


def welcome_box() -> tuple[QMessageBox, QAbstractButton, QAbstractButton]:
    """The first run's question: the box, its "Set up my event" and "Try the demo" buttons."""
    box = QMessageBox()
    box.setWindowTitle(QCoreApplication.translate("Shell", "Welcome to BoothApp"))
    box.setText(
        QCoreApplication.translate(
            "Shell",
            "Welcome! Set up your event, or try BoothApp on a demo event first "
            "(no camera needed: a recorded badge feed plays as the camera).",
        )
    )
    setup = box.addButton(
        QCoreApplication.translate("Shell", "Set up my event"), QMessageBox.ButtonRole.AcceptRole
    )
    demo = box.addButton(
        QCoreApplication.translate("Shell", "Try the demo"), QMessageBox.ButtonRole.ActionRole
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    return box, setup, demo


def first_run(ctx: AppContext, runner: TaskRunner) -> Event | None:
    box, setup, demo = welcome_box()
    box.exec()
    if box.clickedButton() is demo:
        return _build_demo_with_progress(ctx, runner)
    if box.clickedButton() is setup:
        wizard = SetupWizard(ctx, runner)
        created: list[Event] = []
        wizard.event_created.connect(created.append)
        wizard.exec()
        if not created:
            return None
        # Next step of the first run: the roster (skippable; "Import roster…" later).
        from boothapp.ui.roster_import_dialog import RosterImportDialog

        RosterImportDialog(ctx.attendees, runner, created[0]).exec()
        return created[0]
    return None


def _build_demo_with_progress(ctx: AppContext, runner: TaskRunner) -> Event | None:
    """Generate the demo (roster, leads, badge video: a few seconds) off the GUI thread."""
    from boothapp.demo.build import build_demo

    dialog = QProgressDialog(
        QCoreApplication.translate("Shell", "Preparing the demo event and its badge video…"),
        "",
        0,
        0,
    )
    dialog.setWindowTitle(QCoreApplication.translate("Shell", "BoothApp demo"))
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)
    loop = QEventLoop()
    result: list[Event] = []

    def done(summary: object) -> None:
        result.append(summary.event)  # type: ignore[attr-defined]
        loop.quit()

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(
            dialog, QCoreApplication.translate("Shell", "Demo not available"), str(exc)
        )
        loop.quit()

    runner.run(lambda: build_demo(ctx, leads=120, video=True), on_done=done, on_error=failed)
    dialog.show()
    loop.exec()
    dialog.close()
    return result[0] if result else None


def ask_recovery_key(message: str, restore: Callable[[str], object]) -> bool:
    """The database is encrypted and this computer has no key: ask for the recovery key.
    True once ``restore`` accepted one; False when the user gives up."""
    create_application()
    from boothapp.ui.restore_key_dialog import RestoreKeyDialog

    return RestoreKeyDialog(message, restore).exec() == RestoreKeyDialog.DialogCode.Accepted


def start_camera_or_say_why(window: DesktopWindow, ctx: AppContext, camera: str) -> None:
    """Start ``camera``; without one, the preview says why (chosen "No camera", or none
    found) instead of "Starting camera…" over a camera that never comes."""
    if camera:
        window.start_camera(camera)
    elif ctx.settings.camera == NO_CAMERA:
        window.scan.set_no_camera(
            QCoreApplication.translate(
                "Shell", "No camera chosen: scan badges with the handheld scanner."
            )
        )
    else:
        window.scan.camera.set_message(
            QCoreApplication.translate(
                "Shell", "No camera found. Plug one in (and restart), or use a handheld scanner."
            )
        )


def run_desktop(ctx: AppContext, quit_after: float = 0) -> int:
    app = create_application()
    apply_theme(app, Theme(ctx.settings.theme or "light"), ctx.settings.font_scale)
    # Before anyone signs in: the device's language, else the OS's (issue 21).
    apply_language(ctx.settings.language or system_language())
    runner = TaskRunner()
    # The time-zone list of the wizard and the event settings, named in the reader's
    # language, is built now while the welcome box is read (issue 21).
    warm_zone_list(current_language(), runner)
    event = current_event(ctx)
    if event is None:
        event = first_run(ctx, runner)
        if event is None:
            return 0
    ctx.settings.current_event_id = event.id
    ctx.save_settings()
    camera = pick_camera(ctx, event)
    if camera and camera != ctx.settings.camera and ctx.settings.camera != NO_CAMERA:
        ctx.settings.camera = camera  # the picker shows it, and the next start reuses it
        ctx.save_settings()
    window = DesktopWindow(ctx, runner, event)
    keep_faults(ctx.paths, window)
    window.show()
    start_camera_or_say_why(window, ctx, camera)
    if quit_after:
        QTimer.singleShot(int(quit_after * 1000), window.close)
    return app.exec()
