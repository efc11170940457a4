"""The set-up wizard's own buttons in the staff member's words (issue 21): Qt's "< &Back" /
"&Next >" read as bare "<" / ">" in Persian and pointed the wrong way right to left."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from boothapp.ui.i18n import apply_language
from boothapp.ui.setup_wizard import SetupWizard
from boothapp.workers.tasks import TaskRunner

BUTTONS = QWizard.WizardButton


@pytest.mark.parametrize(
    ("lang", "back", "next_", "cancel"),
    [
        ("en", "← Back", "Next →", "Cancel"),
        ("tr", "← Geri", "İleri →", "Vazgeç"),
        ("el", "← Πίσω", "Επόμενο →", "Ακύρωση"),
        # Right to left the leading arrow stands on the right: "بازگشت →" points back.
        ("fa", "→ بازگشت", "بعدی ←", "انصراف"),
        ("de", "← Zurück", "Weiter →", "Abbrechen"),
    ],
)
def test_wizard_buttons_in_the_readers_words(qtbot, ctx, lang, back, next_, cancel) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    wizard = SetupWizard(ctx, runner)
    qtbot.addWidget(wizard)
    apply_language(lang)  # switched while the wizard is open, as at the sign-in page
    try:
        wizard.show()
        qtbot.waitUntil(lambda: wizard.button(BUTTONS.CancelButton).text() == cancel)
        wizard.details.name.setText("Expo 2027")
        qtbot.mouseClick(wizard.button(BUTTONS.NextButton), Qt.MouseButton.LeftButton)
        assert wizard.currentPage() is wizard.staff
        texts = {b: wizard.button(b).text() for b in (BUTTONS.BackButton, BUTTONS.NextButton,
                                                        BUTTONS.CancelButton)}  # fmt: skip
        assert texts == {BUTTONS.BackButton: back, BUTTONS.NextButton: next_,
                         BUTTONS.CancelButton: cancel}  # fmt: skip
        assert not any(re.search(r"[<>]", t) for t in texts.values())
        if lang == "fa":
            assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
            # Back stands right of Next, where a right-to-left reader starts.
            assert wizard.button(BUTTONS.BackButton).x() > wizard.button(BUTTONS.NextButton).x()
    finally:
        apply_language("en")
        assert runner.wait(5000)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", "03/12/2026"), ("tr", "3.12.2026"), ("el", "3/12/2026"), ("fa", "۲۰۲۶/۱۲/۳"),
     ("de", "03.12.2026")],
)  # fmt: skip
def test_the_show_days_read_as_the_reader_writes_a_date(qtbot, ctx, lang, shown) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 walk: the first and last day read "2026-12-03" in every language."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication

    runner = TaskRunner()
    wizard = SetupWizard(ctx, runner)
    qtbot.addWidget(wizard)
    apply_language(lang)  # switched while the wizard is open
    QApplication.processEvents()
    try:
        wizard.details.starts.setDate(QDate(2026, 12, 3))
        assert wizard.details.starts.text() == shown
        assert wizard.details.new_event().starts_on.isoformat() == "2026-12-03"
    finally:
        apply_language("en")
        assert runner.wait(5000)
