"""The desktop shell opens, shows its pages and closes cleanly (offscreen)."""

from __future__ import annotations

from boothapp.app import AppContext
from boothapp.services.events import NewEvent
from boothapp.ui.shell import build_main_window


def test_main_window_opens_and_closes(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.events.create_event(NewEvent(name="Smoke Show"))
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "Smoke Show" in window.windowTitle()
    assert window.nav.count() >= 2
    closed = []
    window.closed.connect(lambda: closed.append(True))
    assert window.close()
    assert closed == [True]
