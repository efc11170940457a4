"""The Results page (issue 22) in the real desktop window under X11 (Xvfb), and the ROI pages
of the post-show PDF as images, on the demo event (120 leads with outcomes and deals).

Run: python docs/screenshots/make_results_screenshots.py [OUT_DIR]
It starts its own Xvfb on a free display, runs the window there with QT_QPA_PLATFORM=xcb,
signs in the demo's manager (Deniz), presses F8 and grabs the X screen; then writes the
post-show report and turns its ROI pages into PNGs with pdftoppm. Writes, under OUT_DIR
(default docs/screenshots):
  roi-results-page.png         the top of the page: headline figures and the funnel
  roi-results-page-speed.png   scrolled to money and speed-to-lead with the 95 % whiskers
  roi-pdf-N.png                the report's ROI pages
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1440, 900)


def _free_display() -> str:
    for n in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise SystemExit("no free X display number")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
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
    import keyring
    from keyring.backends.fail import Keyring
    from PIL import ImageGrab
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QScrollArea

    from boothapp.app import build_context
    from boothapp.core.models import StaffRole
    from boothapp.demo.build import build_demo
    from boothapp.ui.desktop_window import DesktopWindow
    from boothapp.ui.theme import Theme, apply_theme
    from boothapp.workers.tasks import TaskRunner

    keyring.set_keyring(Keyring())  # never touch the real keyring for a screenshot
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("DejaVu Sans", 10))
    apply_theme(app, Theme.LIGHT, 1.0)
    ctx = build_context(tempfile.mkdtemp(prefix="results-shots-"))
    event = build_demo(ctx, leads=120).event
    runner = TaskRunner()
    window = DesktopWindow(ctx, runner, event)
    window.setGeometry(app.primaryScreen().geometry())  # Xvfb has no window manager
    window.show()

    def settle(ms: int = 500) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            runner.wait(50)
            app.processEvents()
            time.sleep(0.01)

    def grab(name: str) -> None:
        settle()
        path = out / name
        image = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
        image.quantize(256).save(path, optimize=True)
        print(path, path.stat().st_size // 1024, "KB")

    settle()
    manager = next(s for s in ctx.staff.list_staff(event.id) if s.role is StaffRole.MANAGER)
    window.sign_in.signed_in.emit(manager)
    settle()
    window.activateWindow()
    QTest.keyClick(window.nav, Qt.Key.Key_F9)  # the page's shortcut, as a manager presses it
    settle(300)
    if window.pages.currentWidget() is not window.results:  # no window manager: no focus
        window.nav.setCurrentRow(window.pages.indexOf(window.results))
    settle(1500)
    assert window.results.data is not None, window.results.status.text()
    grab("roi-results-page.png")
    scroll = window.results.findChild(QScrollArea)
    assert scroll is not None
    speed_y = window.results.speed_bars.mapTo(
        window.results.body, window.results.speed_bars.rect().topLeft()
    ).y()
    scroll.verticalScrollBar().setValue(speed_y - 260)
    grab("roi-results-page-speed.png")
    window.close()
    settle()

    pdf = Path(tempfile.mkdtemp(prefix="results-pdf-")) / "report.pdf"
    ctx.exports.report(event.id, pdf)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    first_roi = _first_page_with(pdf, "Was the show worth it?", pages)
    for n, page in enumerate(range(first_roi, pages + 1), start=1):
        target = out / f"roi-pdf-{n}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), str(target)],
            check=True,
        )  # fmt: skip
        print(f"{target}.png")
    ctx.close()


def _first_page_with(pdf: Path, text: str, pages: int) -> int:
    for page in range(1, pages + 1):
        found = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if text in found:
            return page
    raise SystemExit(f"{text!r} not in {pdf}")


if __name__ == "__main__":
    main()
