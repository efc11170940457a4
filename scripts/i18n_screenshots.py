"""Every page of the booth app, its dialogs and the kiosk's steps, in each language (issue 21).

Run: python scripts/i18n_screenshots.py [OUT_DIR]   (default docs/screenshots/i18n)
BOOTHAPP_SHOTS_PAGES=review,audit,kiosk shoots only those pages (names as in PAGES, DIALOGS
and "kiosk" for the kiosk's steps); BOOTHAPP_SHOTS_LANGS=el,fa only those languages.
Starts its own Xvfb on a free display (1280x800, the booth laptop), runs the real window
there with QT_QPA_PLATFORM=xcb on the demo event (80 leads), switches the language as the
sign-in page does and grabs the X screen for each page: <lang>-<page>.png. A page taller than
the screen is also shot scrolled to its end (<lang>-<page>-2.png); a dialog is shot alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 800)
LANGS = tuple(
    lang for lang in ("en", "tr", "el", "fa", "de")
    if lang in (os.environ.get("BOOTHAPP_SHOTS_LANGS") or "en,tr,el,fa,de").split(",")
)  # fmt: skip
# The navigation's pages, in its order (row = index + 1; row 0 is the sign-in page).
PAGES = ("scan", "leads", "dashboard", "followups", "crm-sync", "settings", "results",
         "review", "audit")  # fmt: skip
# Shot apart from the navigation: the sign-in page, the first run's welcome box, the set-up
# wizard's pages and its roster import, the scan page's lead form, the lead detail beside the
# list, the export dialog.
DIALOGS = ("sign-in", "welcome", "wizard", "roster", "scan-form", "lead-detail", "export")
# What a person types in the wizard's zone picker, per language (its shot shows the popup).
ZONE_TYPED = {"en": "ist", "tr": "ist", "el": "αθ", "fa": "تهر", "de": "wien"}
ONLY = {p for p in os.environ.get("BOOTHAPP_SHOTS_PAGES", "").split(",") if p}


def wanted(page: str) -> bool:
    return not ONLY or page in ONLY


def _free_display() -> str:
    for n in range(160, 220):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise SystemExit("no free X display number")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "i18n")
    if os.environ.get("BOOTHAPP_SHOTS_CHILD"):
        shoot(out)
        return
    display = _free_display()
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"]
    )
    try:
        time.sleep(1.0)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", BOOTHAPP_SHOTS_CHILD="1",
                   PYTHONPATH=str(ROOT))  # fmt: skip
        subprocess.run([sys.executable, __file__, str(out)], env=env, check=True, timeout=3600)
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def shoot(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import keyring
    from keyring.backends.fail import Keyring
    from PIL import ImageGrab
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

    from boothapp.app import AppContext, build_context
    from boothapp.core.models import Event, StaffRole
    from boothapp.demo.build import build_demo
    from boothapp.settings import NO_CAMERA
    from boothapp.ui.desktop_window import DesktopWindow
    from boothapp.ui.export_dialog import ExportDialog
    from boothapp.ui.i18n import apply_language
    from boothapp.ui.kiosk.kiosk_window import KioskWindow
    from boothapp.ui.kiosk.setup import kiosk_questions
    from boothapp.ui.roster_import_dialog import RosterImportDialog
    from boothapp.ui.setup_wizard import SetupWizard
    from boothapp.ui.shell import start_camera_or_say_why, welcome_box
    from boothapp.ui.theme import Theme, apply_theme
    from boothapp.workers.tasks import TaskRunner

    keyring.set_keyring(Keyring())  # never touch the real keyring for a screenshot
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 10))
    apply_theme(app, Theme.LIGHT, 1.0)
    runner = TaskRunner()

    def open_demo(lang: str) -> tuple[AppContext, Event, DesktopWindow]:
        """A demo of its own per language, built in it as a booth team trying the demo
        would: its notes, routing names and event language are the team's (issue 21)."""
        apply_language(lang)
        ctx = build_context(tempfile.mkdtemp(prefix=f"i18n-shots-{lang}-"))
        event = build_demo(ctx, leads=80).event
        window = DesktopWindow(ctx, runner, event)
        window.setGeometry(app.primaryScreen().geometry())  # Xvfb has no window manager
        window.show()
        # As `make run` shows a booth laptop whose team chose the handheld scanner only.
        ctx.settings.camera = NO_CAMERA
        start_camera_or_say_why(window, ctx, "")
        return ctx, event, window

    ctx, event, window = open_demo(LANGS[0])

    def settle(ms: int = 400) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            runner.wait(50)
            app.processEvents()
            time.sleep(0.01)

    def grab(name: str, widget: QWidget | None = None) -> None:
        """The X screen, or only ``widget``'s part of it (a dialog over the window)."""
        settle()
        if window.isVisible() and (window.width() > SIZE[0] or window.height() > SIZE[1]):
            print(f"  {name}: the window is {window.width()}x{window.height()} px, more than"
                  " the screen")  # fmt: skip
        path = out / name
        box = None
        if widget is not None:
            g = widget.frameGeometry()
            box = (g.x(), g.y(), g.x() + g.width(), g.y() + g.height())
        image = ImageGrab.grab(bbox=box, xdisplay=os.environ["DISPLAY"]).convert("RGB")
        image.quantize(256).save(path, optimize=True)
        print(path, path.stat().st_size // 1024, "KB")

    def scrolled(page: QWidget) -> QAbstractScrollArea | None:
        """The page's main vertical scroll area when it has more below the screen."""
        areas = ([page] if isinstance(page, QScrollArea) else []) + page.findChildren(QScrollArea)
        for area in areas:
            bar = area.verticalScrollBar()
            if area.isVisible() and bar.maximum() > 40 and area.height() > 300:
                return area
        return None

    def shoot_page(name: str, page: QWidget) -> None:
        grab(name + ".png")
        area = scrolled(page)
        if area is not None:  # the rest of a tall page
            area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
            grab(name + "-2.png")
            area.verticalScrollBar().setValue(0)

    def dialog_shot(name: str, dialog: QWidget) -> None:
        dialog.move(40, 30)
        dialog.show()
        dialog.raise_()
        settle(600)
        grab(name, dialog)

    settle(800)
    for lang in LANGS:
        if lang != LANGS[0]:
            window.close()
            window.deleteLater()
            ctx, event, window = open_demo(lang)
            settle(800)
        manager = next(s for s in ctx.staff.list_staff(event.id) if s.role is StaffRole.MANAGER)
        window.lock()
        window.sign_in.pick_language(lang)  # as a tap on the sign-in page does
        settle(600)
        if wanted("sign-in"):
            grab(f"{lang}-sign-in.png")
        if wanted("welcome"):  # the first run's first question
            box, _setup, _demo = welcome_box()
            dialog_shot(f"{lang}-welcome.png", box)
            box.hide()
            box.deleteLater()
        if wanted("wizard"):  # the first run's set-up, on its own pages
            wizard = SetupWizard(ctx, runner)
            wizard.resize(860, 620)
            dialog_shot(f"{lang}-wizard-1-event.png", wizard)
            # The time-zone picker open, after typing part of a place (issue 21).
            zones = wizard.details.timezone
            zones.setFocus()
            zones.lineEdit().selectAll()
            zones.lineEdit().insert(ZONE_TYPED[lang])
            zones.completer().setCompletionPrefix(ZONE_TYPED[lang])
            zones.completer().complete()
            settle(400)
            grab(f"{lang}-wizard-1-zones.png")
            zones.completer().popup().hide()
            zones.set_zone(event.timezone)
            wizard.details.name.setText("Expo 2027")
            wizard.next()
            dialog_shot(f"{lang}-wizard-2-staff.png", wizard)
            if wizard.recovery is not None:
                wizard.next()
                dialog_shot(f"{lang}-wizard-3-recovery.png", wizard)
            wizard.hide()
            wizard.deleteLater()
        if wanted("roster"):  # the first run's next step: the organiser's attendee list
            roster = RosterImportDialog(ctx.attendees, runner, event)
            dialog_shot(f"{lang}-roster.png", roster)
            roster.hide()
            roster.deleteLater()
        window.sign_in.signed_in.emit(manager)
        settle(600)
        for row, page in enumerate(PAGES, start=1):
            if not wanted(page):
                continue
            window.nav.setCurrentRow(row)
            settle(1200 if page in ("results", "dashboard", "leads") else 500)
            shoot_page(f"{lang}-{page}", window.pages.currentWidget())
            if page == "followups":  # a call script for a lead in another language
                queue = window.pages.currentWidget()
                items = getattr(queue, "_items", [])
                calls = [
                    i
                    for i, item in enumerate(items)
                    if item.touch.channel.value == "call" and item.touch.language != lang
                ]
                if calls:
                    queue.list.setCurrentRow(calls[0])
                    settle(800)
                    grab(f"{lang}-followups-call.png")
        if wanted("scan-form"):  # a scanned visitor's form, filled from an existing lead
            window.nav.setCurrentRow(PAGES.index("scan") + 1)
            views = window.leads.model
            settle(300)
            first = views.lead_at(0) if views.rowCount() else None
            if first is not None:
                window.scan.right.setCurrentWidget(window.scan.form)
                window.scan.form.load(ctx.leads.draft_of(ctx.leads.get_lead(first.id)))
            else:
                window.scan.start_walk_in()
            settle(600)
            shoot_page(f"{lang}-scan-form", window.scan)
            window.scan.form.escape()
            settle(300)
        if wanted("lead-detail"):
            window.nav.setCurrentRow(PAGES.index("leads") + 1)
            settle(800)
            window.leads.open_row(0)
            settle(1000)
            shoot_page(f"{lang}-lead-detail", window.leads.detail)
            window.leads.close_detail()
        if wanted("export"):
            dialog = ExportDialog(ctx.exports, runner, event, ctx.paths.exports_dir, manager)
            dialog_shot(f"{lang}-export.png", dialog)
            dialog.hide()
            dialog.deleteLater()
    window.hide()

    if not wanted("kiosk"):
        window.close()
        settle()
        runner.wait(5000)
        return
    # The kiosk's own steps in every visitor language it offers.
    kiosk = KioskWindow(ctx, runner, event, kiosk_questions(ctx.configs.get(event.id)),
                        has_camera=False)  # fmt: skip
    kiosk.setGeometry(app.primaryScreen().geometry())
    kiosk.show()
    for lang in LANGS:
        kiosk.set_language(lang)
        for step in ("attract", "details", "questions", "consent"):
            kiosk._go(getattr(kiosk, step))
            grab(f"{lang}-kiosk-{step}.png")
    kiosk._unlocked = True
    kiosk.close()
    window.close()
    settle()
    runner.wait(5000)


if __name__ == "__main__":
    main()
