"""The PIN pad in the reader's digits and words (issue 21): "OK" and "1 2 3" were the only
English on the Persian sign-in page; the pad still reads 1-2-3 from the left."""

from __future__ import annotations

from PySide6.QtCore import Qt

from boothapp.ui.i18n import apply_language
from boothapp.ui.pin_pad import PinPad


def test_persian_pin_pad_keys_and_layout(qtbot) -> None:  # type: ignore[no-untyped-def]
    pad = PinPad()
    qtbot.addWidget(pad)
    pad.show()
    apply_language("fa")
    try:
        qtbot.waitUntil(lambda: pad.buttons["OK"].text() == "تأیید")
        assert [pad.buttons[k].text() for k in "1234567890"] == list("۱۲۳۴۵۶۷۸۹۰")
        assert pad.buttons["1"].x() < pad.buttons["3"].x()  # a keypad, not mirrored
        for key in "2580":
            qtbot.mouseClick(pad.buttons[key], Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(pad.entered) as entered:
            qtbot.mouseClick(pad.buttons["OK"], Qt.MouseButton.LeftButton)
        assert entered.args == ["2580"]  # the PIN itself in Latin digits, as stored
    finally:
        apply_language("en")
    qtbot.waitUntil(lambda: pad.buttons["OK"].text() == "OK")
    assert pad.buttons["7"].text() == "7"
