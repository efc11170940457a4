"""The scan page's Card button on a camera that shows a business card: the form fills, the
rep saves, and the card photo is stored with the lead (issue 20).

The camera is an image folder holding one rendered card photo (a real FrameSource, played at
2 fps as a webcam would deliver frames); the reader is the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt

from boothapp.app import AppContext
from boothapp.core.models import Attendee, Contact, Event
from boothapp.demo.cards import demo_card_frame, text_only_badge
from boothapp.services.card_images import image_paths_of
from boothapp.services.events import NewEvent
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner
from tests.ui.test_desktop_flow import _sign_in

pytest.importorskip("tesserocr")


@pytest.fixture
def event(ctx: AppContext) -> Event:
    ev = ctx.events.create_event(NewEvent(name="Card Expo", timezone="Europe/London",
                                          country="GB"))  # fmt: skip
    ctx.staff.add_staff(ev.id, "Deniz", "1111")
    return ev


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.scan.stop_camera()
    win.close()


def _camera_showing(folder: Path, still: np.ndarray) -> str:
    folder.mkdir()
    cv2.imwrite(str(folder / "card.png"), still)
    return str(folder)


# A card read is OCR on a box that may be running other work: waited for generously, as a
# person would wait for the form, rather than failing a slow run (issue 23).
READ_TIMEOUT_MS = 180_000


def _wait_showing(qtbot, scan, still: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """Until the preview shows ``still`` from a camera just started: a picture left over from
    the camera before (queued before its stop) no longer counts as this one's."""

    def showing() -> bool:
        frame = scan.cameras.last_frame
        return (
            scan.cameras.worker is not None
            and frame is not None
            and frame.shape == still.shape
            and float(np.abs(frame.astype(np.int16) - still).mean()) < 2.0
        )

    qtbot.waitUntil(showing, timeout=60_000)


def test_card_button_fills_the_form_and_the_photo_stays_with_the_lead(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(qtbot, window)
    spec, still = demo_card_frame()
    scan = window.scan
    scan.start_camera(_camera_showing(tmp_path / "camera", still))
    qtbot.waitUntil(lambda: scan.cameras.last_frame is not None, timeout=10000)
    assert scan.cameras.last_frame.shape[:2] == still.shape[:2]  # the full still, not a preview
    qtbot.mouseClick(scan.card.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scan.form_open, timeout=30000)
    form = scan.form
    first, last = spec.name.split(" ", 1)
    assert form.fields["first_name"].text() == first
    assert form.fields["last_name"].text() == last
    assert form.fields["email"].text() == spec.email
    assert form.fields["company"].text() == spec.company
    assert form.fields["title"].text() == spec.title
    assert "business card" in form.banner.text()
    assert scan.card.card_view.isVisible()  # the flattened card beside the form
    form.fields["title"].clear()
    # the rep corrects a field, at human speed (a faster burst is a handheld scanner)
    qtbot.keyClicks(form.fields["title"], "Head of Sales", delay=60)
    with qtbot.waitSignal(scan.lead_saved, timeout=10000) as saved:
        qtbot.keyClick(form.fields["email"], Qt.Key.Key_Return)
    lead = saved.args[0]
    assert lead.contact.email == spec.email
    assert lead.contact.phone == spec.phone
    assert lead.contact.title == "Head of Sales"
    (photo,) = image_paths_of(ctx.db, lead.id)
    assert photo.is_relative_to(ctx.paths.data_dir)
    assert cv2.imread(str(photo)).shape[:2] == still.shape[:2]
    assert not scan.card.card_view.isVisible()

    # The lead detail shows the card; a click shows it large.
    qtbot.keyClick(window, Qt.Key.Key_F2)
    page = window.leads
    qtbot.waitUntil(lambda: page.isVisible() and page.model.rowCount() == 1, timeout=10000)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    thumb = page.detail.card
    qtbot.waitUntil(lambda: thumb.isVisible() and thumb.pixmap() is not None, timeout=10000)
    assert not thumb.pixmap().isNull() and thumb.pixmap().width() == 320
    with qtbot.waitSignal(thumb.enlarged, timeout=5000):
        qtbot.mouseClick(thumb, Qt.MouseButton.LeftButton)
    assert thumb.dialog is not None and thumb.dialog.isVisible()
    thumb.dialog.close()


def test_no_card_in_view_says_so_and_leaves_the_form_alone(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(qtbot, window)
    scan = window.scan
    empty_desk = np.full((1080, 1920, 3), (90, 120, 150), np.uint8)
    scan.start_camera(_camera_showing(tmp_path / "camera", empty_desk))
    qtbot.waitUntil(lambda: scan.cameras.last_frame is not None, timeout=10000)
    with qtbot.waitSignal(scan.card.no_card, timeout=30000):
        qtbot.keyClick(scan, Qt.Key.Key_F6)
    assert scan.card.status.text().startswith("No card found")
    assert not scan.form_open
    assert ctx.leads.list_leads(event.id) == []


def test_barcode_decoding_rests_while_a_card_is_read_and_resumes_after(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: the badge decoder shares two cores with the GUI thread; while a card is read
    it rests (the preview goes on), and it is back once the form shows, or once the reader
    says there is no card."""
    _sign_in(qtbot, window)
    _spec, still = demo_card_frame()
    scan = window.scan
    scan.start_camera(_camera_showing(tmp_path / "camera", still))
    _wait_showing(qtbot, scan, still)
    worker = scan.cameras.worker
    assert worker is not None and not worker.decoding_paused
    qtbot.keyClick(scan, Qt.Key.Key_F6)
    assert worker.decoding_paused
    qtbot.waitUntil(lambda: scan.form_open, timeout=READ_TIMEOUT_MS)
    assert not worker.decoding_paused
    qtbot.keyClick(scan.form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not scan.form_open, timeout=5000)

    # No card in view: the reader says so, and decoding is back too.
    desk = np.full((720, 1280, 3), 120, np.uint8)
    scan.start_camera(_camera_showing(tmp_path / "desk", desk))
    _wait_showing(qtbot, scan, desk)  # the empty desk on screen, not the card from before
    worker = scan.cameras.worker
    with qtbot.waitSignal(scan.card.no_card, timeout=READ_TIMEOUT_MS):
        qtbot.keyClick(scan, Qt.Key.Key_F6)
        assert worker.decoding_paused
    assert not worker.decoding_paused


def test_a_text_only_badge_on_the_roster_fills_the_form_from_the_roster(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # A badge with no barcode: name and company only, the name with Turkish marks the
    # roster does not have. The roster's record is offered: e-mail and phone filled, the
    # fields it gave not marked unsure, and the lead is that attendee's (badge id).
    ctx.attendees.import_attendees(event.id, [
        Attendee("", event.id, "B-77", Contact(first_name="Ayse", last_name="Celik",
                 email="ayse.celik@anadolumakine.com.tr", phone="+905321234567",
                 company="Anadolu Makine A.S.")),
        Attendee("", event.id, "B-78", Contact(first_name="Ayse", last_name="Yilmaz",
                 email="ayse@example.com.tr", company="Ege Tekstil")),
    ])  # fmt: skip
    _sign_in(qtbot, window)
    scan = window.scan
    scan.start_camera(
        _camera_showing(tmp_path / "camera", text_only_badge("Ayşe Çelik", "Anadolu Makine A.Ş."))
    )
    qtbot.waitUntil(lambda: scan.cameras.last_frame is not None, timeout=10000)
    qtbot.keyClick(scan, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: scan.form_open, timeout=30000)
    form = scan.form
    assert form.fields["email"].text() == "ayse.celik@anadolumakine.com.tr"
    assert form.fields["last_name"].text() == "Celik"
    assert "Found in the roster: Ayse Celik" in form.banner.text()
    assert "email" not in scan.card.unsure and "last_name" not in scan.card.unsure
    with qtbot.waitSignal(scan.lead_saved, timeout=10000) as saved:
        qtbot.keyClick(form.fields["email"], Qt.Key.Key_Return)
    lead = saved.args[0]
    assert lead.badge_id == "B-77"
    assert len(image_paths_of(ctx.db, lead.id)) == 1
    # the visitor's barcode scanned later opens this lead
    scanned, created = ctx.leads.capture_scan(event.id, "B-77")
    assert (scanned.id, created) == (lead.id, False)


def test_card_on_the_demo_camera_fills_the_form(
    qtbot, window: DesktopWindow, ctx: AppContext, event: Event
) -> None:  # type: ignore[no-untyped-def]
    """`make run` without a camera plays the demo video: after its first badge a business card
    is held up, and "Card" then reads it (issue 20: F6 on the demo camera found no card)."""
    from boothapp.demo.build import write_demo_video

    spec, still = demo_card_frame()
    held = cv2.resize(still, (1280, 720), interpolation=cv2.INTER_AREA)
    _sign_in(qtbot, window)
    scan = window.scan
    scan.start_camera(str(write_demo_video(ctx, event)))

    def card_in_view() -> bool:
        frame = scan.cameras.last_frame
        return (
            frame is not None
            and frame.shape == held.shape
            and float(np.abs(frame.astype(np.int16) - held).mean()) < 6.0
        )

    qtbot.waitUntil(card_in_view, timeout=60_000)
    if scan.form_open:  # the first badge's visitor, read before the card came up
        qtbot.keyClick(scan.form, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not scan.form_open, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: scan.form_open, timeout=READ_TIMEOUT_MS)
    assert scan.form.fields["email"].text() == spec.email
    assert scan.form.fields["company"].text() == spec.company
