"""What the scan page's preview says at start-up without a camera (ui/shell.py): the team's
"No camera" choice or none found, never "Starting camera…" over a camera that never comes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from boothapp.app import AppContext
from boothapp.core.models import Event
from boothapp.services.events import NewEvent
from boothapp.settings import NO_CAMERA
from boothapp.ui.desktop_window import DesktopWindow
from boothapp.ui.shell import start_camera_or_say_why
from boothapp.workers.tasks import TaskRunner


@pytest.fixture
def event(ctx: AppContext) -> Event:
    return ctx.events.create_event(
        NewEvent(name="Quiet Expo", timezone="Europe/Berlin", starts_on=date(2026, 12, 1))
    )


@pytest.fixture
def window(qtbot, ctx: AppContext, event: Event) -> Iterator[DesktopWindow]:  # type: ignore[no-untyped-def]
    win = DesktopWindow(ctx, TaskRunner(), event)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_no_camera_chosen_says_so(window: DesktopWindow, ctx: AppContext) -> None:
    ctx.settings.camera = NO_CAMERA
    start_camera_or_say_why(window, ctx, "")
    assert window.scan.camera.message == (
        "No camera chosen: scan badges with the handheld scanner."
    )
    assert window.scan.camera_status.text() == "No camera"


def test_no_camera_found_says_what_to_do(window: DesktopWindow, ctx: AppContext) -> None:
    ctx.settings.camera = ""
    start_camera_or_say_why(window, ctx, "")
    assert window.scan.camera.message.startswith("No camera found. Plug one in")
