"""Every main page of the booth window, and the kiosk's first steps, in each language (issue 21).

Run: python scripts/i18n_screenshots.py [OUT_DIR]   (default docs/screenshots/i18n)
BOOTHAPP_SHOTS_PAGES=review,audit,kiosk shoots only those pages (names as in PAGES; "kiosk"
for the kiosk's steps), to refresh a few without redoing all.
Starts its own Xvfb on a free display (1280x800, the booth laptop), runs the real window
there with QT_QPA_PLATFORM=xcb on the demo event (80 leads), switches the language as the
sign-in page does and grabs the X screen for each page: <lang>-<page>.png.
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
LANGS = ("en", "tr", "el", "fa", "de")
PAGES = ("sign-in", "scan", "leads", "dashboard", "followups", "crm-sync", "settings", "results",
         "review", "audit")  # fmt: skip
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
        subprocess.run([sys.executable, __file__, str(out)], env=env, check=True, timeout=900)
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def shoot(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import keyring
    from keyring.backends.fail import Keyring
    from PIL import ImageGrab
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from boothapp.app import build_context
    from boothapp.core.models import StaffRole
    from boothapp.demo.build import build_demo
    from boothapp.ui.desktop_window import DesktopWindow
    from boothapp.ui.i18n import apply_language
    from boothapp.ui.kiosk.kiosk_window import KioskWindow
    from boothapp.ui.kiosk.setup import kiosk_questions
    from boothapp.ui.theme import Theme, apply_theme
    from boothapp.workers.tasks import TaskRunner

    keyring.set_keyring(Keyring())  # never touch the real keyring for a screenshot
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 10))
    apply_theme(app, Theme.LIGHT, 1.0)
    apply_language("en")
    ctx = build_context(tempfile.mkdtemp(prefix="i18n-shots-"))
    event = build_demo(ctx, leads=80).event
    runner = TaskRunner()
    window = DesktopWindow(ctx, runner, event)
    window.setGeometry(app.primaryScreen().geometry())  # Xvfb has no window manager
    window.show()

    def settle(ms: int = 400) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            runner.wait(50)
            app.processEvents()
            time.sleep(0.01)

    def grab(name: str) -> None:
        settle()
        if window.isVisible() and window.width() > SIZE[0]:
            print(f"  {name}: the window is {window.width()} px wide, wider than the screen")
        path = out / name
        image = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
        image.quantize(256).save(path, optimize=True)
        print(path, path.stat().st_size // 1024, "KB")

    settle(800)
    manager = next(s for s in ctx.staff.list_staff(event.id) if s.role is StaffRole.MANAGER)
    for lang in LANGS:
        window.lock()
        window.sign_in.pick_language(lang)  # as a tap on the sign-in page does
        settle(600)
        if wanted("sign-in"):
            grab(f"{lang}-sign-in.png")
        window.sign_in.signed_in.emit(manager)
        settle(600)
        for row, page in enumerate(PAGES[1:], start=1):
            if not wanted(page):
                continue
            window.nav.setCurrentRow(row)
            settle(1200 if page in ("results", "dashboard", "leads") else 500)
            grab(f"{lang}-{page}.png")
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
        kiosk._go(kiosk.attract)
        grab(f"{lang}-kiosk-attract.png")
        kiosk._go(kiosk.details)
        grab(f"{lang}-kiosk-details.png")
        kiosk._go(kiosk.consent)
        grab(f"{lang}-kiosk-consent.png")
    kiosk._unlocked = True
    kiosk.close()
    window.close()
    settle()
    runner.wait(5000)


if __name__ == "__main__":
    main()
