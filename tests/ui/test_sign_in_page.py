"""Staff sign-in: tap a name, type the PIN on the pad or the keyboard."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.core.models import Staff
from boothapp.services.events import NewEvent
from boothapp.ui.sign_in_page import WRONG_PIN, SignInPage
from boothapp.workers.tasks import TaskRunner


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


@pytest.fixture
def page(qtbot, ctx: AppContext, runner: TaskRunner) -> SignInPage:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="PIN Show"))
    ctx.staff.add_staff(event.id, "Ayla Korkmaz", "4321")
    ctx.staff.add_staff(event.id, "Γιάννης Ραφαηλίδης", "987654")
    widget = SignInPage(ctx.staff, runner, event.id)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.staff_button("Ayla Korkmaz") is not None)
    return widget


def _tap(qtbot, page: SignInPage, keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in re.findall(r"OK|.", keys):
        qtbot.mouseClick(page.pad.buttons[key], Qt.MouseButton.LeftButton)


def test_right_pin_on_the_pad_signs_in(qtbot, page: SignInPage) -> None:  # type: ignore[no-untyped-def]
    assert not page.pad.isEnabled()  # a name first
    qtbot.mouseClick(page.staff_button("Ayla Korkmaz"), Qt.MouseButton.LeftButton)
    assert page.prompt.text() == "PIN for Ayla Korkmaz"
    _tap(qtbot, page, "4329⌫1")
    assert page.pad.pin == "4321"
    assert page.pad.dots.text().count("●") == 4
    with qtbot.waitSignal(page.signed_in, timeout=5000) as signal:
        qtbot.mouseClick(page.pad.buttons["OK"], Qt.MouseButton.LeftButton)
    member = signal.args[0]
    assert isinstance(member, Staff) and member.name == "Ayla Korkmaz"
    assert page.prompt.text() == "Signed in: Ayla Korkmaz"
    assert page.pad.pin == ""


def test_wrong_pin_says_so_clears_and_does_not_sign_in(qtbot, page: SignInPage) -> None:  # type: ignore[no-untyped-def]
    signed: list[Staff] = []
    page.signed_in.connect(signed.append)
    qtbot.mouseClick(page.staff_button("Ayla Korkmaz"), Qt.MouseButton.LeftButton)
    _tap(qtbot, page, "1111OK")
    qtbot.waitUntil(lambda: page.message.text() == WRONG_PIN, timeout=5000)
    assert page.pad.pin == ""
    assert page.pad.isEnabled()  # try again at once
    qtbot.wait(100)
    assert signed == []


def test_keyboard_digits_backspace_and_enter_work(qtbot, page: SignInPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.staff_button("Γιάννης Ραφαηλίδης"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page, "9876543")
    qtbot.keyClick(page, Qt.Key.Key_Backspace)
    assert page.pad.pin == "987654"
    with qtbot.waitSignal(page.signed_in, timeout=5000) as signal:
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert signal.args[0].name == "Γιάννης Ραφαηλίδης"


def test_switching_staff_is_name_then_pin(qtbot, page: SignInPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.staff_button("Ayla Korkmaz"), Qt.MouseButton.LeftButton)
    _tap(qtbot, page, "43")
    # Changing one's mind: tapping another name starts a fresh PIN for that person.
    qtbot.mouseClick(page.staff_button("Γιάννης Ραφαηλίδης"), Qt.MouseButton.LeftButton)
    assert page.pad.pin == "" and page.selected is not None
    assert page.selected.name == "Γιάννης Ραφαηλίδης"
    _tap(qtbot, page, "987654")
    with qtbot.waitSignal(page.signed_in, timeout=5000) as signal:
        _tap(qtbot, page, "OK")
    assert signal.args[0].name == "Γιάννης Ραφαηλίδης"
