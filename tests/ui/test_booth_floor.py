"""Issue 15 on the real window, driven by keys and clicks: the form filled blind, a handheld
burst while the form is open, the next scan opening at the top."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Event
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.ui import desktop_window
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner
from tests.ui.test_desktop_flow import AYSE, BORA, CEM

HUMAN_MS = 60  # slower than the 30 ms a key that tells a handheld scanner from a person


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Floor Expo", timezone="Europe/Istanbul",
                                          country="TR"))  # fmt: skip
    ctx.staff.add_staff(ev.id, "Deniz", "1111")
    ctx.attendees.import_attendees(
        ev.id, [Attendee("", ev.id, p.badge_id, p.contact) for p in (AYSE, BORA, CEM)]
    )
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(
        lambda: any(b.text() == "Deniz" for b in win.sign_in.findChildren(QPushButton)),
        timeout=5000,
    )
    deniz = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == "Deniz")
    qtbot.mouseClick(deniz, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        qtbot.keyClicks(win.sign_in, "1111", delay=HUMAN_MS)
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=HUMAN_MS)
    yield win
    win.close()


def scan_with_handheld(qtbot, win: DesktopWindow, badge_id: str) -> None:  # type: ignore[no-untyped-def]
    """A scanner types the id in one fast burst and presses Enter, wherever focus is."""
    target = win.focusWidget() or win
    qtbot.keyClicks(target, badge_id)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def test_scan_answer_with_digits_note_and_enter_saves(qtbot, window: DesktopWindow,
                                                      ctx: AppContext, event: Event) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    scan, form = window.scan, window.scan.form
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    assert form.fields["last_name"].text() == "Kaya"
    # The name is there, so typing starts at the first question's choices.
    assert form.focusWidget() is form.questions["budget"].buttons()[0]
    for digit in (Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_2):
        qtbot.keyClick(window.focusWidget(), digit, delay=HUMAN_MS)
    # 1: budget "< 10k" -> next question; 3: authority "User" -> next; 2: interests "Analytics"
    assert form.questions["budget"].value() == "under_10k"
    assert form.questions["authority"].value() == "user"
    assert form.questions["interests"].value() == ["analytics"]
    qtbot.mouseClick(form.notes.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.notes, "wants a demo", delay=HUMAN_MS)
    qtbot.keyClick(form.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(form.notes, "call Tue", delay=HUMAN_MS)
    assert form.notes.toPlainText() == "wants a demo\ncall Tue"  # Shift+Enter: a new line
    assert scan.form_open
    with qtbot.waitSignal(scan.lead_saved, timeout=5000) as saved:
        qtbot.keyClick(form.fields["company"], Qt.Key.Key_Return)  # Enter in a one-line field
    lead = saved.args[0]
    assert lead.answers == {"budget": "under_10k", "authority": "user",
                            "interests": ["analytics"]}  # fmt: skip
    assert lead.notes == "wants a demo\ncall Tue"
    assert not scan.form_open
    # Enter on an answer button and in the note saves too.
    scan_with_handheld(qtbot, window, CEM.badge_id)
    qtbot.waitUntil(lambda: scan.form_open and form.fields["first_name"].text() == "Cem",
                    timeout=5000)  # fmt: skip
    with qtbot.waitSignal(scan.lead_saved, timeout=5000):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    # The same badge again opens at the top: name and "Scanned before" banner in view.
    form.scroller.verticalScrollBar().setValue(form.scroller.verticalScrollBar().maximum())
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open and form.banner.isVisible(), timeout=5000)
    qtbot.wait(50)
    assert form.scroller.verticalScrollBar().value() == 0
    viewport = form.scroller.viewport()
    for widget in (form.title, form.banner, form.fields["first_name"]):
        top_left = widget.mapTo(viewport, widget.rect().topLeft())
        assert 0 <= top_left.y() < viewport.height(), widget.objectName()
    assert form.focusWidget() is not None
    assert len(ctx.leads.list_leads(event.id)) == 2


@pytest.fixture
def themed(qtbot):  # type: ignore[no-untyped-def]
    """The app's own theme (its fonts set the sizes that must fit); restored afterwards."""
    from PySide6.QtWidgets import QApplication

    from boothapp.ui.theme import Theme, apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, font, sheet = app.palette(), app.font(), app.styleSheet()
    apply_theme(app, Theme.LIGHT)
    yield app
    app.setStyleSheet(sheet)
    app.setFont(font)
    app.setPalette(palette)


def test_short_form_fits_without_scrolling_at_1280x800(qtbot, themed, ctx: AppContext,
                                                       event: Event) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from dataclasses import replace

    cfg = ctx.configs.get(event.id)  # the event makes budget and role required
    questions = tuple(replace(q, required=q.id in ("budget", "authority")) for q in cfg.questions)
    ctx.configs.save(event.id, cfg.edited(questions=questions))
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    # No page makes the window bigger than the screen it is made for.
    assert win.width() == 1280 and win.height() == 800, win.minimumSizeHint()
    win.sign_in.signed_in.emit(ctx.staff.with_role(ctx.staff.list_staff(event.id)[0]))
    scan, form = win.scan, win.scan.form
    scan.handle_payload(BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    qtbot.wait(50)
    viewport = form.scroller.viewport()
    short = [form.title, *form.fields.values(), *form.rating_buttons.values()]
    required = [w for w in form.questions.values() if w.question.required]
    assert len(required) == 2
    for widget in short + required:
        bottom = widget.mapTo(viewport, widget.rect().bottomLeft()).y()
        assert bottom <= viewport.height(), widget.objectName()
    assert form.save_button.isVisible()
    # Focus starts at the first required question's first choice.
    assert form.focusWidget() is form.questions["budget"].buttons()[0]
    win.close()


def test_esc_asks_before_discarding_typed_input(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    scan, form = window.scan, window.scan.form
    qtbot.keyClick(scan, Qt.Key.Key_F5)
    assert scan.form_open and form.focusWidget() is form.fields["first_name"]
    qtbot.keyClicks(form.fields["first_name"], "Walk", delay=HUMAN_MS)
    qtbot.keyClick(form.fields["first_name"], Qt.Key.Key_Escape)
    assert scan.form_open and "Discard" in form.error.text()
    qtbot.keyClick(form.fields["first_name"], Qt.Key.Key_Escape)
    assert not scan.form_open
    qtbot.keyClick(scan, Qt.Key.Key_F5)  # nothing typed: Esc closes at once
    qtbot.keyClick(form.fields["first_name"], Qt.Key.Key_Escape)
    assert not scan.form_open


def test_handheld_burst_while_the_form_is_open_is_the_next_visitor(
    qtbot,
    window: DesktopWindow,  # type: ignore[no-untyped-def]
) -> None:
    scan, form = window.scan, window.scan.form
    results: list[tuple[str, str]] = []
    scan.result_shown.connect(lambda kind, words: results.append((kind, words)))
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    assert results[0][0] == "read"  # shown the moment the burst ended
    qtbot.waitUntil(lambda: results[-1][0] == "accepted", timeout=5000)
    qtbot.mouseClick(form.notes.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.notes, "nice", delay=HUMAN_MS)
    scan_with_handheld(qtbot, window, CEM.badge_id)  # focus is in Notes
    assert form.notes.toPlainText() == "nice"  # nothing of the badge typed into the note
    assert results[-1][0] == "queued" and "Next visitor" in form.notice.text()
    assert form.fields["first_name"].text() == "Bora"  # this visitor stays on screen
    with qtbot.waitSignal(scan.lead_saved, timeout=5000):
        qtbot.keyClick(form.notes, Qt.Key.Key_Return)
    # Offered as the next visitor right after the save.
    qtbot.waitUntil(lambda: scan.form_open and form.fields["first_name"].text() == "Cem",
                    timeout=5000)  # fmt: skip
    assert not form.notice.isVisible() and form.notes.toPlainText() == ""
    assert "Finish this lead" not in scan.message.text()


def test_a_handheld_burst_whose_enter_is_lost_still_opens_the_visitor(
    qtbot,
    window: DesktopWindow,  # type: ignore[no-untyped-def]
) -> None:
    scan = window.scan
    qtbot.keyClicks(window.focusWidget() or window, BORA.badge_id)  # no Enter at all
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    assert scan.form.fields["last_name"].text() == "Kaya"


def _open_in_leads_page(qtbot, win: DesktopWindow, lead_id: str) -> int:  # type: ignore[no-untyped-def]
    qtbot.keyClick(win, Qt.Key.Key_F2)
    page = win.leads
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.loading, timeout=5000)
    row = next(i for i in range(page.model.rowCount()) if page.model.lead_at(i).id == lead_id)  # type: ignore[union-attr]
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.detail.lead is not None and page.detail.lead.id == lead_id,
                    timeout=5000)  # fmt: skip
    return row


def test_edit_company_and_an_answer_in_the_detail(qtbot, window: DesktopWindow,
                                                 ctx: AppContext, event: Event) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from boothapp.services.leads import LeadDraft

    draft = LeadDraft(event_id=event.id, contact=AYSE.contact, answers={"budget": "50k_250k"},
                      notes="first chat")  # fmt: skip
    lead = ctx.leads.save_lead(draft)
    row = _open_in_leads_page(qtbot, window, lead.id)
    detail = window.leads.detail
    budget = detail.questions["budget"]
    # Labels, never codes: "50k-250k" is checked, nothing on screen says 50k_250k.
    assert [b.text() for b in budget.buttons() if b.isChecked()] == ["50k-250k"]
    company = detail.contact_fields["company"]
    qtbot.mouseClick(company, Qt.MouseButton.LeftButton)
    qtbot.keyClick(company, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(company, "Anadolu Holding", delay=HUMAN_MS)
    over = next(b for b in budget.buttons() if b.text() == "> 250k")
    qtbot.mouseClick(over, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(detail.new_note.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(detail.new_note, "asked for pricing", delay=HUMAN_MS)
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.status.text() == "Saved", timeout=5000)
    stored = ctx.leads.get_lead(lead.id)
    assert stored.contact.company == "Anadolu Holding"
    assert stored.answers["budget"] == "over_250k"
    # The note is appended under the author's name; the first one is kept.
    assert stored.notes.startswith("first chat\n\n— Deniz, ")
    assert stored.notes.endswith("\nasked for pricing")
    changed = {c.field for c in ctx.leads.history(lead.id)}
    assert {"company", "answers", "notes"} <= changed
    history = [detail.history.item(i).text() for i in range(detail.history.count())]
    assert any("Company: Anadolu A.Ş. → Anadolu Holding" in line for line in history)
    assert any("Budget: 50k-250k → > 250k" in line for line in history)  # words, not codes
    assert not any("50k_250k" in line or "over_250k" in line for line in history)
    # The list shows the new company.
    page = window.leads
    qtbot.waitUntil(lambda: page.model.lead_at(row).company == "Anadolu Holding", timeout=5000)  # type: ignore[union-attr]
    assert page.model.data(page.model.index(row, 1)) == "Anadolu Holding"


def test_capture_time_reads_the_same_on_every_screen(qtbot, window: DesktopWindow,
                                                    ctx: AppContext, event: Event,
                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    import csv
    from datetime import datetime

    from boothapp.services.exports import ExportFormat, ExportRequest
    from boothapp.ui.i18n import date_time, event_time

    scan = window.scan
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    with qtbot.waitSignal(scan.lead_saved, timeout=5000) as saved:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    lead = saved.args[0]
    shown = event_time(lead.created_at, "Europe/Istanbul")  # e.g. "Wed 2 Dec, 21:05"
    # Banner: the same badge again.
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open and scan.form.banner.isVisible(), timeout=5000)
    assert shown in scan.form.banner.text()
    qtbot.keyClick(scan.form, Qt.Key.Key_Escape)
    # List and detail.
    row = _open_in_leads_page(qtbot, window, lead.id)
    page = window.leads
    assert page.model.data(page.model.index(row, 5)) == shown
    assert shown in page.detail.subtitle.text()
    assert page.zone_label.text() == "times in Europe/Istanbul"
    # Dashboard.
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.dashboard.stats is not None, timeout=5000)
    assert shown in window.dashboard.today_tile.detail.text()
    # Export: the same wall-clock minute, in a machine-readable form.
    path = tmp_path / "leads.csv"
    ctx.exports.export(ExportRequest(event.id, path, ExportFormat.CSV))
    with path.open(encoding="utf-8-sig") as f:
        cell = next(csv.DictReader(f))["Captured (Europe/Istanbul)"]
    assert date_time(datetime.strptime(cell, "%Y-%m-%d %H:%M:%S")) == shown


def test_status_strip_says_sync_and_my_day(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    scan = window.scan
    qtbot.waitUntil(lambda: "you: 0 leads today" in scan.status_strip.text(), timeout=5000)
    assert "No CRM set up" in scan.status_strip.text()
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    with qtbot.waitSignal(scan.lead_saved, timeout=5000):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    # Read again at most every STATUS_GAP_MS (5 s) after the sign-in's read (issue 23).
    qtbot.waitUntil(lambda: "you: 1 lead today, #1 of 1" in scan.status_strip.text(),
                    timeout=10000)  # fmt: skip
    assert "1 lead kept on this laptop" in scan.status_strip.text()


def test_a_burst_of_lead_changes_reads_the_status_strip_once_more_not_each_time(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: at 50k leads one status read is ~100 ms of a core. Changes that arrive while
    a read runs, or soon after it, ask for one more read when the gap is over, and the strip
    ends on the newest figures."""
    scan = window.scan
    qtbot.waitUntil(lambda: "you: 0 leads today" in scan.status_strip.text(), timeout=5000)
    reads: list[int] = []
    real = desktop_window.booth_status

    def slow_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(1)
        time.sleep(0.2)  # a read at 50k
        return real(*args, **kwargs)

    monkeypatch.setattr(desktop_window, "booth_status", slow_read)
    window.refresh_booth_status()
    (deniz,) = ctx.staff.list_staff(event.id)
    for person in (AYSE, BORA, CEM):  # three saves land while the first read runs
        ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=person.contact, staff_id=deniz.id))
        window.refresh_booth_status()  # what each save's broadcast does
    qtbot.waitUntil(lambda: "you: 3 leads today" in scan.status_strip.text(), timeout=15000)
    window.runner.wait()
    # Seven asks (one before, three saves and their three broadcasts): the running read, if
    # the sign-in's gap was over, then one for the whole burst.
    assert 1 <= len(reads) <= 2


def test_ctrl_l_locks_back_to_sign_in(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.sign_in
    assert window.staff is None
    qtbot.keyClick(window, Qt.Key.Key_F2)  # the leads page stays behind the PIN
    assert window.pages.currentWidget() is window.sign_in
    scan_with_handheld(qtbot, window, BORA.badge_id)  # a badge while locked opens nothing
    qtbot.wait(200)
    assert window.pages.currentWidget() is window.sign_in and not window.scan.form_open


def test_privacy_hides_the_previous_visitor_after_n_seconds(qtbot, window: DesktopWindow,
                                                            ctx: AppContext) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    scan = window.scan
    assert scan.privacy.currentData() == 0  # off by default
    scan.privacy.setFocus()
    qtbot.keyClick(scan.privacy, Qt.Key.Key_Down)  # "Hide after 10 s"
    assert ctx.settings.privacy_hide_after_s == 10
    scan_with_handheld(qtbot, window, BORA.badge_id)
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    with qtbot.waitSignal(scan.lead_saved, timeout=5000):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)

    def texts() -> list[str]:
        recent = [scan.recent.item(i).text() for i in range(scan.recent.count())]
        return [scan.message.text(), scan.result.text(), *recent]

    assert any("Kaya" in t for t in texts())
    scan._privacy_timer.setInterval(50)  # the 10 s, shortened for the test
    scan._privacy_timer.start()
    qtbot.waitUntil(lambda: not any("Kaya" in t or "Kuzey" in t for t in texts()), timeout=2000)


def test_no_camera_clears_the_preview_and_survives_kiosk_mode(qtbot, window: DesktopWindow,
                                                             ctx: AppContext, tmp_path) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from boothapp.demo.badge_video import write_badge_video
    from boothapp.demo.people import vcard_payload
    from boothapp.settings import NO_CAMERA

    video = write_badge_video(tmp_path / "b.avi", [AYSE], [vcard_payload(AYSE)], "Floor Expo",
                              seconds_per_badge=1.0)  # fmt: skip
    window.start_camera(str(video))
    scan = window.scan
    qtbot.waitUntil(lambda: "fps" in scan.camera_status.text(), timeout=10000)
    picker = window.camera_picker
    none = picker.findData(NO_CAMERA)
    picker.setCurrentIndex(none)
    picker.activated.emit(none)  # what a click on the list entry emits
    assert scan.camera_status.text() == "No camera"
    assert "No camera" in scan.camera.message and scan.cameras.last_frame is None
    qtbot.wait(300)  # nothing queued from the stopped worker brings the picture back
    assert scan.camera_status.text() == "No camera" and scan.cameras.worker is None
    assert ctx.settings.camera == NO_CAMERA  # kept for the next start
    window.start_kiosk()
    kiosk = window._kiosk[0]  # type: ignore[index]
    kiosk.open_pin_pad()
    with qtbot.waitSignal(kiosk.exit_unlocked, timeout=5000):
        kiosk._check_pin("1111")
    qtbot.waitUntil(lambda: window.isVisible(), timeout=3000)
    assert scan.cameras.worker is None and picker.currentData() == NO_CAMERA


def _click_nav(qtbot, win: DesktopWindow, title: str) -> None:  # type: ignore[no-untyped-def]
    item = next(win.nav.item(i) for i in range(win.nav.count())
                if win.nav.item(i).text().startswith(title))  # fmt: skip
    pos = win.nav.visualItemRect(item).center()
    qtbot.mouseClick(win.nav.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _answer_box(qtbot, button_text: str) -> None:  # type: ignore[no-untyped-def]
    """Click ``button_text`` in the message box that is about to open (it runs modally)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        button = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(20, click)


def test_event_settings_form_for_managers_with_the_same_checks(
    qtbot,
    window: DesktopWindow,
    ctx: AppContext,
    event: Event,  # type: ignore[no-untyped-def]
) -> None:
    page = window.settings_page
    _click_nav(qtbot, window, "Event settings")
    assert window.pages.currentWidget() is page
    assert page.stack.currentWidget() is not page.locked  # Deniz set the event up: manager
    qtbot.waitUntil(lambda: page.form.question.count() > 0, timeout=5000)
    form = page.form
    assert page.tabs.currentWidget() is form
    # Rename an option of "Budget" and raise the hot threshold, with keys.
    assert form.question.currentText() == "Budget"
    cell = form.options.visualItemRect(form.options.item(1, 1)).center()
    from PySide6.QtWidgets import QApplication, QLineEdit

    qtbot.mouseClick(form.options.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    # Typing on a cell edits it, as in a spreadsheet: the first key opens the editor.
    qtbot.keyClick(form.options, "U", delay=HUMAN_MS)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and form.options.isAncestorOf(editor)
    qtbot.keyClicks(editor, "nder 10k", delay=HUMAN_MS)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    form.hot.setFocus()
    qtbot.keyClick(form.hot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.hot, "10", delay=HUMAN_MS)  # below "warm from 25": refused
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    problems = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert problems and all(p.startswith("line ") for p in problems)
    assert any("rating" in p for p in problems)
    before = ctx.configs.get(event.id).revision
    # Leaving with unsaved changes asks; "Stay here" keeps the page.
    _answer_box(qtbot, "Stay here")
    _click_nav(qtbot, window, "Scan")
    assert window.pages.currentWidget() is page
    form.hot.setFocus()
    qtbot.keyClick(form.hot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.hot, "70", delay=HUMAN_MS)
    # The daily target per person, which the dashboard measures against.
    assert form.target.value() == 25
    form.target.setFocus()
    qtbot.keyClick(form.target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.target, "40", delay=HUMAN_MS)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.configs.get(event.id).revision == before + 1, timeout=5000)
    cfg = ctx.configs.get(event.id)
    assert cfg.rating.hot == 70
    assert cfg.targets.leads_per_staff_per_day == 40
    stats = ctx.dashboard.booth_stats(event.id, date.today(), "UTC")
    assert stats.target_per_staff == 40
    budget = cfg.question("budget")
    assert budget is not None and budget.options[0].label == "Under 10k"
    _click_nav(qtbot, window, "Scan")  # saved: leaving asks nothing
    assert window.pages.currentWidget() is window.scan


def test_event_settings_are_closed_to_staff(qtbot, ctx: AppContext, event: Event) -> None:  # type: ignore[no-untyped-def]
    ctx.staff.add_staff(event.id, "Ece", "2222")
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(
        lambda: any(b.text() == "Ece" for b in win.sign_in.findChildren(QPushButton)),
        timeout=5000,
    )
    ece = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == "Ece")
    qtbot.mouseClick(ece, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        qtbot.keyClicks(win.sign_in, "2222", delay=HUMAN_MS)
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=HUMAN_MS)
    _click_nav(qtbot, win, "Event settings")
    assert win.settings_page.stack.currentWidget() is win.settings_page.locked
    assert "managers" in win.settings_page.locked.text()
    assert not win.settings_page.save()
    win.close()


def test_a_scanned_vcard_keeps_its_website_and_city_through_the_form(
    qtbot,
    window: DesktopWindow,
    ctx: AppContext,
    event: Event,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 13: the form rebuilt the contact from the fields it shows, so a vCard's website
    (and city) were blanked by the save."""
    vcard = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Yılmaz;Ayşe\nORG:Anadolu Lojistik\n"
        "EMAIL:ayse@anadolu.example\nADR:;;Cd. 1;İzmir;;35000;Türkiye\n"
        "URL:https://anadolu.example\nEND:VCARD"
    )
    scan, form = window.scan, window.scan.form
    scan.handle_payload(vcard, "QRCode")  # as the camera hands a decoded QR code over
    qtbot.waitUntil(lambda: scan.form_open, timeout=5000)
    with qtbot.waitSignal(scan.lead_saved, timeout=5000) as saved:
        qtbot.keyClick(form.fields["company"], Qt.Key.Key_Return)
    stored = ctx.leads.get_lead(saved.args[0].id).contact
    assert stored.website == "https://anadolu.example"
    assert stored.city == "İzmir"


def test_a_bad_email_mark_leaves_with_the_visitor(qtbot, window: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    # Issue 23: a form load re-polishes only fields whose mark changes; the mark a visitor
    # left must still be gone for the next one, and the score line is there at once.
    scan, form = window.scan, window.scan.form
    qtbot.keyClick(scan, Qt.Key.Key_F5)
    email = form.fields["email"]
    qtbot.keyClicks(email, "ann@example", delay=HUMAN_MS)
    assert email.property("invalid") is True and form.contact_error.text()
    qtbot.keyClick(email, Qt.Key.Key_Escape)
    qtbot.keyClick(email, Qt.Key.Key_Escape)
    assert not scan.form_open
    qtbot.keyClick(scan, Qt.Key.Key_F5)
    assert scan.form_open and email.text() == ""
    assert not email.property("invalid") and not form.contact_error.text()
    assert form.score_label.text().startswith("Score 0")
