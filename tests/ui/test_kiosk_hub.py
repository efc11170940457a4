"""The kiosk's hub line for staff (issue 19): a kiosk joined to an event hub says, in small
print at the foot of the attract screen and the PIN pad, whether it reaches the hub and how
many of its changes wait; never on a visitor's steps, never anything about a visitor; in the
kiosk's language. The replicator is the real one (``HubWorker``, as the kiosk shell builds
it); the hub is unreachable (nothing listens on its port), as when the hall's Wi-Fi drops.
The online wording is driven by a real PostgreSQL in tests/integration/test_kiosk_hub_online.py.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.core.models import Event
from boothapp.services.events import NewEvent
from boothapp.services.hub_worker import HubProblem, HubState
from boothapp.ui.kiosk.kiosk_window import EXIT_CHORD, KioskWindow
from boothapp.ui.kiosk.setup import build_kiosk
from boothapp.workers.hub_worker import HubWorker
from boothapp.workers.tasks import TaskRunner


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # free again once closed: nothing listens there


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Kiosk Hub Expo", timezone="Europe/Istanbul"))
    ctx.staff.add_staff(ev.id, "Deniz", "2468")
    text = ctx.configs.export_text(ev.id).replace(
        "kiosk_languages:\n- en\n", "kiosk_languages: [en, fa]\n"
    )
    ctx.configs.import_text(ev.id, text, "event.yaml")
    return ev


@pytest.fixture
def kiosk(qtbot, ctx: AppContext, event: Event) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    # What `boothapp hub join URL --kiosk` leaves in the settings; the hub is down.
    ctx.settings.hub_url = f"host=127.0.0.1 port={_closed_port()} dbname=booth user=kiosk"
    ctx.settings.hub_push_only = True
    runner = TaskRunner()
    worker = HubWorker(ctx.hub, ctx.changes)
    window, wedge, controller = build_kiosk(ctx, runner, event, hub=worker)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    worker.start()
    try:
        yield window
    finally:
        worker.stop()
        controller.shutdown()
        wedge.uninstall()
        window._unlocked = True  # let pytest-qt close it
        runner.wait()


def _register(qtbot, k: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(k.attract.type_button, Qt.MouseButton.LeftButton)
    # Human speed: the kiosk's handheld-scanner wedge takes a fast burst for a badge.
    qtbot.keyClicks(k.details.first, "Mehmet", delay=40)
    qtbot.keyClicks(k.details.last, "Kaya", delay=40)
    qtbot.keyClicks(k.details.email, "mehmet@kaya.com.tr", delay=40)
    qtbot.mouseClick(k.details.next_button, Qt.MouseButton.LeftButton)
    while k.current_step is k.questions:
        qtbot.mouseClick(k.questions.next_button, Qt.MouseButton.LeftButton)
    assert k.current_step is k.consent
    with qtbot.waitSignal(k.lead_saved, timeout=5000):
        qtbot.mouseClick(k.consent.finish_button, Qt.MouseButton.LeftButton)


def test_staff_see_the_hub_offline_and_what_waits_at_the_kiosks_foot(
    qtbot, kiosk: KioskWindow
) -> None:  # type: ignore[no-untyped-def]
    footer = kiosk.hub_footer
    qtbot.waitUntil(lambda: footer.text() == "Hub offline · all shared", timeout=10000)
    assert footer.isVisible() and kiosk.current_step is kiosk.attract
    # Small print below the visitor's buttons, not over them.
    assert (
        footer.geometry().top()
        >= kiosk.attract.type_button.mapTo(kiosk, kiosk.attract.type_button.rect().bottomLeft()).y()
    )

    qtbot.mouseClick(kiosk.attract.type_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_step is kiosk.details and not footer.isVisible()  # visitor's steps
    qtbot.mouseClick(kiosk.details.cancel_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_step is kiosk.attract and footer.isVisible()

    _register(qtbot, kiosk)
    assert kiosk.current_step is kiosk.thanks and not footer.isVisible()
    # Staff open the PIN pad (the exit chord): the line is there, with the visitor's changes
    # waiting for the hub (the replicator retries with a growing pause).
    chord = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
             | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    qtbot.keyClick(kiosk, Qt.Key.Key_X, chord)
    assert EXIT_CHORD == "Ctrl+Alt+Shift+X"
    qtbot.waitUntil(lambda: kiosk.current_step is kiosk.pin_pad, timeout=3000)
    assert footer.isVisible()
    qtbot.waitUntil(lambda: bool(re.fullmatch(r"Hub offline · [1-9]\d* waiting", footer.text())),
                    timeout=20000)  # fmt: skip
    waiting = footer.text()
    assert "Mehmet" not in waiting and "kaya" not in waiting.lower()

    # Back to the attract screen; a visitor picks Persian: the line speaks it too.
    qtbot.keyClick(kiosk.pin_pad, Qt.Key.Key_Escape)  # the pad's cancel key
    qtbot.waitUntil(lambda: kiosk.current_step is kiosk.attract, timeout=3000)
    qtbot.mouseClick(kiosk.attract.language_buttons["fa"], Qt.MouseButton.LeftButton)
    assert footer.text().startswith("هاب قطع است · "), footer.text()
    assert footer.text().endswith(" در انتظار")
    assert footer.isVisible()


def test_a_kiosk_that_joined_no_hub_shows_no_hub_line(qtbot, ctx: AppContext, event: Event) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    window, wedge, controller = build_kiosk(ctx, runner, event)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.current_step is window.attract
        assert not window.hub_footer.isVisible() and window.hub_footer.text() == ""
    finally:
        controller.shutdown()
        wedge.uninstall()
        window._unlocked = True
        runner.wait()


def test_the_kiosk_line_tells_tls_an_old_hub_and_a_hub_error_from_offline(
    qtbot, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    # The states the replicator reports (``HubState``, as tests/integration/test_hub_network.py
    # gets them from a real hub) when the hub answers but will not work with this kiosk: the
    # scan page's strip tells these kinds apart, and staff act on each differently.
    runner = TaskRunner()
    kiosk, wedge, controller = build_kiosk(ctx, runner, event)
    qtbot.addWidget(kiosk)
    kiosk.show()
    try:
        _say_each_problem(qtbot, kiosk)
    finally:
        controller.shutdown()
        wedge.uninstall()
        kiosk._unlocked = True
        runner.wait()


def _say_each_problem(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    footer = kiosk.hub_footer
    said = {
        HubProblem.TLS: "Hub's certificate not accepted (TLS) · 2 waiting",
        HubProblem.SCHEMA: "Hub needs an upgrade (boothapp hub init) · 2 waiting",
        HubProblem.ERROR: "Hub error · 2 waiting",
        HubProblem.OFFLINE: "Hub offline · 2 waiting",
        HubProblem.REFUSED: "Hub refused this kiosk",
    }
    for problem, text in said.items():
        footer.show_hub(HubState(False, 2, problem, "the hub's own words"))
        assert footer.text() == text and footer.isVisible()
    footer.show_hub(HubState(False, 0, HubProblem.TLS, "certificate verify failed"))
    assert footer.text() == "Hub's certificate not accepted (TLS) · all shared"

    # In the visitor's language too.
    qtbot.mouseClick(kiosk.attract.language_buttons["fa"], Qt.MouseButton.LeftButton)
    footer.show_hub(HubState(False, 3, HubProblem.SCHEMA, "relation hub.devices missing"))
    assert footer.text().startswith("هاب باید به‌روز شود"), footer.text()
    assert "boothapp hub init" in footer.text() and " در انتظار" in footer.text()
    footer.show_hub(HubState(False, 0, HubProblem.ERROR, "internal error"))
    assert footer.text() == "خطای هاب · همه به اشتراک گذاشته شد"
