"""A mail login without its password: the Send button asks for it once, sends with it, and the
booth window keeps it in the keyring for the automatic sending (real aiosmtpd on loopback that
requires AUTH LOGIN jo / s3cret)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from boothapp.app import build_context
from boothapp.core.models import Channel
from boothapp.services.followup_mail import smtp_password
from boothapp.services.followup_types import TouchState
from boothapp.ui.followup_queue_page import FollowUpQueuePage
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import PLANNED_AT, planned_cast
from tests.integration import test_mail_smtp as mail_tests
from tests.integration.test_mail_smtp import Recorder, settings_for

pytestmark = pytest.mark.integration

smtp_server = mail_tests.smtp_server
SECTION = {"sender": {"company": "Acme Booth",
                      "unsubscribe_url": "https://booth.example.com/u/{lead_id}",
                      # Required before any mail goes out (issue 16).
                      "unsubscribe_mailto": "unsubscribe@booth.example.com",
                      "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg"}}  # fmt: skip


@pytest.mark.parametrize("typed", [None, "s3cret"])
def test_send_asks_for_the_mail_password_once(
    qtbot,  # type: ignore[no-untyped-def]
    smtp_server: tuple[Controller, Recorder],
    data_dir: Path,
    typed: str | None,
) -> None:
    controller, recorder = smtp_server
    ctx = build_context(str(data_dir))
    runner = TaskRunner()
    asked: list[str] = []
    try:
        cast = planned_cast(ctx, SECTION)
        touch = next(
            t for t in ctx.followups.lead_touches(cast.hot)
            if t.channel is Channel.EMAIL and t.state is TouchState.PLANNED
        )  # fmt: skip
        page = FollowUpQueuePage(
            ctx.followups, runner, ctx.events.find_event(cast.event_id),
            ask_password=lambda _parent, user: asked.append(user) or typed,
            now=lambda: PLANNED_AT,  # Thursday 14:05 in Berlin: inside the sending window
        )  # fmt: skip
        qtbot.addWidget(page)
        page.set_mail(settings_for(controller, username="jo"), None)
        page.refresh()
        qtbot.waitUntil(lambda: page.list.count() > 0, timeout=5000)
        page.select_touch(touch.id)
        qtbot.waitUntil(lambda: page.selected_touch_id() == touch.id, timeout=5000)
        entered: list[str] = []
        page.password_entered.connect(entered.append)
        page.send_selected()
        assert asked == ["jo"]
        if typed is None:
            assert page.status.text() == "Not sent: the mail password is needed"
            assert ctx.followups.get_touch(touch.id).state is TouchState.PLANNED
            assert entered == []
            return
        qtbot.waitUntil(
            lambda: ctx.followups.get_touch(touch.id).state is TouchState.SENT, timeout=15_000
        )
        assert entered == ["s3cret"] and len(recorder.messages) == 1
        page.send_selected()  # the next send does not ask again
        assert asked == ["jo"]
    finally:
        runner.wait()
        ctx.close()


def test_desktop_keeps_the_typed_password_in_the_keyring(qtbot, ctx, data_dir) -> None:  # type: ignore[no-untyped-def]
    from boothapp.services.events import NewEvent
    from boothapp.ui.desktop_window import DesktopWindow

    event = ctx.events.create_event(NewEvent(name="Mail Desk"))
    cfg = ctx.configs.get(event.id)
    smtp = {"host": "127.0.0.1", "port": 2525, "security": "none", "username": "jo",
            "from": "booth@acme.example.com"}  # fmt: skip
    ctx.configs.save(event.id, cfg.edited(followups={"smtp": smtp}))
    runner = TaskRunner()
    win = DesktopWindow(ctx, runner, event)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win._mail[0] is not None, timeout=5000)
    assert not win.autosend.active  # a login without its password stays off
    win.followups.password_entered.emit("s3cret")
    qtbot.waitUntil(lambda: smtp_password(data_dir, "jo") == "s3cret", timeout=5000)
    assert win.autosend.active
    win.close()
    runner.wait(10_000)
