"""The booth window in Persian, Turkish, Greek and German, driven by clicks (issue 21).

Each main page opened in Persian reads right to left and shows no English word from the
catalogue; picking a language on the sign-in page rewords the open window at once and is
remembered for that staff member.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QWidget,
)

from boothapp.app import AppContext
from boothapp.core.models import Event, StaffRole
from boothapp.services.events import NewEvent
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.i18n import ts_file
from boothapp.workers.tasks import TaskRunner

PERSIAN_SCAN = "اسکن"


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Tehran Expo", timezone="Asia/Tehran", country="IR"))
    ctx.staff.add_staff(ev.id, "Sara", "2468", role=StaffRole.MANAGER)
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.close()


def _language_button(win: DesktopWindow, code: str) -> QPushButton:
    button = win.sign_in.findChild(QPushButton, f"Language_{code}")
    assert button is not None
    return button


def _pick_language(qtbot, win: DesktopWindow, code: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(_language_button(win, code), Qt.MouseButton.LeftButton)
    QApplication.processEvents()  # Qt posts LanguageChange to the window


def _sign_in(qtbot, win: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.sign_in.staff_button("Sara") is not None, timeout=5000)
    sara = win.sign_in.staff_button("Sara")
    assert sara is not None
    qtbot.mouseClick(sara, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        qtbot.keyClicks(win.sign_in, "2468", delay=60)
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=60)
    QApplication.processEvents()


def _english_words() -> set[str]:
    """Words of the English catalogue that the Persian one does not itself keep (CRM, PDF…)."""
    english, kept = set(), set()
    for path, into in ((ts_file("en"), english), (ts_file("fa"), kept)):
        root = ET.parse(path).getroot()
        for msg in root.iter("message"):
            translation = msg.find("translation")
            text = (
                msg.findtext("source")
                if into is english
                else " ".join(translation.itertext() if translation is not None else ())
            )
            text = re.sub(r"<[^>]+>|\{[^{}]*\}|%L?n", " ", text or "")
            into.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    # The core's catalogue too (the status line, results, audit words, rep names: issue 21),
    # less what its own Persian keeps (command names in the CLI's help, CRM...).
    from babel.messages.pofile import read_po

    from boothapp.core.i18n import Language, catalogue_path

    core, core_kept = set(), set()
    with catalogue_path(Language.FA).open("rb") as fh:
        for msg in read_po(fh, locale="fa"):
            for text, into in ((msg.id, core), (msg.string, core_kept)):
                for part in text if isinstance(text, tuple) else (text,):
                    part = re.sub(r"<[^>]+>|\{[^{}]*\}|%\(?\w*\)?[sd]", " ", part or "")
                    into.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", part))
    return (english - kept) | (core - core_kept)


# Columns holding ids a manager types (an option's or a rep's id): stored, not worded.
_ID_COLUMNS = {"FormOptions": (0,), "FormReps": (0,)}


def _shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget, text) for every text a person can see in ``root``."""
    shown: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, QLabel | QAbstractButton):
            shown.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            shown.append((name, w.title()))
        elif isinstance(w, QLineEdit):
            shown.append((name, w.placeholderText() if not w.text() else ""))
        elif isinstance(w, QComboBox):
            shown.append((name, w.currentText()))
        elif isinstance(w, QListWidget):
            shown += [(name, w.item(i).text()) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            shown += [(name, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            shown += [
                (name, str(model.headerData(c, Qt.Orientation.Horizontal)))
                for c in range(model.columnCount())
            ]
            shown += [  # what the rows say, too (the first screenful), but stored ids
                (name, str(model.index(r, c).data() or ""))
                for r in range(min(model.rowCount(), 30))
                for c in range(model.columnCount())
                if c not in _ID_COLUMNS.get(w.objectName(), ())
            ]
    return shown


def test_choosing_a_language_at_sign_in_rewords_the_open_window(
    qtbot, window: DesktopWindow, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    scan_item = window.nav.item(1)
    assert scan_item.text().startswith("Scan")
    assert window.who.text() == "Not signed in"

    _pick_language(qtbot, window, "fa")
    qtbot.waitUntil(lambda: window.nav.item(1).text().startswith(PERSIAN_SCAN), timeout=3000)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.who.text() == "وارد نشده‌اید"
    assert window.lock_action.text() == "قفل (Ctrl+L)"
    assert window.sign_in.heading.text() == "چه کسی در غرفه است؟"
    assert _language_button(window, "fa").isChecked()
    assert window.statusBar().currentMessage() == "آماده"  # the opening "Ready" too

    _pick_language(qtbot, window, "tr")
    qtbot.waitUntil(lambda: window.nav.item(1).text().startswith("Tara"), timeout=3000)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.sign_in.heading.text() == "Stantta kim var?"

    _pick_language(qtbot, window, "el")
    _sign_in(qtbot, window)
    assert window.who.text() == "Συνδεδεμένος/η: Sara"
    assert window.scan.ready_title.text() == "Έτοιμο για σάρωση"
    staff_id = next(iter(ctx.settings.staff_languages))
    assert ctx.settings.staff_languages[staff_id] == "el"  # remembered for her next sign-in

    # Locked and back in English; choosing Sara again brings her Greek back before the PIN.
    window.lock()
    _pick_language(qtbot, window, "en")
    assert window.nav.item(1).text().startswith("Scan")
    qtbot.waitUntil(lambda: window.sign_in.staff_button("Sara") is not None, timeout=5000)
    sara = window.sign_in.staff_button("Sara")
    assert sara is not None
    qtbot.mouseClick(sara, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.nav.item(1).text().startswith("Σάρωση"), timeout=3000)


def test_every_main_page_in_persian_reads_right_to_left_without_english(
    qtbot, window: DesktopWindow
) -> None:  # type: ignore[no-untyped-def]
    _pick_language(qtbot, window, "fa")
    _sign_in(qtbot, window)
    english = _english_words()
    assert {"scan", "visitor", "dashboard", "settings"} <= english
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        qtbot.wait(50)
        page = window.pages.currentWidget()
        assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft, window.nav.item(row).text()
        leftovers = []
        for name, text in _shown_texts(window):
            words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>", " ", text))}
            if words & english:
                leftovers.append(f"{name}: {text!r}")
        assert not leftovers, f"page {row} ({window.nav.item(row).text()}):\n" + "\n".join(
            leftovers
        )


# What the Persian and Greek walk-throughs showed (issue 21): spin boxes in Latin digits in a
# Persian window, Greek lead filters cut to "Αξιολόγησ" beside empty space, a Greek heading
# cut to "ιολόγη".


def _open_page(qtbot, win: DesktopWindow, widget_type: type, name: str):  # type: ignore[no-untyped-def]
    for row in range(win.nav.count()):
        win.nav.setCurrentRow(row)
        qtbot.wait(20)
        found = win.pages.currentWidget().findChild(widget_type, name)
        if found is not None and found.isVisible():
            return found
    raise AssertionError(f"no page shows {name}")


def test_settings_numbers_in_persian_digits(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    _pick_language(qtbot, window, "fa")
    _sign_in(qtbot, window)
    warm = _open_page(qtbot, window, QSpinBox, "FormWarm")
    assert warm.text() and not re.search(r"[0-9]", warm.text()), warm.text()
    assert re.search(r"[۰-۹]", warm.text()), warm.text()


def test_greek_lead_filters_show_their_whole_words(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    _pick_language(qtbot, window, "el")
    _sign_in(qtbot, window)
    rating = _open_page(qtbot, window, QComboBox, "RatingFilter")
    qtbot.wait(50)
    for combo in rating.parentWidget().findChildren(QComboBox):
        if not combo.objectName().endswith("Filter"):
            continue
        words = combo.fontMetrics().horizontalAdvance(combo.currentText())
        assert words + 30 <= combo.width(), (combo.objectName(), combo.currentText(), combo.width())


def test_greek_lead_columns_show_their_headings(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    _pick_language(qtbot, window, "el")
    _sign_in(qtbot, window)
    _open_page(qtbot, window, QComboBox, "RatingFilter")
    page = window.pages.currentWidget()
    table, model = page.table, page.table.model()
    header = table.horizontalHeader()
    for column in range(model.columnCount() - 1):
        # Qt's own measure of a heading: its words, margins and the sort arrow.
        needed = header.sectionSizeFromContents(column).width()
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        assert needed <= table.columnWidth(column), (heading, needed, table.columnWidth(column))
