"""Kiosk mode driven like a visitor would: the flow, idle resets, PIN exit, privacy, RTL."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit

from boothapp.app import AppContext
from boothapp.core.models import Event, LeadSource, SyncState
from boothapp.services.events import NewEvent
from boothapp.sync.settings import CrmSettings
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.questions_page import KioskQuestion
from boothapp.workers.tasks import TaskRunner

QUESTIONS = [
    KioskQuestion(
        "interests",
        "Products",
        (("robots", "Robots"), ("sensors", "Sensors"), ("software", "Software")),
        multi=True,
    ),
    KioskQuestion("timeframe", "When?", (("now", "Now"), ("lt3", "< 3 months"))),
]


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Kiosk Expo", timezone="Europe/Istanbul"))
    ctx.staff.add_staff(ev.id, "Deniz", "2468")
    return ev


@pytest.fixture
def kiosk(qtbot, ctx: AppContext, event: Event) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    window = KioskWindow(ctx, runner, event, QUESTIONS, idle_timeout_s=30, show_keyboard=True)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window._unlocked = True  # let pytest-qt close it
    runner.wait()


def _type_visitor(
    qtbot, k: KioskWindow, first: str = "Mehmet", email: str = "m@acme.com.tr"
) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(k.attract.type_button, Qt.MouseButton.LeftButton)
    assert k.current_step is k.details
    qtbot.keyClicks(k.details.first, first)
    qtbot.keyClicks(k.details.last, "Kaya")
    qtbot.keyClicks(k.details.email, email)
    qtbot.keyClicks(k.details.company, "Acme")
    qtbot.mouseClick(k.details.next_button, Qt.MouseButton.LeftButton)


def _visitor_traces(k: KioskWindow, secret: str) -> list[str]:
    """Every place on any step where the secret still shows."""
    found = []
    for w in k.findChildren(QLineEdit):
        if secret in w.text():
            found.append(f"line edit {w.objectName()}")
    for w in k.findChildren(QLabel):
        if secret in w.text():
            found.append(f"label {w.text()[:30]}")
    clip = QApplication.clipboard()
    if clip is not None and secret in clip.text():
        found.append("clipboard")
    return found


def test_full_flow_saves_a_self_registered_lead(
    qtbot, kiosk: KioskWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    _type_visitor(qtbot, kiosk)
    assert kiosk.current_step is kiosk.questions
    buttons = {b.text(): b for b in kiosk.questions.findChildren(QAbstractButton)}
    qtbot.mouseClick(buttons["Robots"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(buttons["Software"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(buttons["Now"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.questions.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_step is kiosk.consent
    assert not kiosk.consent.agree.isChecked()  # opt-in, never pre-ticked
    shown = kiosk.consent.text.text()
    kiosk.consent.agree.setChecked(True)
    with qtbot.waitSignal(kiosk.lead_saved, timeout=5000) as saved:
        qtbot.mouseClick(kiosk.consent.finish_button, Qt.MouseButton.LeftButton)
    lead = saved.args[0]
    assert kiosk.current_step is kiosk.thanks
    assert "Mehmet" in kiosk.thanks.message.text()
    stored = ctx.leads.get_lead(lead.id)
    assert stored.source is LeadSource.KIOSK
    assert stored.contact.email == "m@acme.com.tr"
    assert stored.answers["interests"] == ["robots", "software"]
    assert stored.answers["timeframe"] == "now"
    assert stored.consent_text == shown and stored.consent_given_at is not None
    # Behind the thank-you screen nothing of the visitor is left in any other step.
    assert _visitor_traces(kiosk, "acme.com.tr") == []


def test_missing_email_is_refused_in_the_visitors_language(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    kiosk.set_language("tr")
    _type_visitor(qtbot, kiosk, email="not-an-email")
    assert kiosk.current_step is kiosk.details
    assert kiosk.details.error.text() == "Lütfen adınızı ve geçerli bir e-posta girin"


@pytest.mark.parametrize("step", ["details", "questions", "consent"])
def test_idle_timeout_clears_every_widget_at_every_step(
    qtbot, ctx: AppContext, event: Event, step: str
) -> None:  # type: ignore[no-untyped-def]
    k = KioskWindow(ctx, TaskRunner(inline=True), event, QUESTIONS, idle_timeout_s=1.2)
    qtbot.addWidget(k)
    k.show()
    k.set_language("el")
    QApplication.clipboard().setText("Secretname")
    _type_visitor(qtbot, k, first="Secretname")
    if step == "details":
        k._go(k.details)
    elif step == "consent":
        qtbot.mouseClick(k.questions.next_button, Qt.MouseButton.LeftButton)
        k.consent.agree.setChecked(True)
    else:
        buttons = {b.text(): b for b in k.questions.findChildren(QAbstractButton)}
        qtbot.mouseClick(buttons["Sensors"], Qt.MouseButton.LeftButton)
    assert k.current_step is getattr(k, step)
    qtbot.waitUntil(lambda: k.countdown.isVisible(), timeout=3000)  # warning before reset
    qtbot.waitUntil(lambda: k.current_step is k.attract, timeout=4000)
    assert _visitor_traces(k, "Secretname") == []
    assert all(not e.text() for e in k.findChildren(QLineEdit))
    checked = [
        b.text()
        for b in k.findChildren(QAbstractButton)
        if b.isCheckable() and b.isChecked() and b not in k.attract.language_buttons.values()
    ]
    assert checked == []
    assert k.visitor.contact.first_name == "" and k.visitor.answers == {}
    assert k.language == "en"  # the next visitor starts in the default language
    assert not k.countdown.isVisible()
    k._unlocked = True


def test_exit_needs_the_staff_pin(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    kiosk.close()
    assert kiosk.isVisible()  # closing without the PIN is ignored
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()
    qtbot.keyClick(
        kiosk,
        Qt.Key.Key_X,
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.ShiftModifier,
    )
    assert kiosk.current_step is kiosk.pin_pad
    for digit in "1111":
        qtbot.mouseClick(
            kiosk.pin_pad.findChild(QAbstractButton, f"pin_{digit}"), Qt.MouseButton.LeftButton
        )
    qtbot.mouseClick(kiosk.pin_pad.findChild(QAbstractButton, "pin_OK"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.pin_pad.error.text() == "Wrong PIN", timeout=5000)
    assert kiosk.isVisible()
    with qtbot.waitSignal(kiosk.exit_unlocked, timeout=5000):
        for digit in "2468":
            qtbot.keyClick(kiosk.pin_pad, getattr(Qt.Key, f"Key_{digit}"))
        qtbot.keyClick(kiosk.pin_pad, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not kiosk.isVisible(), timeout=2000)


def test_corner_taps_open_the_pin_pad(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        qtbot.mouseClick(
            kiosk.attract,
            Qt.MouseButton.LeftButton,
            pos=kiosk.attract.rect().topLeft() + kiosk.attract.rect().topLeft().__class__(10, 10),
        )
    assert kiosk.current_step is kiosk.pin_pad


def test_second_visitor_cannot_reach_the_first(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    _type_visitor(qtbot, kiosk, first="Firstvisitor", email="first@visitor.example")
    qtbot.mouseClick(kiosk.questions.next_button, Qt.MouseButton.LeftButton)
    kiosk.consent.agree.setChecked(True)
    with qtbot.waitSignal(kiosk.lead_saved, timeout=5000):
        qtbot.mouseClick(kiosk.consent.finish_button, Qt.MouseButton.LeftButton)
    kiosk.reset()  # the thank-you screen times out (or the next visitor arrives)
    # The second visitor tries every way back: type, back buttons, consent back.
    qtbot.mouseClick(kiosk.attract.type_button, Qt.MouseButton.LeftButton)
    assert _visitor_traces(kiosk, "first@visitor") == []
    assert _visitor_traces(kiosk, "Firstvisitor") == []
    qtbot.mouseClick(kiosk.details.cancel_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_step is kiosk.attract
    assert _visitor_traces(kiosk, "Firstvisitor") == []


def test_persian_lays_out_right_to_left(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(kiosk.attract.language_buttons["fa"], Qt.MouseButton.LeftButton)
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.details.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.attract.welcome.text() == "به غرفه ما خوش آمدید"
    qtbot.mouseClick(kiosk.attract.language_buttons["el"], Qt.MouseButton.LeftButton)
    assert kiosk.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert kiosk.attract.welcome.text() == "Καλώς ήρθατε στο περίπτερό μας"


def test_roster_badge_shows_first_name_and_company_until_its_me(
    qtbot,
    ctx: AppContext,
    event: Event,  # type: ignore[no-untyped-def]
) -> None:
    from dataclasses import replace

    from boothapp.core.models import Attendee, Contact

    ctx.attendees.import_attendees(
        event.id, [Attendee("", event.id, "777", Contact(first_name="Zeynep", last_name="Arslan",
                                                         email="zeynep@arslan.tr",
                                                         company="Arslan Tekstil"))]
    )  # fmt: skip
    # Staff met her earlier and wrote a private note: the kiosk must never show it.
    first = ctx.leads.record_scan(event.id, "777")
    ctx.leads.save_lead(replace(first.draft, notes="PRIVATE: competitor's customer"))
    k = KioskWindow(ctx, TaskRunner(), event, QUESTIONS)
    qtbot.addWidget(k)
    k.show()
    k.handle_scan("000777")  # the camera saw it before anyone asked: ignored
    qtbot.wait(300)
    assert k.current_step is k.attract and _visitor_traces(k, "Zeynep") == []
    qtbot.mouseClick(k.attract.scan_button, Qt.MouseButton.LeftButton)
    assert k.current_step is k.scan_step
    k.handle_scan("000777")
    qtbot.waitUntil(lambda: k.current_step is k.confirm, timeout=5000)
    assert k.confirm.name.text() == "Zeynep" and k.confirm.company.text() == "Arslan Tekstil"
    assert _visitor_traces(k, "Arslan") == ["label Arslan Tekstil"]  # no last name
    assert _visitor_traces(k, "zeynep@") == []
    qtbot.mouseClick(k.confirm.yes_button, Qt.MouseButton.LeftButton)
    assert k.current_step is k.details
    assert k.details.first.text() == "Zeynep" and k.details.email.text() == "zeynep@arslan.tr"
    assert _visitor_traces(k, "PRIVATE") == []
    k._unlocked = True


def test_a_badge_without_a_roster_match_shows_only_what_it_carried(
    qtbot, kiosk: KioskWindow
) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(kiosk, Qt.Key.Key_Space)  # any key starts, as a tap on "Scan my badge"
    assert kiosk.current_step is kiosk.scan_step
    kiosk.handle_scan("MECARD:N:Demir,Ali;ORG:Demir Makina;;", "QRCode")
    qtbot.waitUntil(lambda: kiosk.current_step is kiosk.details, timeout=5000)
    assert kiosk.details.first.text() == "Ali" and kiosk.details.company.text() == "Demir Makina"
    assert kiosk.details.email.text() == ""
    # Idle reset drops the read: nothing of it is left in the visitor state or on screen.
    kiosk.reset()
    assert kiosk.visitor.draft is None and _visitor_traces(kiosk, "Demir") == []


def test_kiosk_questions_come_from_the_event_config(ctx: AppContext, event: Event) -> None:
    from boothapp.ui.kiosk.setup import kiosk_questions

    questions = kiosk_questions(ctx.configs.get(event.id))
    ids = [q.id for q in questions]
    assert "interests" in ids and "timeframe" in ids
    assert "budget" not in ids  # not a kiosk question: staff ask that one
    interests = next(q for q in questions if q.id == "interests")
    assert interests.multi and ("analytics", "Analytics") in interests.options


def test_keyboard_shows_only_the_chosen_languages_keys(qtbot, kiosk: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(kiosk.attract.type_button, Qt.MouseButton.LeftButton)
    for lang, own, foreign in (("el", "ς", "q"), ("fa", "ض", "ς"), ("en", "q", "ض")):
        kiosk.set_language(lang)
        # processEvents shows the new keys but runs no deferred deletes: the old keys are
        # still alive then, and none of them may show through.
        QApplication.processEvents()
        keys = kiosk.details.keyboard.findChildren(QAbstractButton)
        shown = {b.text() for b in keys if b.isVisible()}
        assert own in shown and foreign not in shown, lang


def test_default_questions_speak_the_visitors_language(
    qtbot, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    from boothapp.ui.kiosk.setup import kiosk_questions

    k = KioskWindow(ctx, TaskRunner(inline=True), event, kiosk_questions(ctx.configs.get(event.id)))
    qtbot.addWidget(k)
    k.set_language("tr")
    labels = [w.text() for w in k.questions.findChildren(QLabel)]
    assert "Ne zaman satın almayı planlıyorsunuz?" in labels
    texts = {b.text() for b in k.questions.findChildren(QAbstractButton)}
    assert "Hemen" in texts and "Now" not in texts
    k.set_language("en")
    assert "Now" in {b.text() for b in k.questions.findChildren(QAbstractButton)}
    k._unlocked = True


def test_kiosk_registration_is_planned_and_reaches_the_crm_through_boothapp_sync(
    qtbot,
    kiosk: KioskWindow,
    ctx: AppContext,
    event: Event,
    cli,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Issue #13: a kiosk lead used to get no follow-up plan and never reached the CRM. The CRM
    here is the CSV-folder target (a real one-way target another tool watches)."""
    drop = tmp_path / "crm-drop"
    ctx.sync.configure(event.id, CrmSettings("csvdrop", "", folder=str(drop)))
    _type_visitor(qtbot, kiosk, first="Zeynep", email="zeynep@anadolu.com.tr")
    qtbot.mouseClick(kiosk.questions.next_button, Qt.MouseButton.LeftButton)
    agree = kiosk.consent.agree
    qtbot.mouseClick(agree, Qt.MouseButton.LeftButton)  # a tap anywhere on the row ticks it
    assert agree.isChecked()
    with qtbot.waitSignal(kiosk.lead_saved, timeout=5000) as saved:
        qtbot.mouseClick(kiosk.consent.finish_button, Qt.MouseButton.LeftButton)
    lead_id = saved.args[0].id
    touches = ctx.followups.lead_touches(lead_id)
    assert touches, "the kiosk lead has its follow-up plan"
    assert any(t.channel.value == "email" for t in touches)  # consent given at the kiosk

    run = cli("sync", "--event", "Kiosk Expo")
    assert run.code == 0, run.out + run.err
    rows = [row for f in sorted(drop.glob("*.csv")) for row in csv.DictReader(f.open())]
    assert [r["email"] for r in rows] == ["zeynep@anadolu.com.tr"]
    assert ctx.leads.get_lead(lead_id).sync_state is SyncState.SYNCED
