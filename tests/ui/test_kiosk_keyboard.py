"""The kiosk's on-screen keyboard, driven by clicks on its key widgets (issue 14): every
language reaches a Latin layer for an e-mail address, Shift and Caps work, Greek accents,
Persian digits and letters, Turkish dotted and dotless i."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit

from boothapp.app import AppContext
from boothapp.core.models import Event
from boothapp.services.events import NewEvent
from boothapp.ui.kiosk.keyboard import OnScreenKeyboard
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.workers.tasks import TaskRunner

EMAIL = "ayse.yilmaz+expo@example.com.tr"


@pytest.fixture
def kiosk(qtbot, ctx: AppContext) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    event: Event = ctx.events.create_event(NewEvent(name="Keys Expo"))
    ctx.staff.add_staff(event.id, "Deniz", "2468")
    runner = TaskRunner()
    window = KioskWindow(ctx, runner, event, [], idle_timeout_s=120, has_camera=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window._unlocked = True
    runner.wait()


def visible_keys(keyboard: OnScreenKeyboard) -> dict[str, QAbstractButton]:
    QApplication.processEvents()
    keys = keyboard.findChildren(QAbstractButton)
    return {b.text(): b for b in keys if b.isVisible()}


def click(qtbot, keyboard: OnScreenKeyboard, label: str) -> None:  # type: ignore[no-untyped-def]
    keys = visible_keys(keyboard)
    assert label in keys, f"no {label!r} key among {sorted(keys)}"
    qtbot.mouseClick(keys[label], Qt.MouseButton.LeftButton)


def click_named(qtbot, keyboard: OnScreenKeyboard, name: str) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    found = [b for b in keyboard.findChildren(QAbstractButton, name) if b.isVisible()]
    assert found, name
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def open_details(qtbot, kiosk: KioskWindow, lang: str, field: QLineEdit) -> OnScreenKeyboard:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(kiosk.attract.language_buttons[lang], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.attract.type_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_step is kiosk.details
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    return kiosk.details.keyboard


@pytest.mark.parametrize("lang", ["fa", "el", "tr", "de", "en"])
def test_every_language_types_an_email_on_the_keys(qtbot, kiosk: KioskWindow, lang: str) -> None:  # type: ignore[no-untyped-def]
    # The name field opens on the language's own letters...
    keyboard = open_details(qtbot, kiosk, lang, kiosk.details.first)
    native = {"fa": "ض", "el": "ς", "tr": "ı", "de": "ü", "en": "q"}[lang]
    assert native in visible_keys(keyboard)
    # ...the e-mail field on Latin ones, with @ . - _ + and digits.
    qtbot.mouseClick(kiosk.details.email, Qt.MouseButton.LeftButton)
    keys = visible_keys(keyboard)
    assert {"@", ".", "-", "_", "+", "1", "0", "q"} <= set(keys)
    for ch in EMAIL:
        click(qtbot, keyboard, ch)
    assert kiosk.details.email.text() == EMAIL
    assert kiosk.details.first.text() == ""


def test_a_name_field_can_switch_to_latin_and_back(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    keyboard = open_details(qtbot, kiosk, "fa", kiosk.details.first)
    click_named(qtbot, keyboard, "key_layer")
    assert "q" in visible_keys(keyboard) and "ض" not in visible_keys(keyboard)
    click(qtbot, keyboard, "s")
    click_named(qtbot, keyboard, "key_layer")
    click(qtbot, keyboard, "ض")
    assert kiosk.details.first.text() == "sض"


def test_shift_is_one_letter_and_caps_stays(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    keyboard = open_details(qtbot, kiosk, "en", kiosk.details.first)
    click_named(qtbot, keyboard, "key_shift")
    click(qtbot, keyboard, "A")
    click(qtbot, keyboard, "y")
    click_named(qtbot, keyboard, "key_caps")
    click(qtbot, keyboard, "S")
    click(qtbot, keyboard, "E")
    click_named(qtbot, keyboard, "key_caps")
    click(qtbot, keyboard, "n")
    assert kiosk.details.first.text() == "AySEn"


def test_turkish_keeps_its_dotted_and_dotless_i(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    keyboard = open_details(qtbot, kiosk, "tr", kiosk.details.first)
    for label in ("ı", "i", "ğ", "ş"):
        click(qtbot, keyboard, label)
    click_named(qtbot, keyboard, "key_caps")
    assert {"I", "İ", "Ğ", "Ş"} <= set(visible_keys(keyboard))
    for label in ("I", "İ", "Ğ", "Ş"):
        click(qtbot, keyboard, label)
    assert kiosk.details.first.text() == "ıiğşIİĞŞ"


def test_greek_tonos_and_dialytika_dead_keys(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    keyboard = open_details(qtbot, kiosk, "el", kiosk.details.first)
    for vowel in "αεηιουω":
        click_named(qtbot, keyboard, "key_tonos")
        click(qtbot, keyboard, vowel)
    for vowel in "ιυ":
        click_named(qtbot, keyboard, "key_dialytika")
        click(qtbot, keyboard, vowel)
    for vowel in "ιυ":
        click_named(qtbot, keyboard, "key_dialytika")
        click_named(qtbot, keyboard, "key_tonos")
        click(qtbot, keyboard, vowel)
    click_named(qtbot, keyboard, "key_shift")
    click_named(qtbot, keyboard, "key_tonos")
    click(qtbot, keyboard, "Ω")
    assert kiosk.details.first.text() == "άέήίόύώϊϋΐΰΏ"


def test_persian_has_its_digits_and_persian_letters(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    keyboard = open_details(qtbot, kiosk, "fa", kiosk.details.first)
    keys = set(visible_keys(keyboard))
    assert set("۰۱۲۳۴۵۶۷۸۹") <= keys
    assert {"ی", "ک", "گ", "پ", "چ", "ژ"} <= keys
    assert not {"ي", "ك"} & keys  # the Arabic letters look alike but are not Persian
    for label in "کیان۱۴":
        click(qtbot, keyboard, label)
    assert kiosk.details.first.text() == "کیان۱۴"


def test_a_physical_keyboard_still_types(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    open_details(qtbot, kiosk, "fa", kiosk.details.email)
    qtbot.keyClicks(kiosk.details.email, "kian@example.ir")
    qtbot.keyClicks(kiosk.details.first, "Kian")
    assert kiosk.details.email.text() == "kian@example.ir"
    assert kiosk.details.first.text() == "Kian"


def test_german_visitor_reads_german_and_types_umlauts(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    assert kiosk.attract.language_buttons["de"].text() == "Deutsch"
    keyboard = open_details(qtbot, kiosk, "de", kiosk.details.first)
    assert kiosk.details.heading.text() == "Ihre Daten"
    assert kiosk.layoutDirection() == Qt.LayoutDirection.LeftToRight
    for ch in "jürgen":
        click(qtbot, keyboard, ch)
    click(qtbot, keyboard, "ß")
    assert kiosk.details.first.text() == "jürgenß"
