"""Leaving the kiosk ends every session (issue 14): whoever types the exit PIN is signed in
as themself; the staff member who had the booth before the kiosk does not come back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer

from boothapp.app import AppContext
from boothapp.core.models import Event
from boothapp.services.audit import AuditAction
from boothapp.services.events import NewEvent
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.workers.tasks import TaskRunner

EXIT = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.ShiftModifier
)


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Exit Expo", timezone="Europe/Istanbul"))
    ctx.staff.add_staff(ev.id, "Deniz", "1111")
    ctx.staff.add_staff(ev.id, "Maria", "2222")
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    if win._kiosk is not None:  # a kiosk still up: its scanner hook must not outlive the test
        kiosk, wedge, controller = win._kiosk  # type: ignore[misc]
        controller.shutdown()
        wedge.uninstall()
        kiosk._unlocked = True
        kiosk.close()
    win.close()


def _sign_in(qtbot, win: DesktopWindow, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.sign_in.staff_button(name) is not None, timeout=5000)
    qtbot.mouseClick(win.sign_in.staff_button(name), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        for digit in pin:
            qtbot.mouseClick(win.sign_in.pad.buttons[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(win.sign_in.pad.buttons["OK"], Qt.MouseButton.LeftButton)


def _kiosk(win: DesktopWindow) -> KioskWindow:
    kiosk = win._kiosk[0]  # type: ignore[index]
    assert isinstance(kiosk, KioskWindow)
    return kiosk


def test_exit_with_staff_b_pin_signs_in_b_and_ends_a(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(qtbot, window, "Deniz", "1111")
    qtbot.keyClick(window.scan, Qt.Key.Key_F5)  # Deniz had a walk-in form open
    assert window.scan.form_open and "Deniz" in window.who.text()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    kiosk = _kiosk(window)
    qtbot.waitUntil(lambda: kiosk.isActiveWindow() and not window.isVisible(), timeout=3000)

    qtbot.keyClick(kiosk, Qt.Key.Key_X, EXIT)
    assert kiosk.current_step is kiosk.pin_pad
    with qtbot.waitSignal(kiosk.exit_unlocked, timeout=5000):
        # Human typing speed: a burst faster than 30 ms a key is a handheld scanner.
        for digit in "2222":
            qtbot.keyClick(kiosk.pin_pad, getattr(Qt.Key, f"Key_{digit}"), delay=60)
        qtbot.keyClick(kiosk.pin_pad, Qt.Key.Key_Return, delay=60)
    qtbot.waitUntil(lambda: window.isVisible() and not kiosk.isVisible(), timeout=3000)

    assert window.staff is not None and window.staff.name == "Maria"
    assert window.who.text() == "Signed in: Maria"
    assert not window.scan.form_open  # Deniz's form did not come back
    # What Maria does now is hers: a walk-in she saves carries her name, not Deniz's.
    qtbot.keyClick(window.scan, Qt.Key.Key_F5)
    qtbot.keyClicks(window.scan.form.fields["first_name"], "Walk", delay=40)
    window.scan.form.fields["email"].setText("walk@in.example")
    with qtbot.waitSignal(window.scan.lead_saved, timeout=5000) as saved:
        qtbot.keyClick(window.scan.form.fields["email"], Qt.Key.Key_Return, delay=40)
    assert ctx.leads.get_lead(saved.args[0].id).staff_name == "Maria"
    logins = [e for e in ctx.audit.entries(event.id) if e.action == AuditAction.LOGIN]
    assert [e.staff_id for e in logins][-1] == window.staff.id


def test_a_wrong_exit_pin_keeps_the_kiosk_and_five_make_it_wait(
    qtbot, window: DesktopWindow
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(qtbot, window, "Deniz", "1111")
    window.start_kiosk()
    kiosk = _kiosk(window)
    qtbot.waitUntil(kiosk.isActiveWindow, timeout=3000)
    qtbot.keyClick(kiosk, Qt.Key.Key_X, EXIT)
    for attempt in range(5):
        for digit in "9999":
            qtbot.mouseClick(kiosk.pin_pad.pad.buttons[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(kiosk.pin_pad.pad.buttons["OK"], Qt.MouseButton.LeftButton)
        if attempt < 4:
            qtbot.waitUntil(lambda: kiosk.pin_pad.error.text() == "Wrong PIN", timeout=5000)
            kiosk.pin_pad.error.clear()
    qtbot.waitUntil(lambda: "Try again in 30 s" in kiosk.pin_pad.error.text(), timeout=5000)
    # The right PIN during the wait does nothing.
    for digit in "1111":
        qtbot.mouseClick(kiosk.pin_pad.pad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.pin_pad.pad.buttons["OK"], Qt.MouseButton.LeftButton)
    qtbot.wait(500)
    assert kiosk.isVisible() and not window.isVisible()
    assert "Try again in" in kiosk.pin_pad.error.text()


def test_standalone_kiosk_exit_opens_the_booth_as_whoever_typed_the_pin(
    qtbot, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    """``boothapp kiosk`` on its own: the exit PIN opens the booth window signed in as its
    owner; closing that window ends the app."""
    from PySide6.QtWidgets import QApplication

    from boothapp.ui.kiosk.shell import run_kiosk

    app = QApplication.instance()
    assert app is not None
    seen: dict[str, object] = {}

    def shown(kind: type) -> object | None:
        return next(
            (w for w in app.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
        )

    def type_exit_pin() -> None:
        kiosk = shown(KioskWindow)
        assert isinstance(kiosk, KioskWindow)
        kiosk.open_pin_pad()  # the chord and corner taps are covered above
        for digit in "2222":
            qtbot.mouseClick(kiosk.pin_pad.pad.buttons[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(kiosk.pin_pad.pad.buttons["OK"], Qt.MouseButton.LeftButton)
        poll()

    def poll() -> None:
        desk = shown(DesktopWindow)
        if not isinstance(desk, DesktopWindow) or desk.staff is None:
            QTimer.singleShot(50, poll)
            return
        seen["who"] = desk.who.text()
        seen["kiosk_gone"] = shown(KioskWindow) is None
        desk.close()  # the last window: the app ends

    QTimer.singleShot(300, type_exit_pin)
    QTimer.singleShot(20_000, app.quit)  # a safety net, not the way out
    # run_kiosk themes the whole application: give the next tests theirs back.
    sheet, palette, font = app.styleSheet(), app.palette(), app.font()
    try:
        assert run_kiosk(ctx, event, windowed=True) == 0
    finally:
        app.setStyleSheet(sheet)
        app.setPalette(palette)
        app.setFont(font)
    assert seen == {"who": "Signed in: Maria", "kiosk_gone": True}
