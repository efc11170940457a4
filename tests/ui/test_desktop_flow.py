"""The booth desktop app driven like staff would: sign in, scan from a video, form pre-filled,
save, the same badge again opens the same lead, walk-in, handheld scanner, please-delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Contact, Event
from boothapp.demo.badge_video import write_badge_video
from boothapp.demo.people import DemoPerson
from boothapp.services.events import NewEvent
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner

AYSE = DemoPerson("5001", Contact(first_name="Ayşe", last_name="Yılmaz", company="Anadolu A.Ş.",
                                  email="ayse@anadolu.com.tr"))  # fmt: skip
BORA = DemoPerson("5002", Contact(first_name="Bora", last_name="Kaya", company="Kuzey Enerji",
                                  email="bora@kuzey.com.tr"))  # fmt: skip


CEM = DemoPerson("5003", Contact(first_name="Cem", last_name="Koç", company="Koç Lojistik",
                                 email="cem@koc.com.tr"))  # fmt: skip


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Flow Expo", timezone="Europe/Istanbul",
                                          country="TR"))  # fmt: skip
    ctx.staff.add_staff(ev.id, "Deniz", "1111")
    # Bora's badge holds only his id: the roster fills in the rest, offline.
    ctx.attendees.import_attendees(ev.id, [Attendee("", ev.id, BORA.badge_id, BORA.contact)])
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    win = DesktopWindow(ctx, runner, event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()


def _sign_in(qtbot, win: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: (
            bool(win.sign_in.findChildren(QPushButton, "StaffButton"))
            or any(b.text() == "Deniz" for b in win.sign_in.findChildren(QPushButton))
        ),
        timeout=5000,
    )
    deniz = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == "Deniz")
    qtbot.mouseClick(deniz, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        # Typed at human speed: a burst faster than 30 ms a key is a handheld scanner.
        qtbot.keyClicks(win.sign_in, "1111", delay=60)
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=60)
    assert win.pages.currentWidget() is win.scan
    assert "Deniz" in win.who.text()


def test_scan_video_prefills_saves_and_second_scan_opens_same_lead(
    qtbot,
    window: DesktopWindow,
    ctx: AppContext,
    event: Event,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    _sign_in(qtbot, window)
    from boothapp.demo.people import vcard_payload

    # Three badges of 2 s each: Ayşe's comes back after 4+ s out of view, past the 3 s
    # cooldown that keeps a badge held in view from counting twice.
    video = write_badge_video(tmp_path / "badges.avi", [AYSE, BORA, CEM],
                              [vcard_payload(AYSE), BORA.badge_id, vcard_payload(CEM)],
                              event.name, seconds_per_badge=2.0)  # fmt: skip
    window.start_camera(str(video))
    scan = window.scan
    # Ayşe's vCard badge: the form opens pre-filled from the badge.
    qtbot.waitUntil(lambda: scan.form_open, timeout=15000)
    assert scan.form.fields["first_name"].text() == "Ayşe"
    assert scan.form.fields["company"].text() == "Anadolu A.Ş."
    assert not scan.form.banner.isVisible()
    interested = next(b for b in scan.form.questions["interests"].buttons()
                      if b.property("option_id") == "analytics")  # fmt: skip
    qtbot.mouseClick(interested, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(scan.lead_saved, timeout=5000) as saved:
        qtbot.keyClick(scan.form.fields["email"], Qt.Key.Key_Return)  # Enter saves
    ayse = saved.args[0]
    assert not scan.form_open  # back to scanning at once
    # Her follow-ups are planned right away (the first touch explains its timing).
    qtbot.waitUntil(lambda: bool(ctx.followups.lead_touches(ayse.id)), timeout=5000)
    assert all(t.reason for t in ctx.followups.lead_touches(ayse.id))
    # Bora's id-only badge: the roster fills the form.
    qtbot.waitUntil(lambda: scan.form_open and scan.form.fields["first_name"].text() == "Bora",
                    timeout=15000)  # fmt: skip
    assert scan.form.fields["company"].text() == "Kuzey Enerji"
    qtbot.keyClick(scan.form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: scan.form_open and scan.form.fields["first_name"].text() == "Cem",
                    timeout=15000)  # fmt: skip
    qtbot.keyClick(scan.form, Qt.Key.Key_Escape)
    # The video loops: Ayşe's badge again opens her lead, with who scanned it and when.
    qtbot.waitUntil(lambda: scan.form_open and scan.form.fields["first_name"].text() == "Ayşe",
                    timeout=15000)  # fmt: skip
    assert scan.form.banner.isVisible()
    assert "Scanned before by Deniz" in scan.form.banner.text()
    assert scan.form._draft.lead_id == ayse.id
    window.scan.stop_camera()
    leads = ctx.leads.list_leads(event.id)
    assert [lead.id for lead in leads] == [ayse.id]  # no duplicate
    assert leads[0].answers.get("interests") == ["analytics"]
    assert leads[0].staff_name == "Deniz"
    assert scan.last_latency_ms is not None and scan.last_latency_ms < 1000


def test_walk_in_and_handheld_scanner(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(qtbot, window)
    qtbot.keyClick(window.scan, Qt.Key.Key_F5)
    assert window.scan.form_open
    assert window.scan.form.title.text() == "Walk-in visitor"
    # Human typing speed: a burst faster than 30 ms a key would be a handheld scanner.
    qtbot.keyClicks(window.scan.form.fields["first_name"], "Walk", delay=40)
    qtbot.keyClicks(window.scan.form.fields["email"], "not-an-email", delay=40)
    qtbot.keyClick(window.scan.form.fields["email"], Qt.Key.Key_Return, delay=40)
    assert window.scan.form_open and "Email" in window.scan.form.error.text()  # refused
    window.scan.form.fields["email"].setText("walk@in.example")
    with qtbot.waitSignal(window.scan.lead_saved, timeout=5000):
        qtbot.keyClick(window.scan.form.fields["email"], Qt.Key.Key_Return, delay=40)
    # A handheld scanner types the badge id fast and presses Enter, from any page.
    window.show_page(2)
    # A burst, as a scanner types it: into whatever has the focus on the leads page.
    target = window.focusWidget() or window
    assert window.leads.isAncestorOf(target)  # the search field: a scan must not land there
    qtbot.keyClicks(target, BORA.badge_id)
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.scan
    qtbot.waitUntil(lambda: window.scan.form_open, timeout=5000)
    assert window.scan.form.fields["last_name"].text() == "Kaya"
    assert target.text() == ""  # type: ignore[attr-defined]  # nothing typed into the search
    assert {x.contact.first_name for x in ctx.leads.list_leads(event.id)} == {"Walk"}


def test_kiosk_mode_hides_the_booth_and_the_pin_brings_it_back(
    qtbot,
    window: DesktopWindow,  # type: ignore[no-untyped-def]
) -> None:
    _sign_in(qtbot, window)
    window.start_kiosk()
    kiosk = window._kiosk[0]  # type: ignore[index]
    qtbot.waitUntil(lambda: kiosk.isVisible() and not window.isVisible(), timeout=3000)
    kiosk.close()
    assert kiosk.isVisible()  # no way out without the PIN
    kiosk.open_pin_pad()
    with qtbot.waitSignal(kiosk.exit_unlocked, timeout=5000):
        kiosk._check_pin("1111")
    qtbot.waitUntil(lambda: window.isVisible() and not kiosk.isVisible(), timeout=3000)


def test_lead_sheet_from_the_lead_detail(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from boothapp.services.leads import LeadDraft

    lead = ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=AYSE.contact,
                                         notes="wants a quote for 40 seats"))  # fmt: skip
    with qtbot.waitSignal(window.lead_sheet_written, timeout=10_000) as written:
        window.leads.detail._lead = lead
        window.leads.detail.sheet_button.click()
    text = PdfReader(written.args[0]).pages[0].extract_text()
    assert "Ayşe" in text and "40 seats" in text


def test_lead_form_fits_beside_the_camera(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    """Every question's choices and the consent sentence fit: nothing clipped on the right."""
    window.resize(1280, 800)
    _sign_in(qtbot, window)
    window.scan.handle_payload(BORA.badge_id)
    qtbot.waitUntil(lambda: window.scan.form_open, timeout=5000)
    form = window.scan.form
    body = form.title.parentWidget()
    viewport = body.parentWidget()
    qtbot.waitUntil(lambda: body.width() <= viewport.width(), timeout=2000)
    right_edge = viewport.mapToGlobal(viewport.rect().topRight()).x()
    for widget in (*form.fields.values(), *form.questions.values(), form.consent_label):
        assert widget.mapToGlobal(widget.rect().topRight()).x() <= right_edge, widget.objectName()
    assert form.consent_label.wordWrap() and "{company}" not in form.consent_label.text()


def test_camera_badges_before_sign_in_are_not_kept(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from boothapp.demo.people import vcard_payload

    video = write_badge_video(tmp_path / "one.avi", [AYSE], [vcard_payload(AYSE)], event.name,
                              seconds_per_badge=1.5)  # fmt: skip
    window.start_camera(str(video))
    qtbot.waitUntil(lambda: "Sign in first" in window.scan.message.text(), timeout=15000)
    window.scan.stop_camera()
    assert not window.scan.form_open
    assert ctx.leads.list_leads(event.id) == []


def test_follow_up_queue_is_read_when_its_page_is_shown(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: a big event's queue read at start cost seconds of Python beside the scan
    page; the window reads it when the page is opened, and afresh each time."""
    from tests.fixtures_followups import PLANNED_AT, make_cast

    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    ctx.staff.add_staff(cast.event_id, "Deniz", "1111")
    event = ctx.events.find_event(cast.event_id)
    runner = TaskRunner()
    win = DesktopWindow(ctx, runner, event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    page = win.followups
    # The owners are listed at start (cheap, an index); the queue itself is not read.
    qtbot.waitUntil(lambda: page.owner.findData("Jo Lee") > 0, timeout=5000)
    _sign_in(qtbot, win)
    assert runner.wait(5000)
    assert page.list.count() == 0
    qtbot.keyClick(win, Qt.Key.Key_F4)
    assert win.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.list.count() > 0, timeout=5000)
    texts = [page.list.item(i).text() for i in range(page.list.count())]
    assert any("Heike" in t for t in texts), texts
    win.close()
    runner.wait(10_000)
