"""The kiosk's hub line when the hub answers (issue 19): a kiosk joined (push only) to a real
PostgreSQL on loopback says "Hub online · all shared" at the foot of its attract screen, and
is back to it after a visitor registered: the visitor's changes reached the hub."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from boothapp.app import AppContext, build_context
from boothapp.core.models import Event
from boothapp.services.events import NewEvent
from boothapp.services.hub import HubService
from boothapp.ui.kiosk.kiosk_window import KioskWindow
from boothapp.ui.kiosk.setup import build_kiosk
from boothapp.workers.hub_worker import HubWorker
from boothapp.workers.tasks import TaskRunner
from tests.integration.pgserver import PgServer

pytestmark = pytest.mark.integration


@pytest.fixture
def hub_url(pg_server: PgServer) -> str:
    url = pg_server.create_database(f"hub_{uuid.uuid4().hex[:10]}")
    HubService.init(url)
    return url


@pytest.fixture
def joined(tmp_path: Path, hub_url: str) -> Iterator[tuple[AppContext, Event]]:
    url = hub_url
    ctx = build_context(str(tmp_path / "kiosk"))
    event = ctx.events.create_event(NewEvent(name="Kiosk Hub Expo", timezone="Europe/Berlin"))
    ctx.hub.join(url, event.id, "kiosk 1", push_only=True)
    yield ctx, event
    ctx.close()


@pytest.fixture
def kiosk(qtbot, joined: tuple[AppContext, Event]) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    ctx, event = joined
    runner = TaskRunner()
    worker = HubWorker(ctx.hub, ctx.changes)
    window, wedge, controller = build_kiosk(ctx, runner, event, hub=worker)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    worker.start()
    try:
        yield window
    finally:
        worker.stop()
        controller.shutdown()
        wedge.uninstall()
        window._unlocked = True
        runner.wait()


def test_the_kiosk_says_the_hub_is_online_and_everything_is_shared(  # type: ignore[no-untyped-def]
    qtbot, kiosk: KioskWindow, joined: tuple[AppContext, Event]
) -> None:
    ctx, _ = joined
    footer = kiosk.hub_footer
    qtbot.waitUntil(lambda: footer.text() == "Hub online · all shared", timeout=15000)
    assert footer.isVisible()

    qtbot.mouseClick(kiosk.attract.type_button, Qt.MouseButton.LeftButton)
    for field, text in ((kiosk.details.first, "Elif"), (kiosk.details.last, "Demir"),
                        (kiosk.details.email, "elif@demir.com.tr")):  # fmt: skip
        qtbot.keyClicks(field, text, delay=40)  # human speed (the handheld wedge listens)
    qtbot.mouseClick(kiosk.details.next_button, Qt.MouseButton.LeftButton)
    while kiosk.current_step is kiosk.questions:
        qtbot.mouseClick(kiosk.questions.next_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.lead_saved, timeout=5000):
        qtbot.mouseClick(kiosk.consent.finish_button, Qt.MouseButton.LeftButton)
    assert not footer.isVisible()  # the thank-you screen is the visitor's

    qtbot.waitUntil(lambda: ctx.hub.waiting() == 0, timeout=15000)  # pushed
    kiosk.reset()  # the thank-you screen times out to the attract screen
    qtbot.waitUntil(lambda: footer.text() == "Hub online · all shared", timeout=15000)
    assert footer.isVisible()


def test_a_kiosk_pushes_yet_reads_no_other_devices_changes(
    tmp_path: Path, hub_url: str, joined: tuple[AppContext, Event]
) -> None:
    """Row-level security: the kiosk's own rows are the only ones it can read (PostgreSQL
    checks an INSERT ... ON CONFLICT's new row against the read policy, so it needs those)."""
    from boothapp.core.models import Contact
    from boothapp.services.leads import LeadDraft

    kiosk, event = joined
    laptop = build_context(str(tmp_path / "laptop"))
    try:
        own = laptop.events.create_event(NewEvent(name=event.name, timezone="Europe/Berlin"))
        laptop.hub.join(hub_url, own.id, "laptop 1")
        laptop.leads.save_lead(LeadDraft(own.id, Contact(first_name="Cem", email="cem@x.io")))
        laptop.hub.replicate_once()
        kiosk.leads.save_lead(LeadDraft(event.id, Contact(first_name="Elif", email="e@d.tr")))
        assert kiosk.hub.replicate_once().pushed >= 1 and kiosk.hub.waiting() == 0
        with kiosk.hub.connect() as conn:
            seen = {r[0] for r in conn.execute("SELECT DISTINCT device_id FROM hub.changes")}
        assert seen == {kiosk.settings.device_id}
        assert kiosk.leads.list_leads(event.id)[0].contact.first_name == "Elif"  # no pull
    finally:
        laptop.close()
