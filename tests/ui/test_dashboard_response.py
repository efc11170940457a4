"""The dashboard's response-time tile: capture -> first contact, as `followups metrics` counts it.

Four leads captured at 13:00 UTC on the show day (tests/fixtures_followups.py); contacts are
logged through the follow-up service at known times, so the figures are known in advance.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QTextDocument

from boothapp.app import AppContext
from boothapp.core.followups.attempts import Outcome
from boothapp.core.models import Channel
from boothapp.services.dashboard import DashboardService
from boothapp.ui.dashboard_page import DashboardPage, duration_text
from boothapp.workers.tasks import TaskRunner
from tests.fixtures_followups import CAPTURED, PLANNED_AT, make_cast

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


def first_touch(ctx: AppContext, lead_id: str, channel: Channel) -> str:
    return next(t.id for t in ctx.followups.lead_touches(lead_id) if t.channel is channel)


def show(qtbot, ctx: AppContext, runner: TaskRunner, event_id: str) -> DashboardPage:  # type: ignore[no-untyped-def]
    page = DashboardPage(DashboardService(ctx.db), runner, event_id, "Europe/Berlin",
                         clock=lambda: NOW, auto_refresh=False)  # fmt: skip
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.refresh()
    return page


def test_response_tile_shows_median_and_share_within_48_h(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    record = ctx.followups.record_outcome
    # Heike (Jo Lee) reached 30 min after capture; Chuck (Jo Lee) 26 h after; Yuki (Ana Ruiz)
    # replied after 3 days; Ayşe not contacted yet. A voicemail before Chuck's call counts as
    # contact too, but no-answer does not.
    record(first_touch(ctx, cast.hot, Channel.CALL), Outcome.REACHED,
           now=CAPTURED + timedelta(minutes=30))  # fmt: skip
    chuck_call = first_touch(ctx, cast.chicago_no_consent, Channel.CALL)
    record(chuck_call, Outcome.NO_ANSWER, now=CAPTURED + timedelta(hours=20))
    next_call = next(
        t.id
        for t in ctx.followups.lead_touches(cast.chicago_no_consent)
        if t.channel is Channel.CALL and t.id != chuck_call and t.outcome == ""
    )
    record(next_call, Outcome.REACHED, now=CAPTURED + timedelta(hours=26))
    record(first_touch(ctx, cast.tokyo, Channel.EMAIL), Outcome.REPLIED,
           now=CAPTURED + timedelta(days=3))  # fmt: skip

    page = show(qtbot, ctx, runner, cast.event_id)
    tile = page.response_tile

    assert tile.title.text() == "RESPONSE TIME"
    assert tile.value.text() == "26 h 00 min"  # median of 30 min, 26 h, 72 h
    assert tile.detail.text() == (
        "median, capture → first contact<br><b>50%</b> within 48 h<br>3 of 4 contacted · 1 waiting"
    )
    # Per owner, as a user reads the table: name, median, contacted of leads.
    doc = QTextDocument()
    doc.setHtml(page.response_staff.text())
    lines = [" ".join(line.split()) for line in doc.toPlainText().splitlines() if line.strip()]
    assert lines == [
        "Ana Ruiz",
        "3 d 0 h",
        "1/1",  # Yuki after 3 days
        "Jo Lee",
        "13 h 15 min",
        "2/3",  # median of 30 min and 26 h; Ayşe waiting
    ]
    assert page.minimumSizeHint().width() <= 1280  # fits a laptop screen


def test_response_tile_before_any_contact(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    page = show(qtbot, ctx, runner, cast.event_id)
    assert page.response_tile.value.text() == "–"
    assert page.response_tile.detail.text() == (
        "capture → first contact · nobody contacted yet, 4 waiting"
    )


def test_response_tile_without_leads(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    from boothapp.services.events import NewEvent

    event = ctx.events.create_event(NewEvent(name="Empty", timezone="Europe/Berlin"))
    page = show(qtbot, ctx, runner, event.id)
    assert page.response_tile.value.text() == "–"
    assert page.response_tile.detail.text() == "capture → first contact · no leads yet"


def test_duration_wording() -> None:
    assert duration_text(None) == "–"
    assert duration_text(timedelta(seconds=40)) == "< 1 min"
    assert duration_text(timedelta(minutes=4, seconds=59)) == "4 min"
    assert duration_text(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert duration_text(timedelta(hours=47, minutes=59)) == "47 h 59 min"
    assert duration_text(timedelta(days=3, hours=4, minutes=30)) == "3 d 4 h"


def test_answer_within_a_minute_reads_as_such(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast(ctx)
    ctx.followups.plan(cast.event_id, PLANNED_AT)
    ctx.followups.record_outcome(
        first_touch(ctx, cast.hot, Channel.CALL),
        Outcome.REACHED,
        now=CAPTURED + timedelta(seconds=20),
    )
    page = show(qtbot, ctx, runner, cast.event_id)
    assert page.response_tile.value.text() == "< 1 min"
    doc = QTextDocument()
    doc.setHtml(page.response_staff.text())  # rich text: "<" must not start a tag
    assert "Jo Lee\n< 1 min\n1/3" in doc.toPlainText()
