"""Booth dashboard figures equal what was inserted (a small known data set)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from boothapp.app import AppContext
from boothapp.core.models import Contact, Rating
from boothapp.services.dashboard import DashboardService, RatingMix
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow, OutboxRow

TZ = "Europe/Istanbul"  # UTC+3 all year
TODAY = date(2026, 11, 18)


def _lead(ctx: AppContext, event_id: str, staff_id: str, rating: Rating, at: datetime) -> str:
    lead = ctx.leads.save_lead(
        LeadDraft(
            event_id=event_id,
            contact=Contact(first_name="V", last_name=at.isoformat()),
            rating=rating,
            rating_overridden=True,
            staff_id=staff_id,
        )
    )
    with ctx.db.session() as s:
        s.execute(update(LeadRow).where(LeadRow.id == lead.id).values(created_at=at))
    return lead.id


@pytest.fixture
def booth(ctx: AppContext):  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Dash Show", timezone=TZ))
    ayla = ctx.staff.add_staff(event.id, "Ayla", "1111")
    ben = ctx.staff.add_staff(event.id, "Ben", "2222")
    cem = ctx.staff.add_staff(event.id, "Cem", "3333")  # signed up, no leads yet
    utc = lambda h, m=0, d=18: datetime(2026, 11, d, h, m, tzinfo=UTC)  # noqa: E731
    # Today (local): Ayla 3 (1 hot) at 10:xx and 11:xx local; Ben 2 (2 hot) at 14:xx local.
    ids = [
        _lead(ctx, event.id, ayla.id, Rating.HOT, utc(7, 5)),  # 10:05 local
        _lead(ctx, event.id, ayla.id, Rating.WARM, utc(7, 40)),  # 10:40
        _lead(ctx, event.id, ayla.id, Rating.COLD, utc(8, 15)),  # 11:15
        _lead(ctx, event.id, ben.id, Rating.HOT, utc(11, 0)),  # 14:00
        _lead(ctx, event.id, ben.id, Rating.HOT, utc(11, 59)),  # 14:59
    ]
    # Yesterday (local): Ben 2 more, one of them at 23:30 local = 20:30 UTC on the 17th.
    _lead(ctx, event.id, ben.id, Rating.WARM, utc(9, 0, d=17))
    _lead(ctx, event.id, ben.id, Rating.COLD, utc(20, 30, d=17))
    # Tomorrow already in Istanbul (21:30 UTC on the 18th): not today.
    _lead(ctx, event.id, ayla.id, Rating.HOT, utc(21, 30))
    return ctx, event.id, {"Ayla": ayla.id, "Ben": ben.id, "Cem": cem.id}, ids


def test_booth_stats_count_today_per_hour_rating_and_staff(booth) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, _ = booth
    stats = DashboardService(ctx.db).booth_stats(event_id, TODAY, TZ)
    assert stats.leads_today == 5
    expected_hours = [0] * 24
    expected_hours[10], expected_hours[11], expected_hours[14] = 2, 1, 2
    assert list(stats.per_hour) == expected_hours
    assert stats.rating_mix == RatingMix(cold=1, warm=1, hot=3)
    assert [(p.name, p.leads, p.hot, p.target) for p in stats.per_staff] == [
        ("Ayla", 3, 1, 25),
        ("Ben", 2, 2, 25),
        ("Cem", 0, 0, 25),
    ]
    assert stats.per_staff[0].fraction == pytest.approx(3 / 25)
    # Whole event: Ben 4 (2 hot), Ayla 4 (2 hot), ties broken by name; Cem has none.
    board = [(e.rank, e.name, e.leads, e.hot) for e in stats.leaderboard]
    assert board == [(1, "Ayla", 4, 2), (2, "Ben", 4, 2)]
    assert stats.last_sync is None


def test_leaderboard_orders_by_leads_then_hot(booth) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, staff, _ = booth
    utc = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    _lead(ctx, event_id, staff["Cem"], Rating.HOT, utc)
    _lead(ctx, event_id, staff["Cem"], Rating.HOT, utc)
    _lead(ctx, event_id, staff["Cem"], Rating.HOT, utc)
    _lead(ctx, event_id, staff["Cem"], Rating.HOT, utc)
    _lead(ctx, event_id, staff["Ben"], Rating.COLD, utc)
    stats = DashboardService(ctx.db).booth_stats(event_id, TODAY, TZ)
    board = [(e.name, e.leads, e.hot) for e in stats.leaderboard]
    assert board == [("Ben", 5, 2), ("Cem", 4, 4), ("Ayla", 4, 2)]


def test_target_is_configurable_and_must_be_positive(booth) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, _ = booth
    stats = DashboardService(ctx.db, target_per_staff=10).booth_stats(event_id, TODAY, TZ)
    assert {p.target for p in stats.per_staff} == {10}
    assert DashboardService(ctx.db).booth_stats(event_id, TODAY, TZ, target=3).per_staff[
        0
    ].fraction == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="target"):
        DashboardService(ctx.db, target_per_staff=0)


def test_last_sync_is_the_latest_delivered_outbox_change(booth) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, ids = booth
    t1 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    t2 = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
    t3 = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    with ctx.db.session() as s:
        s.add(OutboxRow(crm="hubspot", lead_id=ids[0], record={}, state="done", updated_at=t1))
        s.add(OutboxRow(crm="hubspot", lead_id=ids[1], record={}, state="done", updated_at=t2))
        s.add(OutboxRow(crm="hubspot", lead_id=ids[2], record={}, state="pending", updated_at=t3))
    stats = DashboardService(ctx.db).booth_stats(event_id, TODAY, TZ)
    assert stats.last_sync == t2


def test_qualified_and_nurture_counts_cover_the_whole_event(ctx) -> None:  # type: ignore[no-untyped-def]
    event = ctx.events.create_event(NewEvent(name="Funnel Show"))
    ready = {"budget": "over_250k", "authority": "decision_maker", "interests": ["platform"],
             "timeframe": "now"}  # fmt: skip
    ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=Contact(first_name="A"),
                                  answers=ready))  # fmt: skip
    for name in ("B", "C"):
        ctx.leads.save_lead(LeadDraft(event_id=event.id, contact=Contact(first_name=name)))
    stats = DashboardService(ctx.db).booth_stats(event.id, date.today(), "UTC")
    assert (stats.qualified, stats.nurture) == (1, 2)


def test_standing_says_what_booth_stats_says_for_one_rep(booth) -> None:  # type: ignore[no-untyped-def]
    """The scan page's strip reads the SQL-only standing (issue 23): the same leads today,
    rank and leaderboard size as the full booth figures."""
    ctx, event_id, staff, _ids = booth
    service = DashboardService(ctx.db)
    _standings_match_the_board(service, event_id, staff)
    assert service.standing(event_id, staff["Ayla"], TODAY, TZ).leads_today == 3
    assert service.standing(event_id, staff["Cem"], TODAY, TZ).rank is None
    # Level on leads, the hot leads decide (they are counted only for those level with the
    # rep, issue 23): Cem 4 (4 hot) passes Ayla 4 (2 hot); Ben 5 leads whatever his hot.
    utc = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    for _ in range(4):
        _lead(ctx, event_id, staff["Cem"], Rating.HOT, utc)
    _lead(ctx, event_id, staff["Ben"], Rating.COLD, utc)
    _standings_match_the_board(service, event_id, staff)
    ranks = {n: service.standing(event_id, sid, TODAY, TZ).rank for n, sid in staff.items()}
    assert ranks == {"Ben": 1, "Cem": 2, "Ayla": 3}


def _standings_match_the_board(
    service: DashboardService, event_id: str, staff: dict[str, str]
) -> None:
    stats = service.booth_stats(event_id, TODAY, TZ)
    for name, sid in staff.items():
        standing = service.standing(event_id, sid, TODAY, TZ)
        progress = next(p for p in stats.per_staff if p.staff_id == sid)
        rank = next((e.rank for e in stats.leaderboard if e.staff_id == sid), None)
        assert (standing.leads_today, standing.rank, standing.ranked) == (
            progress.leads,
            rank,
            len(stats.leaderboard),
        ), name
