"""The kiosk's real window under X11 (Xvfb): its on-screen keyboard in each language, and the
privacy of its start (issue 14), on the demo event with the demo badge video as the camera.

Run: python docs/screenshots/make_kiosk_keyboard_screenshots.py [OUT_DIR]
It starts its own Xvfb on a free display, runs the kiosk there with QT_QPA_PLATFORM=xcb, drives
it with mouse clicks on the real widgets and grabs the X screen. Writes, under OUT_DIR
(default docs/screenshots/kiosk):
  keyboard-LANG.png        a name typed on the language's own layer (en, tr, el, fa)
  keyboard-LANG-email.png  the e-mail field: the Latin layer, an address typed on it
  privacy-1-attract.png    the demo video is playing a badge, the camera is off: nobody shown
  privacy-2-confirm.png    after "Scan my badge": the video's roster badge read, first name
                           and company only, "Is this you?"
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1280, 800)
NAMES = {"en": "Olivia", "tr": "Gülşen", "el": "Κατερίνα", "fa": "مریم"}
EMAIL = "ayse.yilmaz+expo@example.com.tr"
DEAD = {"\u0301": "key_tonos", "\u0308": "key_dialytika"}


def _free_display() -> str:
    for n in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise SystemExit("no free X display number")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "kiosk")
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
        subprocess.run([sys.executable, __file__, str(out)], env=env, check=True, timeout=600)
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def shoot(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from PIL import ImageGrab
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    from boothapp.app import build_context
    from boothapp.demo.build import build_demo
    from boothapp.ui.kiosk.keyboard import OnScreenKeyboard
    from boothapp.ui.kiosk.setup import build_kiosk
    from boothapp.ui.theme import Theme, apply_theme
    from boothapp.workers.tasks import TaskRunner

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 11))
    apply_theme(app, Theme.LIGHT, 1.2)
    ctx = build_context(tempfile.mkdtemp(prefix="kiosk-shots-"))
    summary = build_demo(ctx, video=True)
    assert summary.video is not None
    runner = TaskRunner()
    window, wedge, controller = build_kiosk(ctx, runner, summary.event, str(summary.video), 600)
    window.setGeometry(app.primaryScreen().geometry())  # Xvfb has no window manager
    window.showFullScreen()

    def settle(ms: int = 400) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def grab(name: str) -> None:
        settle()
        path = out / name
        image = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
        image.quantize(256).save(path, optimize=True)
        print(path, path.stat().st_size // 1024, "KB")

    def click(widget: QWidget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        app.processEvents()

    def key(keyboard: OnScreenKeyboard, label: str) -> None:
        app.processEvents()
        keys = [b for b in keyboard.findChildren(QAbstractButton) if b.isVisible()]
        click(next(b for b in keys if b.text() == label))

    def named(keyboard: OnScreenKeyboard, name: str) -> None:
        app.processEvents()  # the keys of the last layer are hidden, not yet deleted
        keys = keyboard.findChildren(QAbstractButton, name)
        shown = [b for b in keys if b.isVisible()]
        if not shown:
            raise SystemExit(f"no visible {name}: step {window.current_step}, {len(keys)} keys")
        click(shown[0])

    # Privacy: the demo video shows badges from the start; the attract screen shows nobody.
    settle(3000)
    grab("privacy-1-attract.png")
    click(window.attract.scan_button)
    end = time.monotonic() + 60
    while window.current_step is not window.confirm and time.monotonic() < end:
        settle(100)
    grab("privacy-2-confirm.png")
    window.reset()

    for lang in ("en", "tr", "el", "fa"):
        window.reset()
        click(window.attract.language_buttons[lang])
        click(window.attract.type_button)
        keyboard = window.details.keyboard
        click(window.details.first)
        for ch in NAMES[lang]:
            base, *marks = unicodedata.normalize("NFD", ch)  # ί: the tonos key, then ι
            if ch.lower() in {b.text() for b in keyboard.findChildren(QAbstractButton)}:
                base, marks = ch, []  # a key of its own (Turkish ü, ş)
            for mark in marks:
                named(keyboard, DEAD[mark])
            if base.isupper():
                named(keyboard, "key_shift")
            key(keyboard, base)
        grab(f"keyboard-{lang}.png")
        click(window.details.email)
        for ch in EMAIL:
            key(keyboard, ch)
        grab(f"keyboard-{lang}-email.png")
    controller.stop()
    wedge.uninstall()
    window._unlocked = True
    window.close()
    runner.wait()
    ctx.close()


if __name__ == "__main__":
    main()
