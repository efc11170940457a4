"""Manager actions in the booth window (issue 18): a staff member signed in gets the manager's
PIN pad before export (Ctrl+E), the please-delete review and the audit page; a wrong PIN is
refused on the pad; the manager's PIN opens the page, and Erase / Keep in the review go
through the lead door and into the audit log under the manager's name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPushButton

from boothapp.app import AppContext
from boothapp.core.models import Contact, Event, StaffRole
from boothapp.services.audit import AuditAction
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.manager_gate import ManagerPinDialog
from boothapp.workers.tasks import TaskRunner

HUMAN_MS = 60  # slower than a handheld scanner's keys


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Gate Expo", timezone="Europe/Istanbul",
                                          country="TR", starts_on=date(2026, 12, 1)))  # fmt: skip
    ctx.staff.add_staff(ev.id, "Deniz", "4321", role=StaffRole.MANAGER)
    ctx.staff.add_staff(ev.id, "Ece", "2222")
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()


def _flagged(ctx: AppContext, event: Event, first: str, email: str) -> str:
    lead = ctx.leads.save_lead(
        LeadDraft(event.id, Contact(first_name=first, last_name="Test", email=email))
    )
    ctx.leads.set_please_delete(lead.id, True)
    return lead.id


def _sign_in_ece(qtbot, win: DesktopWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: any(b.text() == "Ece" for b in win.sign_in.findChildren(QPushButton)),
        timeout=5000,
    )
    ece = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == "Ece")
    qtbot.mouseClick(ece, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        qtbot.keyClicks(win.sign_in, "2222", delay=HUMAN_MS)
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=HUMAN_MS)


def _click_nav(qtbot, win: DesktopWindow, title: str) -> None:  # type: ignore[no-untyped-def]
    item = next(win.nav.item(i) for i in range(win.nav.count())
                if win.nav.item(i).text().startswith(title))  # fmt: skip
    pos = win.nav.visualItemRect(item).center()
    qtbot.mouseClick(win.nav.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _pad(qtbot, win: DesktopWindow) -> ManagerPinDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.gate.dialog is not None and win.gate.dialog.isVisible(),
                    timeout=5000)  # fmt: skip
    assert win.gate.dialog is not None
    return win.gate.dialog


def _type_pin(qtbot, dialog: ManagerPinDialog, pin: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog, pin, delay=HUMAN_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, delay=HUMAN_MS)


def test_review_asks_a_manager_pin_then_erase_and_keep_go_through_the_door(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    junk = _flagged(ctx, event, "Mickey", "mickey@mouse.example")
    real = _flagged(ctx, event, "Selin", "selin@kaya.com.tr")
    _sign_in_ece(qtbot, window)
    _click_nav(qtbot, window, "Deletion requests")
    dialog = _pad(qtbot, window)
    assert window.pages.currentWidget() is window.scan  # nothing shows before the PIN
    assert "manager" in dialog.heading.text() and "Deletion requests" in dialog.heading.text()

    _type_pin(qtbot, dialog, "2222")  # Ece's own PIN is not a manager's
    qtbot.waitUntil(lambda: "Not a manager's PIN" in dialog.message.text(), timeout=5000)
    assert window.pages.currentWidget() is window.scan
    for digit in "4321":  # the manager taps it on the pad
        qtbot.mouseClick(dialog.pad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.pad.buttons["OK"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review, timeout=5000)
    assert "manager: Deniz" in window.who.text()
    review = window.review
    qtbot.waitUntil(lambda: review.table.rowCount() == 2, timeout=5000)

    names = [review.table.item(r, 0).text() for r in range(2)]
    # One clock (issue 15): capture times on the event's wall clock, as every other page.
    from boothapp.ui.i18n import event_time

    shown = {review.table.item(r, c).text() for r in range(2) for c in range(5)}
    assert event_time(ctx.leads.get_lead(junk).created_at, event.timezone) in shown
    review.table.selectRow(names.index("Mickey Test"))

    def yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, yes)
            return
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    QTimer.singleShot(20, yes)
    qtbot.mouseClick(review.erase_button, Qt.MouseButton.LeftButton)
    # The list may refresh on the change before the erase reports back: wait for both.
    said = "Mickey Test erased · Flagged for deletion: 1"
    qtbot.waitUntil(lambda: review.status.text() == said, timeout=5000)
    assert review.table.rowCount() == 1
    assert {lead.id for lead in ctx.leads.list_leads(event.id)} == {real}

    review.table.selectRow(0)
    qtbot.mouseClick(review.keep_button, Qt.MouseButton.LeftButton)
    said = "Selin Test kept and unflagged · Flagged for deletion: 0"
    qtbot.waitUntil(lambda: review.status.text() == said, timeout=5000)
    assert review.table.rowCount() == 0
    assert not ctx.leads.get_lead(real).please_delete
    deniz = next(s for s in ctx.staff.list_staff(event.id) if s.name == "Deniz")
    erased = [e for e in ctx.audit.entries(event.id) if e.action is AuditAction.ERASE]
    assert [(e.lead_id, e.staff_id) for e in erased] == [(junk, deniz.id)]
    assert [c.staff_id for c in ctx.leads.history(real)][-1] == deniz.id

    _click_nav(qtbot, window, "Audit log")  # still the manager's grant: no second PIN
    qtbot.waitUntil(lambda: window.audit_page.table.rowCount() > 0, timeout=5000)
    table = window.audit_page.table
    rows = [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]
    assert any(r[1] == "Erased" and r[2] == "Deniz" for r in rows)
    # One clock (issue 15): the audit times on the event's wall clock, its zone said once.
    from boothapp.ui.i18n import event_time

    newest = ctx.audit.entries(event.id)[-1]
    assert rows[0][0] == event_time(newest.created_at, event.timezone)
    assert any(
        w.text() == "times in Europe/Istanbul" for w in window.audit_page.findChildren(QLabel)
    )
    assert window.gate.dialog is None

    _click_nav(qtbot, window, "Scan")  # leaving the manager pages ends the grant
    _click_nav(qtbot, window, "Audit log")
    again = _pad(qtbot, window)
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.gate.dialog is None, timeout=5000)
    assert window.pages.currentWidget() is window.scan


def test_export_shortcut_needs_the_manager_pin(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    _sign_in_ece(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = _pad(qtbot, window)
    opened: list[str] = []

    def close_export() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QDialog) or isinstance(box, ManagerPinDialog):
            QTimer.singleShot(20, close_export)
            return
        opened.append(box.objectName() or type(box).__name__)
        box.reject()

    QTimer.singleShot(20, close_export)
    _type_pin(qtbot, dialog, "4321")
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert "Export" in opened[0]


def test_staff_opens_settings_with_the_manager_pin_and_sets_retention(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    _sign_in_ece(qtbot, window)
    page = window.settings_page
    _click_nav(qtbot, window, "Event settings")
    dialog = _pad(qtbot, window)
    _type_pin(qtbot, dialog, "4321")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=5000)
    assert page.stack.currentWidget() is not page.locked  # open for the manager's PIN
    qtbot.waitUntil(lambda: page.form.question.count() > 0, timeout=5000)
    form = page.form
    assert form.retain.text().startswith("until erased")
    form.retain.setFocus()
    qtbot.keyClick(form.retain, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.retain, "90", delay=HUMAN_MS)
    before = ctx.configs.get(event.id).revision
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ctx.configs.get(event.id).revision == before + 1, timeout=5000)
    assert ctx.configs.get(event.id).privacy.retain_days == 90
    deniz = next(s for s in ctx.staff.list_staff(event.id) if s.name == "Deniz")
    change = [e for e in ctx.audit.entries(event.id) if e.action is AuditAction.SETTINGS_CHANGED]
    assert change[-1].staff_id == deniz.id and "privacy" in change[-1].detail["sections"]


def test_unfinished_visitors_are_offered_at_start_to_resume_or_discard(
    qtbot, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    from boothapp.ui.unfinished_visitors import UnfinishedVisitorsDialog

    vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kaya;Selin;;;\r\nEMAIL:selin@kaya.com.tr\r\nEND:VCARD"
    kept = ctx.leads.record_scan(event.id, vcard, symbology="QRCode")  # killed before its lead
    junk = ctx.leads.record_scan(event.id, "garbage-7", symbology="QRCode")
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.show()
    _sign_in_ece(qtbot, win)
    qtbot.waitUntil(lambda: win.unfinished is not None and win.unfinished.isVisible(),
                    timeout=5000)  # fmt: skip
    dialog = win.unfinished
    assert isinstance(dialog, UnfinishedVisitorsDialog)
    assert dialog.table.rowCount() == 2
    badges = [dialog.table.item(r, 2).text() for r in range(2)]
    assert "Selin Kaya" in [dialog.table.item(r, 1).text() for r in range(2)]
    # One clock (issue 15): the scan time on the event's wall clock, the zone said once.
    from boothapp.ui.i18n import event_time

    row = badges.index("garbage-7")
    assert dialog.table.item(row, 0).text() == event_time(junk.scan.created_at, event.timezone)
    assert any(w.text() == "times in Europe/Istanbul" for w in dialog.findChildren(QLabel))
    dialog.table.selectRow(badges.index("garbage-7"))
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.unfinished is None, timeout=5000)  # none left: it closes
    (lead,) = ctx.leads.list_leads(event.id)
    assert lead.contact.email == "selin@kaya.com.tr" and lead.raw_payload == vcard
    assert ctx.orphans.list(event.id) == []
    discarded = [e for e in ctx.audit.entries(event.id) if e.action is AuditAction.SCAN_DISCARDED]
    assert [e.detail["scan_id"] for e in discarded] == [junk.scan.id]
    assert kept.scan.id != junk.scan.id
    win.close()


def test_staff_edit_their_own_leads_and_only_flag_a_colleagues(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    staff = {s.name: s.id for s in ctx.staff.list_staff(event.id)}
    for first, who in (("Mine", "Ece"), ("Theirs", "Deniz")):
        ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name=first, last_name="Lead",
                                                        email=f"{first}@x.example"),
                                      staff_id=staff[who]))  # fmt: skip
    _sign_in_ece(qtbot, window)
    _click_nav(qtbot, window, "Leads")
    page = window.leads
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    detail = page.detail
    for name, editable in (("Theirs Lead", False), ("Mine Lead", True)):
        row = next(i for i in range(2) if page.model.lead_at(i).name == name)  # type: ignore[union-attr]
        page.table.setFocus()
        page.table.selectRow(row)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=name: detail.lead is not None and detail.lead.display_name == n,
                        timeout=5000)  # fmt: skip
        qtbot.waitUntil(lambda: detail.please_delete.isEnabled(), timeout=5000)
        assert detail.save_button.isEnabled() is editable
        assert detail.please_delete.isEnabled()  # anyone may pass on a visitor's request
        if not editable:
            assert "Captured by Deniz" in detail.status.text()


def test_a_kiosk_account_opens_the_kiosk_and_its_pin_never_opens_the_booth(
    qtbot, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    ctx.staff.add_staff(event.id, "Stand 2", "7777", role=StaffRole.KIOSK)
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.show()
    try:
        qtbot.waitUntil(lambda: win.sign_in.staff_button("Stand 2") is not None, timeout=5000)
        qtbot.mouseClick(win.sign_in.staff_button("Stand 2"), Qt.MouseButton.LeftButton)
        for digit in "7777":
            qtbot.mouseClick(win.sign_in.pad.buttons[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(win.sign_in.pad.buttons["OK"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win._kiosk is not None, timeout=5000)
        assert win.staff is None and not win.isVisible()  # the booth's pages stay shut
        assert not ctx.staff.sign_in_any(event.id, "7777").accepted  # no way out with it
        assert ctx.staff.sign_in_any(event.id, "2222").accepted  # staff still can
    finally:
        if win._kiosk is not None:
            kiosk, wedge, controller = win._kiosk  # type: ignore[misc]
            controller.stop()
            wedge.uninstall()
            kiosk._unlocked = True
            kiosk.close()
        win.close()


def test_the_window_keeps_the_events_retention_rule(qtbot, ctx: AppContext, event: Event) -> None:  # type: ignore[no-untyped-def]
    """``privacy.retain_days`` is kept while the app runs, not only by `person retain`: the
    window's background sweep erases what is past the rule and says so."""
    import json
    from datetime import UTC, datetime, timedelta

    from boothapp.core.config.dump import to_tree
    from boothapp.core.config.loader import load_config
    from boothapp.store.tables import LeadRow

    cfg = to_tree(ctx.configs.get(event.id))
    cfg["privacy"] = {"retain_days": 30}
    ctx.configs.save(event.id, load_config(json.dumps(cfg), "cfg.json"))
    old = ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name="Old", email="o@x.com"))).id
    kept = ctx.leads.save_lead(LeadDraft(event.id, Contact(first_name="New", email="n@x.com"))).id
    with ctx.db.session() as s:
        row = s.get(LeadRow, old)
        assert row is not None
        row.created_at = datetime.now(UTC) - timedelta(days=45)
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: "Retention rule" in win.statusBar().currentMessage(), timeout=5000)
    assert "1 lead" in win.statusBar().currentMessage()
    assert {lead.id for lead in ctx.leads.list_leads(event.id)} == {kept}
    win.close()
