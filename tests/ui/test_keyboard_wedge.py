"""Handheld scanners type fast: the wedge turns such bursts into scans, anywhere in the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from boothapp.ui.keyboard_wedge import KeyboardWedge, WedgeSettings


class Form(QWidget):
    """A visitor form: a name field and a Save button that Enter would press."""

    def __init__(self) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.save = QPushButton("Save")
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.save)
        self.returns = 0
        self.edits: list[str] = []
        self.name.returnPressed.connect(self._returned)
        self.name.textEdited.connect(self.edits.append)

    def _returned(self) -> None:
        self.returns += 1


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    widget = Form()
    qtbot.addWidget(widget)
    widget.show()
    widget.name.setFocus()
    return widget


@pytest.fixture
def wedge(qtbot: QtBot) -> Iterator[KeyboardWedge]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    filter_ = KeyboardWedge()
    filter_.install(app)
    yield filter_
    filter_.uninstall(app)


def record(wedge: KeyboardWedge) -> list[str]:
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    return scans


def type_slowly(qtbot: QtBot, widget: QWidget, text: str, gap_ms: int = 80) -> None:
    for char in text:
        qtbot.keyClicks(widget, char)
        qtbot.wait(gap_ms)


def test_fast_burst_and_enter_is_one_scan_and_stays_out_of_the_field(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    form.name.setText("Jo")
    qtbot.keyClicks(form.name, "BADGE-4711;ACME")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert scans == ["BADGE-4711;ACME"]
    assert form.name.text() == "Jo"
    assert form.returns == 0 and form.edits == []  # no handler saw the half-typed badge
    qtbot.wait(100)  # nothing is replayed later either
    assert form.name.text() == "Jo"


def test_slow_typing_reaches_the_field_and_is_no_scan(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    type_slowly(qtbot, form.name, "Anna Lee")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.name.text() == "Anna Lee"
    assert form.returns == 1
    assert scans == []


def test_short_fast_burst_is_typing_and_arrives_intact(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    qtbot.keyClicks(form.name, "ok")  # e.g. two keys rolled together
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.name.text() == "ok"
    assert form.returns == 1
    assert scans == []


def test_burst_without_terminator_is_handed_back_as_typing_when_recovery_is_off(
    qtbot: QtBot, form: Form
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge = KeyboardWedge(WedgeSettings(lost_terminator_ms=None))
    wedge.install(app)
    try:
        scans = record(wedge)
        qtbot.keyClicks(form.name, "pasted")
        assert form.name.text() == ""  # held back for a moment...
        qtbot.waitUntil(lambda: form.name.text() == "pasted", timeout=1000)  # ...then delivered
        assert scans == []
    finally:
        wedge.uninstall(app)


def test_a_lost_enter_is_recovered_by_the_idle_timeout(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    """Issue 15: a burst whose Enter was not recognised is still a scan, never typing; the
    Enter arriving late does not press anything."""
    scans = record(wedge)
    qtbot.keyClicks(form.name, "BADGE-4712")
    qtbot.waitUntil(lambda: scans == ["BADGE-4712"], timeout=1000)
    assert form.name.text() == ""
    qtbot.keyClick(form.name, Qt.Key.Key_Return)  # the scanner's Enter, late
    assert form.returns == 0
    qtbot.keyClicks(form.name, "BADGE-4713")  # the next scan is not lost either
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert scans == ["BADGE-4712", "BADGE-4713"]
    assert form.name.text() == "" and form.returns == 0


def test_scan_is_recognised_when_a_button_has_focus(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    clicks: list[bool] = []
    form.save.clicked.connect(clicks.append)
    form.save.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.save, timeout=1000)
    qtbot.keyClicks(form.save, "V1 00042")  # the space would otherwise press the button
    qtbot.keyClick(form.save, Qt.Key.Key_Tab)
    assert scans == ["V1 00042"]
    assert clicks == []


def test_scanners_without_suffix_can_be_allowed(qtbot: QtBot, form: Form) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge = KeyboardWedge(WedgeSettings(require_terminator=False, min_chars=6))
    wedge.install(app)
    try:
        scans = record(wedge)
        qtbot.keyClicks(form.name, "4006381333931")
        qtbot.waitUntil(lambda: scans == ["4006381333931"], timeout=1000)
        assert form.name.text() == ""
    finally:
        wedge.uninstall(app)


def test_disabled_wedge_leaves_every_key_alone(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    wedge.set_enabled(False)
    qtbot.keyClicks(form.name, "BADGE-1")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.name.text() == "BADGE-1" and form.returns == 1
    assert scans == []


def test_a_held_down_key_repeating_fast_is_typing(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    scans = record(wedge)
    for repeat in [False] + [True] * 7:
        press = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier, "-", repeat
        )
        QApplication.sendEvent(form.name, press)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.name.text() == "-" * 8
    assert form.returns == 1
    assert scans == []


def test_a_burst_after_an_arrow_key_in_the_same_field_is_still_one_scan(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    """Key events often reuse one address: an Enter right after an arrow key in the same field
    was taken for the arrow bubbling up, and the scanner's Enter went unseen (issue 15)."""
    scans = record(wedge)
    qtbot.keyClick(form.name, Qt.Key.Key_Left)  # passed through to the field
    qtbot.keyClicks(form.name, "BADGE-4714")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert scans == ["BADGE-4714"]
    assert form.returns == 0
    qtbot.keyClick(form.name, Qt.Key.Key_Return)  # a person's Enter right after is theirs
    assert form.returns == 1


def test_a_burst_is_caught_wherever_the_focus_moves(
    qtbot: QtBot, form: Form, wedge: KeyboardWedge
) -> None:
    """The wedge watches where keys go, not every object (issue 23): it follows the focus
    from field to button, into another window and onto a window with nothing focused."""
    scans = record(wedge)
    qtbot.waitUntil(lambda: wedge.watched is form.name, timeout=1000)
    form.save.setFocus()
    qtbot.waitUntil(lambda: wedge.watched is form.save, timeout=1000)
    qtbot.keyClicks(form.save, "BADGE-1001")
    qtbot.keyClick(form.save, Qt.Key.Key_Return)

    other = Form()  # another page's window (a dialog, the kiosk...)
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    other.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is other.name, timeout=1000)
    qtbot.keyClicks(other.name, "BADGE-1002")
    qtbot.keyClick(other.name, Qt.Key.Key_Return)

    bare = QWidget()  # nothing in it takes the focus: keys go to the window itself
    qtbot.addWidget(bare)
    bare.show()
    bare.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is bare, timeout=1000)
    assert QApplication.focusWidget() is None
    qtbot.keyClicks(bare, "BADGE-1003")
    qtbot.keyClick(bare, Qt.Key.Key_Return)

    assert scans == ["BADGE-1001", "BADGE-1002", "BADGE-1003"]
    assert form.name.text() == other.name.text() == ""  # no badge typed into a field
    assert form.returns == other.returns == 0


def test_the_wedge_sees_only_the_events_of_where_keys_go(qtbot: QtBot, form: Form) -> None:
    """Installed on the whole application, every paint of every widget (each preview frame)
    passed the Python filter and needed the GIL (issue 23): now another widget's paints and
    timers never reach it, and after uninstall nothing does."""
    seen: list[QObject] = []

    class Counting(KeyboardWedge):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            seen.append(watched)
            return super().eventFilter(watched, event)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge = Counting()
    wedge.install(app)
    try:
        qtbot.waitUntil(lambda: wedge.watched is form.name, timeout=1000)
        seen.clear()
        for _ in range(5):
            form.save.repaint()
        qtbot.wait(50)
        assert form.save not in seen and form not in seen
        scans = record(wedge)
        qtbot.keyClicks(form.name, "BADGE-1004")
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
        assert scans == ["BADGE-1004"] and form.name in seen
    finally:
        wedge.uninstall(app)
    assert wedge.watched is None
    seen.clear()
    qtbot.keyClicks(form.name, "typed")
    assert form.name.text() == "typed" and seen == []
