"""A kiosk in a public aisle shows nobody's data until that person asks (issue 14).

The kiosk is built as ``boothapp kiosk`` builds it (``build_kiosk``) with a fake camera: an
image folder whose every frame shows an id-only badge of a person on the organiser's roster,
read through the real camera code path (source, decode worker, controller).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Contact, Event
from boothapp.services.events import NewEvent
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.setup import build_kiosk
from boothapp.workers.tasks import TaskRunner
from tests.helpers.badge_video import write_image_folder

AYSE = Contact(first_name="Ayşe", last_name="Yılmaz", email="ayse.yilmaz@ornek.com.tr",
               company="Örnek Makina", title="Satın alma müdürü")  # fmt: skip
PRIVATE = ("Yılmaz", "ayse.yilmaz", "Satın alma")
ANY_OF_HER = ("Ayşe", "Örnek", *PRIVATE)


def on_screen(window: KioskWindow) -> str:
    """Every text a passer-by could read on the kiosk right now."""
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(texts)


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Aisle Expo", timezone="Europe/Istanbul"))
    ctx.staff.add_staff(ev.id, "Deniz", "2468")
    ctx.attendees.import_attendees(ev.id, [Attendee("", ev.id, "TR-40417", AYSE)])
    return ev


@pytest.fixture
def kiosk(qtbot, ctx: AppContext, event: Event, tmp_path: Path):  # type: ignore[no-untyped-def]
    camera = write_image_folder(tmp_path / "aisle", ["TR-40417"], size=(640, 360))
    runner = TaskRunner()
    window, wedge, controller = build_kiosk(ctx, runner, event, str(camera), idle_timeout_s=60)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window, controller
    controller.shutdown()
    wedge.uninstall()
    window._unlocked = True
    runner.wait()


def test_nothing_of_a_roster_badge_shows_before_the_tap_and_little_before_its_me(
    qtbot, kiosk
) -> None:  # type: ignore[no-untyped-def]
    window, controller = kiosk
    seen: list[str] = []
    watch = QTimer()
    watch.timeout.connect(lambda: seen.append(on_screen(window)))
    watch.start(20)
    # The badge is in front of the camera from the start; 3 s is six frames of the folder.
    qtbot.wait(3000)
    assert window.current_step is window.attract
    assert not controller.running and controller.last_frame is None  # nothing decoded
    assert seen and not [name for name in ANY_OF_HER if any(name in s for s in seen)]

    qtbot.mouseClick(window.attract.scan_button, Qt.MouseButton.LeftButton)
    assert controller.running
    qtbot.waitUntil(lambda: window.current_step is window.confirm, timeout=15_000)
    qtbot.wait(200)
    # The roster match: first name and company, nothing else, until "It's me".
    assert window.confirm.name.text() == "Ayşe"
    assert window.confirm.company.text() == "Örnek Makina"
    assert not controller.running  # the camera stops once it has read the badge
    watch.stop()
    leaked = [name for name in PRIVATE if any(name in s for s in seen)]
    assert leaked == []

    qtbot.mouseClick(window.confirm.yes_button, Qt.MouseButton.LeftButton)
    assert window.current_step is window.details
    assert window.details.last.text() == "Yılmaz"
    assert window.details.email.text() == "ayse.yilmaz@ornek.com.tr"


def test_idle_reset_stops_the_camera_and_drops_the_read(qtbot, ctx, event, tmp_path) -> None:  # type: ignore[no-untyped-def]
    camera = write_image_folder(tmp_path / "aisle", ["TR-40417"], size=(640, 360))
    runner = TaskRunner()
    window, wedge, controller = build_kiosk(ctx, runner, event, str(camera), idle_timeout_s=1.5)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.mouseClick(window.attract.scan_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.current_step is window.confirm, timeout=15_000)
        assert window.visitor.draft is not None and window.visitor.draft.raw_payload
        # Nobody taps "It's me": the idle reset returns to attract with nothing kept.
        qtbot.waitUntil(lambda: window.current_step is window.attract, timeout=5000)
        assert window.visitor.draft is None
        assert not controller.running and controller.last_frame is None
        assert "Ayşe" not in on_screen(window) and window.confirm.name.text() == ""
    finally:
        controller.shutdown()
        wedge.uninstall()
        window._unlocked = True
        runner.wait()
