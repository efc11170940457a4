"""A question the event manager reworded speaks the visitor's language when they translated it.

The manager exports the event configuration, rewords the timeframe question and one option with
a Turkish translation, adds the kiosk languages, and imports it again, as they would by hand.
Visitors then walk through the kiosk: pick a language on the attract screen, type their details,
and read the questions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from boothapp.app import AppContext
from boothapp.core.models import Event
from boothapp.services.events import NewEvent
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.setup import kiosk_questions
from boothapp.workers.tasks import TaskRunner

QUESTION_EN = "When would you start?"
QUESTION_TR = "Ne zaman başlamak istersiniz?"
OPTION_EN = "Right away"
OPTION_TR = "Hemen şimdi"


def reworded(exported: str) -> str:
    """The manager's edit of the exported default configuration."""
    edits = [
        (
            "  label: When do you plan to buy?\n",
            f"  label: {QUESTION_EN}\n  translations:\n    tr: {QUESTION_TR}\n",
        ),
        ("  - id: now\n    label: Now\n", f"  - id: now\n    label: {OPTION_EN}\n"
                                          f"    translations: {{tr: {OPTION_TR}}}\n"),
        ("kiosk_languages:\n- en\n", "kiosk_languages: [en, tr, el, fa]\n"),
    ]  # fmt: skip
    for old, new in edits:
        assert exported.count(old) == 1, old
        exported = exported.replace(old, new)
    return exported


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Kiosk Expo", timezone="Europe/Istanbul"))
    ctx.configs.import_text(ev.id, reworded(ctx.configs.export_text(ev.id)), "event.yaml")
    return ev


@pytest.fixture
def kiosk(qtbot, ctx: AppContext, event: Event) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    cfg = ctx.configs.get(event.id)
    window = KioskWindow(
        ctx, TaskRunner(inline=True), event, kiosk_questions(cfg),
        languages=list(cfg.kiosk_languages), show_keyboard=False,
    )  # fmt: skip
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window._unlocked = True  # let pytest-qt close it


def visitor_reaches_questions(qtbot, k: KioskWindow, lang: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(k.attract.language_buttons[lang], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(k.attract.type_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(k.details.first, "Elif")
    qtbot.keyClicks(k.details.last, "Demir")
    qtbot.keyClicks(k.details.email, "elif@demir.com.tr")
    qtbot.mouseClick(k.details.next_button, Qt.MouseButton.LeftButton)
    assert k.current_step is k.questions


def shown_labels(k: KioskWindow) -> list[str]:
    return [w.text() for w in k.questions.findChildren(QLabel) if w.isVisible()]


def shown_buttons(k: KioskWindow) -> dict[str, QAbstractButton]:
    return {b.text(): b for b in k.questions.findChildren(QAbstractButton) if b.isVisible()}


def first_ink_column(widget: QWidget) -> int:
    """The leftmost pixel column where the widget draws anything over its background."""
    image = widget.grab().toImage()
    background = image.pixel(0, 0)
    for x in range(image.width()):
        if any(image.pixel(x, y) != background for y in range(image.height())):
            return x
    return image.width()


def test_turkish_visitor_reads_the_managers_turkish_and_the_answer_keeps_its_id(
    qtbot, kiosk: KioskWindow, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    visitor_reaches_questions(qtbot, kiosk, "tr")
    labels = shown_labels(kiosk)
    assert QUESTION_TR in labels and QUESTION_EN not in labels
    # Kept default wording still gets the built-in Turkish.
    assert "İlgilendiğiniz konular" in labels
    buttons = shown_buttons(kiosk)
    assert OPTION_TR in buttons and OPTION_EN not in buttons
    assert "3-6 ay" in buttons and "250'den fazla" in buttons
    qtbot.mouseClick(buttons[OPTION_TR], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.questions.next_button, Qt.MouseButton.LeftButton)
    kiosk.consent.agree.setChecked(True)
    with qtbot.waitSignal(kiosk.lead_saved, timeout=5000) as saved:
        qtbot.mouseClick(kiosk.consent.finish_button, Qt.MouseButton.LeftButton)
    # Staff and the CRM see the option id, whatever language the visitor read it in.
    assert ctx.leads.get_lead(saved.args[0].id).answers["timeframe"] == "now"


def test_english_visitor_reads_the_managers_english(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    visitor_reaches_questions(qtbot, kiosk, "tr")
    kiosk.reset()  # the Turkish visitor walks away; the next one reads English
    visitor_reaches_questions(qtbot, kiosk, "en")
    labels = shown_labels(kiosk)
    assert QUESTION_EN in labels and QUESTION_TR not in labels
    buttons = shown_buttons(kiosk)
    assert OPTION_EN in buttons and OPTION_TR not in buttons and "Hemen" not in buttons


def test_persian_visitor_without_a_translation_reads_the_managers_wording(
    qtbot, kiosk: KioskWindow
) -> None:  # type: ignore[no-untyped-def]
    visitor_reaches_questions(qtbot, kiosk, "fa")
    assert kiosk.questions.layoutDirection() == Qt.LayoutDirection.RightToLeft
    labels = shown_labels(kiosk)
    # No Persian written for the reworded question: the manager's words, not the built-in
    # Persian of the default question they replaced.
    assert QUESTION_EN in labels
    assert "چه زمانی قصد خرید دارید؟" not in labels
    buttons = shown_buttons(kiosk)
    assert OPTION_EN in buttons and "همین حالا" not in buttons
    # Kept default options still read in Persian, company sizes included.
    assert "کمتر از ۳ ماه" in buttons and "بیش از ۲۵۰" in buttons and "> 250" not in buttons
    # "۱ تا ۱۰" opens with a digit; marked right to left it reads "1 to 10", not "to 10 1".
    assert "\u200f۱ تا ۱۰" in buttons
    # The English question sits on the side the Persian page reads from, like the others.
    label = next(w for w in kiosk.questions.findChildren(QLabel) if w.text() == QUESTION_EN)
    assert label.alignment() & Qt.AlignmentFlag.AlignRight
    assert first_ink_column(label) > label.width() // 2
