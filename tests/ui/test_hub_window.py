"""Two booth windows on one event hub (issue 19): two app contexts, two SQLite files, one real
PostgreSQL on loopback. A visitor Ayşe scanned on laptop 2 is "scanned before by Ayşe ...
(laptop 2)" when laptop 1 scans the same badge; both scan strips say the hub is online; the
dashboard on laptop 1 counts Ayşe's lead under her name.

Each window scans with its own camera (a badge video), as two laptops would; a handheld
burst would reach both windows here, since they share one QApplication.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Event
from boothapp.demo.badge_video import write_badge_video
from boothapp.demo.people import DemoPerson, vcard_payload
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.workers.tasks import TaskRunner
from tests.integration.pgserver import PgServer, PostgresUnavailable, start_server

pytestmark = pytest.mark.integration

EVENT = "Hub Window Expo"
CEM = DemoPerson("7003", Contact(first_name="Cem", last_name="Koç", company="Koç Lojistik",
                                 email="cem@koc.com.tr"))  # fmt: skip


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    root = Path(tempfile.mkdtemp(prefix="boothapp-pg-ui-"))
    try:
        try:
            server = start_server(root)
        except PostgresUnavailable as exc:
            pytest.skip(str(exc))
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)  # the cluster's ~0.5 GB, not left in /tmp


def _laptop(root: Path, name: str, staff: str, pin: str, url: str) -> tuple[AppContext, Event]:
    ctx = build_context(str(root / name.replace(" ", "_")))
    event = ctx.events.create_event(NewEvent(name=EVENT, timezone="Europe/Istanbul"))
    ctx.staff.add_staff(event.id, staff, pin)
    ctx.hub.join(url, event.id, name)
    return ctx, event


def _window(qtbot, ctx: AppContext, event: Event) -> DesktopWindow:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    return win


def _sign_in(qtbot, win: DesktopWindow, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: any(b.text() == name for b in win.sign_in.findChildren(QPushButton)),
        timeout=5000,
    )
    button = next(b for b in win.sign_in.findChildren(QPushButton) if b.text() == name)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(win.sign_in.signed_in, timeout=5000):
        qtbot.keyClicks(win.sign_in, pin, delay=60)  # human speed, not a scanner burst
        qtbot.keyClick(win.sign_in, Qt.Key.Key_Return, delay=60)


def test_a_badge_scanned_on_laptop_2_is_scanned_before_by_ayse_on_laptop_1(
    qtbot,
    pg: PgServer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    url = pg.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    one, event_one = _laptop(tmp_path, "laptop 1", "Deniz", "1111", url)
    two, event_two = _laptop(tmp_path, "laptop 2", "Ayşe", "2222", url)
    video = write_badge_video(tmp_path / "cem.avi", [CEM], [vcard_payload(CEM)], EVENT,
                              seconds_per_badge=2.0)  # fmt: skip
    win_one = _window(qtbot, one, event_one)
    win_two = None
    try:
        _sign_in(qtbot, win_one, "Deniz", "1111")
        # Each laptop's keyboard reaches its own window only: here one QApplication holds
        # both, so laptop 1's scanner wedge steps aside while Ayşe types her PIN on laptop 2.
        win_one.wedge.uninstall()
        win_two = _window(qtbot, two, event_two)
        _sign_in(qtbot, win_two, "Ayşe", "2222")
        for win in (win_one, win_two):
            qtbot.waitUntil(lambda w=win: "Hub online" in w.scan.hub_strip.text(), timeout=15000)
            assert win.scan.hub_strip.isVisibleTo(win.scan)

        # Laptop 2: Ayşe scans Cem's badge and saves the lead.
        scan_two = win_two.scan
        win_two.start_camera(str(video))
        qtbot.waitUntil(lambda: scan_two.form_open, timeout=15000)
        assert scan_two.form.fields["first_name"].text() == "Cem"
        with qtbot.waitSignal(scan_two.lead_saved, timeout=5000):
            qtbot.keyClick(scan_two.form.fields["email"], Qt.Key.Key_Return)
        win_two.scan.stop_camera()

        # Within seconds laptop 1 has the lead, and its scan of the same badge says who.
        qtbot.waitUntil(lambda: bool(one.leads.list_leads(event_one.id)), timeout=10000)
        scan_one = win_one.scan
        win_one.start_camera(str(video))
        qtbot.waitUntil(lambda: scan_one.form_open, timeout=15000)
        banner = scan_one.form.banner.text()
        assert scan_one.form.banner.isVisible()
        assert banner.startswith("Scanned before by Ayşe on "), banner
        assert "(laptop 2)" in banner
        win_one.scan.stop_camera()
        qtbot.keyClick(scan_one.form, Qt.Key.Key_Escape)
        assert [lead.display_name for lead in one.leads.list_leads(event_one.id)] == ["Cem Koç"]

        # Laptop 1's leaderboard counts the lead under Ayşe's name and device.
        stats = one.dashboard.booth_stats(event_one.id, _today(event_one), event_one.timezone)
        assert [e.name for e in stats.leaderboard] == ["Ayşe (laptop 2)"]
        assert "Hub online" in scan_one.hub_strip.text()
    finally:
        win_one.close()
        if win_two is not None:
            win_two.close()
        one.close()
        two.close()


def _today(event: Event):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from boothapp.core.clock import zone_of

    return datetime.now(UTC).astimezone(zone_of(event.timezone)).date()
