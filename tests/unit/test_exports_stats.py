from datetime import UTC, datetime, timedelta

from boothapp.core.models import Contact, Event, Lead, Rating, Staff, Stage
from boothapp.reports.columns import QuestionColumn
from boothapp.reports.stats import build_report_data

EVENT = Event("ev", "Expo", timezone="America/New_York")
STAFF = (Staff("s1", "ev", "Ayşe"), Staff("s2", "ev", "Bob"), Staff("s3", "ev", "Idle Ida"))
INTERESTS = QuestionColumn("interests", "Interests", {"cloud": "Cloud", "ai": "AI"})


def _lead(i: int, hour_utc: int, **kw: object) -> Lead:
    base = dict(
        id=f"l{i}",
        event_id="ev",
        contact=Contact(first_name=f"N{i}"),
        created_at=datetime(2026, 5, 5, hour_utc, 15, tzinfo=UTC),
    )
    base.update(kw)
    return Lead(**base)  # type: ignore[arg-type]


LEADS = [
    _lead(
        1,
        13,
        rating=Rating.HOT,
        score=90,
        qualified=True,
        staff_id="s1",
        owner="Elif",
        answers={"interests": ["cloud", "ai"]},
        stage=Stage.WON,
    ),
    _lead(
        2,
        13,
        rating=Rating.WARM,
        score=40,
        staff_id="s1",
        owner="Elif",
        answers={"interests": ["ai"]},
    ),
    _lead(
        3,
        14,
        rating=Rating.COLD,
        score=5,
        staff_id="s2",
        please_delete=True,
        answers={"interests": "cloud"},
    ),
    # 03:30 UTC on the 6th is still 23:30 on the 5th in New York (EDT, UTC-4).
    _lead(
        4,
        3,
        rating=Rating.HOT,
        score=70,
        qualified=True,
        staff_id="s2",
        created_at=datetime(2026, 5, 6, 3, 30, tzinfo=UTC),
        stage=Stage.IN_CONTACT,
    ),
]


def test_totals_mix_and_funnel() -> None:
    data = build_report_data(EVENT, LEADS, STAFF, questions=[INTERESTS])
    assert (data.total, data.qualified, data.nurture, data.please_delete) == (4, 2, 2, 1)
    assert [(c.label, c.count) for c in data.rating_mix] == [("hot", 2), ("warm", 1), ("cold", 1)]
    funnel = {c.label: c.count for c in data.funnel}
    assert funnel == {
        "to_contact": 2,
        "in_contact": 1,
        "follow_up": 0,
        "quote_to_prepare": 0,
        "quote_sent": 0,
        "won": 1,
        "not_interested": 0,
    }
    assert data.average_score == 51.2
    assert data.response is None


def test_hours_and_days_are_on_the_hall_clock() -> None:
    data = build_report_data(EVENT, LEADS, STAFF)
    assert [(c.label, c.count) for c in data.per_day] == [("2026-05-05", 4)]
    hours = {c.label: c.count for c in data.per_hour}
    assert hours["09:00"] == 2 and hours["10:00"] == 1 and hours["23:00"] == 1
    assert hours["15:00"] == 0  # gaps inside the range are shown as zero


def test_groups_per_staff_owner_and_interest() -> None:
    data = build_report_data(EVENT, LEADS, STAFF, questions=[INTERESTS])
    staff = {r.label: (r.leads, r.hot, r.qualified) for r in data.per_staff}
    assert staff == {"Ayşe": (2, 1, 1), "Bob": (2, 1, 1), "Idle Ida": (0, 0, 0)}
    owners = {r.label: r.leads for r in data.per_owner}
    assert owners == {"Elif": 2, "(unassigned)": 2}
    (interests,) = data.per_question
    # Most picked first; ties keep the event's option order.
    assert [(r.label, r.leads) for r in interests.rows] == [("Cloud", 2), ("AI", 2)]


def test_response_times_from_first_touch() -> None:
    touch = {
        "l1": LEADS[0].created_at + timedelta(minutes=30),  # type: ignore[operator]
        "l2": LEADS[1].created_at + timedelta(hours=30),  # type: ignore[operator]
        "l3": LEADS[2].created_at + timedelta(hours=3),  # type: ignore[operator]
    }
    data = build_report_data(EVENT, LEADS, STAFF, touch)
    r = data.response
    assert r is not None
    assert (r.touched, r.untouched) == (3, 1)
    assert r.median_minutes == 180.0
    assert (r.within_1h, r.within_24h, r.within_48h) == (1, 2, 3)
    ayse = next(x for x in data.per_staff if x.label == "Ayşe")
    assert ayse.median_response_minutes == (30 + 30 * 60) / 2


def test_top_leads_by_score() -> None:
    data = build_report_data(EVENT, LEADS, STAFF, top=2)
    assert [lead.id for lead in data.top_leads] == ["l1", "l4"]


def test_no_leads_gives_zeros_not_errors() -> None:
    data = build_report_data(EVENT, [], STAFF)
    assert data.total == 0 and data.per_hour == () and data.per_day == ()
    assert [r.leads for r in data.per_staff] == [0, 0, 0]
