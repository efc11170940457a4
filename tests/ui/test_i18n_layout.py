"""Words that fit: wrapped Persian lines mixing Latin and a zero-width non-joiner, Greek lead
filters beside the open lead detail (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel

from boothapp.app import AppContext
from boothapp.services.events import NewEvent
from boothapp.services.lead_queries import LeadQueryService
from boothapp.services.leads import LeadService
from boothapp.store.migrate import open_database
from boothapp.ui.i18n import apply_language
from boothapp.ui.leads_page import LeadsPage
from boothapp.ui.roster_import_dialog import RosterImportDialog
from boothapp.ui.wrapped_label import WrappedLabel
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_leads import populate

INTRO = (
    "The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's "
    "name and company offline."
)


def _ink_at_left_edge(label: QLabel, width: int) -> bool:
    """True when the label's drawn text reaches its left edge: a right-to-left line that
    ran past it and lost letters."""
    label.resize(width, label.heightForWidth(width))
    image = label.grab().toImage()
    return any(image.pixelColor(0, y).lightness() < 160 for y in range(image.height()))


def test_persian_line_with_zwnj_and_latin_is_not_cut(qtbot) -> None:  # type: ignore[no-untyped-def]
    apply_language("fa")
    QApplication.instance().setFont(QFont("DejaVu Sans", 12))  # type: ignore[union-attr]
    text = QCoreApplication.translate("RosterImportDialog", INTRO)
    assert "\u200c" in text and "CSV" in text
    subtitle = "گرم · امتیاز ۳۵ · ثبت جمعه ۰۴ دسامبر ۱۷:۴۲ توسط Alex Chen"
    # Widths where a plain wrapped QLabel draws its first line past its left edge.
    for line, widths in ((text, (306, 345, 618, 684)), (subtitle, (300, 348, 387))):
        plain = QLabel(line)
        plain.setWordWrap(True)
        wrapped = WrappedLabel(line)
        qtbot.addWidget(plain)
        qtbot.addWidget(wrapped)
        assert wrapped.text() == line
        cut = [w for w in widths if _ink_at_left_edge(plain, w)]
        assert [w for w in widths if _ink_at_left_edge(wrapped, w)] == [], cut


def test_roster_intro_and_detail_subtitle_wrap_whole(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    apply_language("fa")
    event = ctx.events.create_event(NewEvent(name="Roster Expo"))
    runner = TaskRunner()
    dialog = RosterImportDialog(ctx.attendees, runner, event)
    qtbot.addWidget(dialog)
    intros = [w for w in dialog.findChildren(WrappedLabel) if "CSV" in w.text()]
    assert intros and "\u200c" in intros[0].text()
    assert isinstance(dialog.summary, WrappedLabel)
    runner.wait()


def test_greek_filters_show_their_words_beside_the_detail(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = open_database(f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "backups")
    pop = populate(db, 40, seed=3)
    runner = TaskRunner()
    apply_language("el")
    page = LeadsPage(LeadQueryService(db), LeadService(db), runner, pop.event_id, 100)
    qtbot.addWidget(page)
    page.resize(1040, 740)  # the page beside the navigation on a 1280x800 laptop
    page.show()
    qtbot.waitUntil(lambda: page.model.total is not None and not page.model.loading)
    page.open_row(0)
    qtbot.wait(200)
    for combo in (page.rating, page.staff, page.day, page.stage, page.sync):
        words = combo.fontMetrics().horizontalAdvance(combo.currentText())
        assert words + 30 <= combo.width(), (combo.currentText(), words, combo.width())
    page.close_detail()
    qtbot.wait(100)
    assert page._filter_columns == 3  # the full width takes three a row again
    runner.wait()
    db.dispose()


def test_window_built_in_persian_rates_in_persian(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """A window opened straight in Persian (the OS's language) showed "Cold Warm Hot"."""
    from boothapp.core.config import default_config
    from boothapp.core.models import Rating
    from boothapp.ui.lead_form import LeadForm

    apply_language("fa")
    event = ctx.events.create_event(NewEvent(name="Form Expo"))
    runner = TaskRunner()
    form = LeadForm(ctx.leads, runner, event, default_config(), "")
    qtbot.addWidget(form)
    words = {r: form.rating_buttons[r].text() for r in Rating}
    assert words == {Rating.COLD: "سرد", Rating.WARM: "گرم", Rating.HOT: "داغ"}
    apply_language("el")  # a switch at sign-in retranslates them
    hot = QCoreApplication.translate("Leads", "Hot")
    qtbot.waitUntil(lambda: form.rating_buttons[Rating.HOT].text() == hot)
    assert not hot.isascii()
    runner.wait()


def test_default_consent_reads_in_the_staff_members_language(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """A German booth met "I agree that Demo-Messe stores my contact details ..." in English
    on every lead: the default sentence is the reader's; a manager's own is kept as written."""
    from boothapp.core.config import default_config
    from boothapp.ui.lead_form import LeadForm

    apply_language("de")
    event = ctx.events.create_event(NewEvent(name="Form Expo"))
    runner = TaskRunner()
    cfg = default_config()
    form = LeadForm(ctx.leads, runner, event, cfg, cfg.consent_text)
    qtbot.addWidget(form)
    german = form.consent_label.text()
    assert german.startswith("Ich bin einverstanden, dass Form Expo meine Kontaktdaten")
    apply_language("fa")  # a switch at sign-in rewords it
    qtbot.waitUntil(lambda: form.consent_label.text() != german)
    assert "Form Expo" in form.consent_label.text() and "agree" not in form.consent_label.text()
    own = LeadForm(ctx.leads, runner, event, cfg, "Ja, {company} darf mich anrufen.")
    qtbot.addWidget(own)
    assert own.consent_label.text() == "Ja, Form Expo darf mich anrufen."
    runner.wait()


def test_next_touch_names_its_city_in_the_readers_words() -> None:
    from datetime import UTC, datetime

    from boothapp.core.models import Channel
    from boothapp.services.followup_types import Touch, TouchState
    from boothapp.ui.lead_detail import followups_text

    apply_language("fa")
    touch = Touch("t1", "l1", 1, Channel.EMAIL, datetime(2026, 12, 4, 17, 25, tzinfo=UTC),
                  "America/Chicago", "", "", "", "", "", TouchState.PLANNED, "", "", 0, "",
                  None)  # fmt: skip
    text = followups_text([touch])
    assert "شیکاگو" in text and "America" not in text and "Chicago" not in text


def test_question_picker_names_questions_in_the_readers_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A Persian manager's question picker read "Budget" (the default's English label)."""
    from boothapp.ui.event_settings_form import SettingsForm

    apply_language("fa")
    form = SettingsForm()
    qtbot.addWidget(form)
    form.load_tree(
        {
            "questions": [
                {"id": "budget", "label": "Budget", "kind": "single", "options": []},
                {"id": "line", "label": "Robot line", "kind": "text",
                 "translations": {"fa": "خط ربات", "tr": "Robot serisi"}},
                {"id": "own", "label": "Booth colour", "kind": "text"},
            ]
        }
    )  # fmt: skip
    names = [form.question.itemText(i) for i in range(form.question.count())]
    assert names == ["بودجه", "خط ربات", "Booth colour"]  # their own words stay theirs


def test_settings_form_shows_default_wording_in_the_readers_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: the base-wording column and the default rep read "Budget" and "Booth
    manager" in a Persian window; left as shown, the document keeps its own text, so a
    Greek manager opening it later reads Greek; a rename is saved as typed."""
    from boothapp.ui.event_settings_form import NAME_COLUMN, SettingsForm

    apply_language("fa")
    form = SettingsForm()
    qtbot.addWidget(form)
    form.load_tree(
        {
            "kiosk_languages": ["en", "fa"],
            "questions": [
                {"id": "budget", "label": "Budget", "kind": "single",
                 "options": [{"id": "unknown", "label": "Unknown"}]},
            ],
            "routing": {"reps": [{"id": "booth_manager", "name": "Booth manager"}]},
        }
    )  # fmt: skip
    headers = [form.options.horizontalHeaderItem(c).text() for c in range(1, 3)]
    assert headers == ["متن پیش‌فرض", "فارسی"], headers
    assert form.options.item(0, 1).text() == "بودجه"
    assert form.options.item(1, 1).text() == "نامشخص"
    assert form.reps.item(0, NAME_COLUMN).text() == "مسئول غرفه"
    tree = form.tree()
    question = tree["questions"][0]
    assert question["label"] == "Budget" and question["options"][0]["label"] == "Unknown"
    assert "translations" not in question
    assert tree["routing"]["reps"][0]["name"] == "Booth manager"
    apply_language("el")  # the open form rewords itself
    QApplication.processEvents()  # Qt posts LanguageChange
    assert form.reps.item(0, NAME_COLUMN).text() == "Υπεύθυνος περιπτέρου"
    assert form.options.item(0, 1).text() == "Προϋπολογισμός"
    form.reps.item(0, NAME_COLUMN).setText("Ελένη Παππά")
    assert form.tree()["routing"]["reps"][0]["name"] == "Ελένη Παππά"
    apply_language("en")


def test_rep_hours_read_in_the_readers_digits(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A Persian manager read the reps' working hours in Latin digits ("09:00-17:00"): shown
    with QLocale's, kept as written when untouched, typed Persian digits saved as Latin."""
    from boothapp.ui.event_settings_form import HOURS_COLUMN, SettingsForm

    apply_language("fa")
    form = SettingsForm()
    qtbot.addWidget(form)
    form.load_tree(
        {
            "questions": [],
            "routing": {"reps": [{"id": "ayse", "name": "Ayşe", "hours": "09:00-17:00"},
                                 {"id": "cem", "name": "Cem", "hours": "flexible"}]},
        }
    )  # fmt: skip
    assert form.reps.item(0, HOURS_COLUMN).text() == "۰۹:۰۰–۱۷:۰۰"
    assert form.reps.item(1, HOURS_COLUMN).text() == "flexible"  # not hours: as written
    assert [r["hours"] for r in form.tree()["routing"]["reps"]] == ["09:00-17:00", "flexible"]
    apply_language("de")  # the open form rewords itself
    QApplication.processEvents()
    assert form.reps.item(0, HOURS_COLUMN).text() == "09:00–17:00"
    apply_language("fa")
    QApplication.processEvents()
    form.reps.item(0, HOURS_COLUMN).setText("۱۰:۰۰–۱۸:۳۰")
    assert form.tree()["routing"]["reps"][0]["hours"] == "10:00-18:30"
    apply_language("en")


@pytest.mark.parametrize("lang", ["el", "tr", "fa", "de"])
def test_a_long_event_name_keeps_the_window_on_the_laptop(qtbot, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 walk: the Greek demo's name in the settings and results titles made the window
    1399 px wide, cut at the right of the 1280 px booth laptop; the titles wrap now."""
    from boothapp.app import build_context
    from boothapp.ui.desktop_window import DesktopWindow

    apply_language(lang)
    ctx = build_context(str(tmp_path / "data"))
    try:
        name = "Διεθνής Έκθεση Βιομηχανικού Αυτοματισμού και Ρομποτικής Θεσσαλονίκης 2027"
        event = ctx.events.create_event(NewEvent(name=name, timezone="Europe/Athens"))
        window = DesktopWindow(ctx, TaskRunner(inline=True), event)
        qtbot.addWidget(window)
        window.show()
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= 1280
    finally:
        apply_language("en")
        ctx.close()
