"""The dashboard shows exactly what was captured (a small known data set)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from boothapp.app import AppContext
from boothapp.core.models import Contact, Rating
from boothapp.services.dashboard import DashboardService
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow, OutboxRow
from boothapp.ui.dashboard_page import DashboardPage, ago
from boothapp.workers.tasks import TaskRunner

TZ = "Europe/Istanbul"
NOW = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)  # 15:30 at the booth


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    assert r.wait(10_000)


def _lead(ctx: AppContext, event_id: str, staff_id: str, rating: Rating, at: datetime) -> str:
    lead = ctx.leads.save_lead(
        LeadDraft(event_id=event_id, contact=Contact(first_name="V"), rating=rating,
                  rating_overridden=True,
                  staff_id=staff_id)
    )  # fmt: skip
    with ctx.db.session() as s:
        s.execute(update(LeadRow).where(LeadRow.id == lead.id).values(created_at=at))
    return lead.id


def test_dashboard_tiles_bars_and_leaderboard_match_the_data(qtbot, ctx, runner) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Dash Show", timezone=TZ))
    ayla = ctx.staff.add_staff(event.id, "Ayla", "1111")
    ben = ctx.staff.add_staff(event.id, "Ben", "2222")
    at = lambda h, m=0, d=18: datetime(2026, 11, d, h, m, tzinfo=UTC)  # noqa: E731
    first = _lead(ctx, event.id, ayla.id, Rating.HOT, at(7, 5))  # 10:05 local
    _lead(ctx, event.id, ayla.id, Rating.WARM, at(7, 40))  # 10:40
    _lead(ctx, event.id, ayla.id, Rating.COLD, at(8, 15))  # 11:15
    _lead(ctx, event.id, ben.id, Rating.HOT, at(11, 0))  # 14:00
    _lead(ctx, event.id, ben.id, Rating.COLD, at(9, 0, d=17))  # yesterday
    with ctx.db.session() as s:
        s.add(
            OutboxRow(crm="hubspot", lead_id=first, record={}, state="done", updated_at=at(12, 10))
        )

    page = DashboardPage(DashboardService(ctx.db, target_per_staff=3), runner, event.id, TZ,
                         clock=lambda: NOW, auto_refresh=False)  # fmt: skip
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.refresh()

    assert page.today_tile.value.text() == "4"
    assert "target 6" in page.today_tile.detail.text()
    mix = page.mix_tile.value.text()
    assert [">2<" in mix, ">1<" in mix] == [True, True]  # 2 hot, 1 warm, 1 cold
    assert page.sync_tile.value.text() == "20 min ago"
    hours = page.stats.per_hour  # type: ignore[union-attr]
    assert (hours[10], hours[11], hours[14], sum(hours)) == (2, 1, 1, 4)
    assert 10 in page.hours.visible_hours() and 14 in page.hours.visible_hours()
    bars = page.staff_bars()
    assert (bars["Ayla"].value(), bars["Ayla"].maximum(), bars["Ayla"].text()) == (3, 3, "3 / 3")
    assert (bars["Ben"].value(), bars["Ben"].text()) == (1, "1 / 3")
    board = page.board.text()
    assert board.index("Ayla") < board.index("Ben")  # 3 leads before 2 over the show
    assert "<b>3</b> leads" in board and "<b>2</b> leads" in board


def test_last_sync_wording() -> None:
    assert ago(None, NOW) == "never"
    assert ago(NOW, NOW) == "just now"
    assert ago(datetime(2026, 11, 18, 10, 0, tzinfo=UTC), NOW) == "2 h ago"
