"""Time zones picked by their place in the reader's language (issue 21): the set-up wizard
and the routing table listed "Asia/Tehran" in every language. The IANA id is what is stored."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from boothapp.core import zone_list
from boothapp.ui import zone_box
from boothapp.ui.event_details_page import EventDetailsPage
from boothapp.ui.event_settings_form import ZONE_COLUMN, SettingsForm
from boothapp.ui.i18n import apply_language
from boothapp.workers.tasks import TaskRunner

IANA_ID = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


@pytest.fixture
def language() -> Iterator[None]:
    yield
    apply_language("en")


def type_text(widget: QWidget, text: str) -> None:
    """Keys as a Persian, Greek or Turkish keyboard sends them (each with its character)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def pick(qtbot, box: zone_box.ZoneBox, typed: str) -> str:  # type: ignore[no-untyped-def]
    """Select what the box shows, type ``typed``, take the first suggestion with the keys."""
    box.setFocus()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(box.lineEdit(), typed)
    popup = box.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    suggestions = [
        popup.model().index(i, 0).data() for i in range(min(popup.model().rowCount(), 5))
    ]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    return str(suggestions)


@pytest.mark.parametrize(
    ("lang", "typed", "label", "zone"),
    [
        ("fa", "تهر", "تهران (ایران)", "Asia/Tehran"),
        ("el", "αθηνα", "Αθήνα (Ελλάδα)", "Europe/Athens"),  # no tonos typed, lower case
        ("tr", "istanbul", "İstanbul (Türkiye)", "Europe/Istanbul"),  # dotless typing
        # A place that starts with what is typed comes before the "-istan" countries.
        ("tr", "ist", "İstanbul (Türkiye)", "Europe/Istanbul"),
        ("de", "Wien", "Wien (Österreich)", "Europe/Vienna"),
        ("fa", "Asia/Tehr", "تهران (ایران)", "Asia/Tehran"),  # the id works in any language
    ],
)
def test_the_wizard_names_zones_by_place_and_saves_the_id(  # type: ignore[no-untyped-def]
    qtbot, runner, language, lang, typed, label, zone
) -> None:
    apply_language(lang)
    page = EventDetailsPage(default_zone="UTC", runner=runner)
    qtbot.addWidget(page)
    page.show()
    box = page.timezone
    qtbot.waitUntil(box.ready, timeout=5000)
    items = [box.itemText(i) for i in range(box.count())]
    assert box.currentText() == items[0] and "(UTC)" in items[0]
    if lang in ("fa", "el"):
        assert not [t for t in items if IANA_ID.search(t)]  # no "Asia/Tehran" to read
    suggestions = pick(qtbot, box, typed)
    assert box.currentText() == label, suggestions
    page.name.setText("Expo")
    assert page.new_event().timezone == zone


def test_aliases_are_listed_once_but_a_stored_alias_is_shown_and_kept(  # type: ignore[no-untyped-def]
    qtbot, runner, language
) -> None:
    apply_language("fa")
    page = EventDetailsPage(default_zone="Asia/Calcutta", runner=runner)
    qtbot.addWidget(page)
    box = page.timezone
    qtbot.waitUntil(box.ready, timeout=5000)
    zones = [box.itemData(i, zone_box.ZONE_ROLE) for i in range(box.count())]
    assert "Africa/Asmara" in zones and "Africa/Asmera" not in zones
    assert "Europe/Kyiv" in zones and "Europe/Kiev" not in zones
    assert len(zones) == len(set(zones))
    assert zones.count("Asia/Kolkata") == 1
    assert box.currentText() == "کلکته (هند)"  # the stored old spelling, by its place
    assert page.new_event().timezone == "Asia/Calcutta"  # and kept as stored


def test_the_list_is_built_off_the_gui_thread(qtbot, runner, language, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Babel's look-ups for a language's list take ~40-180 ms: a pool thread does them, and
    the box shows its zone at once (the GUI thread never waits for the list)."""
    threads: list[threading.Thread] = []
    build = zone_list.zone_choices

    def recording(lang):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return build(lang)

    monkeypatch.setattr(zone_box, "zone_choices", recording)
    monkeypatch.setattr(zone_box, "_lists", {})
    apply_language("el")
    page = EventDetailsPage(default_zone="Europe/Athens", runner=runner)
    qtbot.addWidget(page)
    box = page.timezone
    assert box.count() == 1 and box.itemData(0, zone_box.ZONE_ROLE) == "Europe/Athens"
    qtbot.waitUntil(box.ready, timeout=5000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert box.currentText() == "Αθήνα (Ελλάδα)"
    again = EventDetailsPage(default_zone="Europe/Athens", runner=runner)  # remembered
    qtbot.addWidget(again)
    assert again.timezone.ready() and len(threads) == 1


def test_routing_table_shows_places_and_keeps_ids(qtbot, runner, language) -> None:  # type: ignore[no-untyped-def]
    apply_language("fa")
    form = SettingsForm()
    qtbot.addWidget(form)
    form.show()
    form.load_tree(
        {
            "routing": {
                "reps": [
                    {"id": "ayse", "name": "Ayşe", "timezone": "Europe/Istanbul"},
                    {"id": "olena", "name": "Olena", "timezone": "Europe/Kiev"},  # an alias
                ]
            }
        }
    )
    table = form.reps
    qtbot.waitUntil(lambda: table.item(0, ZONE_COLUMN).text() == "استانبول (ترکیه)", timeout=5000)
    assert table.item(1, ZONE_COLUMN).text() == "کیف (اوکراین)"
    # Edit Ayşe's zone like a manager: the cell's picker, type, take the suggestion.
    table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    table.setCurrentCell(0, ZONE_COLUMN)
    table.editItem(table.item(0, ZONE_COLUMN))
    editor = table.findChild(zone_box.ZoneBox)
    assert editor is not None
    qtbot.waitUntil(editor.ready, timeout=5000)
    assert editor.currentText() == "استانبول (ترکیه)"
    pick(qtbot, editor, "آتن")
    qtbot.keyClick(editor.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(0, ZONE_COLUMN).text() == "آتن (یونان)", timeout=2000)
    reps = form.tree()["routing"]["reps"]
    assert [r["timezone"] for r in reps] == ["Europe/Athens", "Europe/Kiev"]
