"""Wrong PINs on the sign-in pad (issue 14): no traceback anywhere, after 5 the pad waits
with a countdown, a manager's PIN lifts the wait, and the wait is still there after a
restart of the app."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from boothapp.app import AppContext, build_context
from boothapp.core.models import StaffRole
from boothapp.services.events import NewEvent
from boothapp.ui.sign_in_page import WRONG_PIN, SignInPage
from boothapp.workers.tasks import TaskRunner


def _page(qtbot, ctx: AppContext, event_id: str) -> SignInPage:  # type: ignore[no-untyped-def]
    page = SignInPage(ctx.staff, TaskRunner(), event_id)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.staff_button("Ayla") is not None, timeout=5000)
    return page


def _type(qtbot, page: SignInPage, pin: str) -> None:  # type: ignore[no-untyped-def]
    for digit in pin:
        qtbot.mouseClick(page.pad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.pad.buttons["OK"], Qt.MouseButton.LeftButton)


def test_five_wrong_pins_wait_with_a_countdown_a_manager_lifts_it(
    qtbot,
    ctx: AppContext,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    event = ctx.events.create_event(NewEvent(name="Pad Show"))
    ctx.staff.add_staff(event.id, "Ayla", "4321")
    ctx.staff.add_staff(event.id, "Deniz", "8642", role=StaffRole.MANAGER)
    page = _page(qtbot, ctx, event.id)
    qtbot.mouseClick(page.staff_button("Ayla"), Qt.MouseButton.LeftButton)
    for _ in range(4):
        _type(qtbot, page, "1111")
        qtbot.waitUntil(lambda: page.message.text() == WRONG_PIN, timeout=5000)
        page.message.clear()
    _type(qtbot, page, "1111")
    qtbot.waitUntil(lambda: "try again in 30 s" in page.message.text(), timeout=5000)
    assert not page.pad.isEnabled() and page.unlock_button.isVisible()
    qtbot.waitUntil(lambda: "try again in 29 s" in page.message.text(), timeout=3000)
    # Nothing of it was an error: no traceback on the terminal or in the log.
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # A restart (a new context on the same data folder) shows the wait at once.
    again = build_context(str(data_dir))
    try:
        fresh = _page(qtbot, again, event.id)
        qtbot.mouseClick(fresh.staff_button("Ayla"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "try again in" in fresh.message.text(), timeout=5000)
        assert not fresh.pad.isEnabled()
    finally:
        again.close()

    # The manager lifts the wait; Ayla signs in with her own PIN.
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert page.prompt.text() == "Manager PIN to unlock Ayla" and page.pad.isEnabled()
    _type(qtbot, page, "4321")  # Ayla's own PIN is not a manager's
    qtbot.waitUntil(lambda: page.message.text() == "Wrong manager PIN", timeout=5000)
    _type(qtbot, page, "8642")
    qtbot.waitUntil(lambda: page.message.text() == "Unlocked by Deniz", timeout=5000)
    assert page.prompt.text() == "PIN for Ayla"
    with qtbot.waitSignal(page.signed_in, timeout=5000) as signed:
        _type(qtbot, page, "4321")
    assert signed.args[0].name == "Ayla"
