"""The leads list query: search, filters, sort and paging on real SQLite files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from boothapp.app import AppContext
from boothapp.core.models import Contact, Rating, Stage, SyncState
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.lead_queries import (
    LeadQuery,
    LeadQueryService,
    SortColumn,
    SortOrder,
    day_bounds,
)
from boothapp.services.leads import LeadDraft
from boothapp.store.db import Database
from boothapp.store.migrate import open_database
from boothapp.store.tables import LeadRow
from tests.fixtures_leads import UNIQUE_FIRST, UNIQUE_LAST, Population, populate


# -- a small known event ------------------------------------------------------------------
@pytest.fixture
def small(ctx: AppContext) -> tuple[AppContext, str, dict[str, str], dict[str, str]]:
    """Six leads over two days (Istanbul time) and two staff; returns ids by first name."""
    event = ctx.events.create_event(NewEvent(name="Small Show", timezone="Europe/Istanbul"))
    ayla = ctx.staff.add_staff(event.id, "Ayla", "1111")
    ben = ctx.staff.add_staff(event.id, "Ben", "2222")
    specs = [
        # first, last, company, notes, rating, stage, staff, created (UTC)
        ("Ayşe", "Yılmaz", "Anadolu Lojistik", "", Rating.HOT, Stage.TO_CONTACT, ayla.id,
         datetime(2026, 11, 17, 7, 0, tzinfo=UTC)),
        ("Γιώργος", "Παπαδόπουλος", "Hellas Robotics", "wants a demo", Rating.WARM,
         Stage.IN_CONTACT, ben.id, datetime(2026, 11, 17, 12, 0, tzinfo=UTC)),
        ("zeynep", "Kaya", "Acme GmbH", "", Rating.COLD, Stage.TO_CONTACT, ayla.id,
         datetime(2026, 11, 17, 20, 59, tzinfo=UTC)),  # 23:59 in Istanbul: still the 17th
        ("Bob", "Smith", "Acme GmbH", "demo booked", Rating.HOT, Stage.WON, ben.id,
         datetime(2026, 11, 17, 21, 1, tzinfo=UTC)),  # 00:01 on the 18th in Istanbul
        ("Émile", "Dubois", "Acme GmbH", "", Rating.WARM, Stage.TO_CONTACT, ayla.id,
         datetime(2026, 11, 18, 9, 0, tzinfo=UTC)),
        ("Al", "Bo", "Tiny Co", "", Rating.COLD, Stage.TO_CONTACT, "",
         datetime(2026, 11, 18, 10, 0, tzinfo=UTC)),
    ]  # fmt: skip
    ids: dict[str, str] = {}
    for first, last, company, notes, rating, stage, staff_id, created in specs:
        lead = ctx.leads.save_lead(
            LeadDraft(
                event_id=event.id,
                contact=Contact(first_name=first, last_name=last, company=company,
                                email=f"{last.lower()}@example.com"),
                rating=rating, rating_overridden=True, stage=stage, staff_id=staff_id,
                notes=notes,
            )
        )  # fmt: skip
        ids[first] = lead.id
        with ctx.db.session() as s:
            s.execute(update(LeadRow).where(LeadRow.id == lead.id).values(created_at=created))
    ctx.leads.set_please_delete(ids["Al"], True)
    with ctx.db.session() as s:
        s.execute(update(LeadRow).where(LeadRow.id == ids["Bob"]).values(sync_state="synced"))
    return ctx, event.id, ids, {"Ayla": ayla.id, "Ben": ben.id}


def _names(qs: LeadQueryService, q: LeadQuery) -> list[str]:
    return [r.name for r in qs.page(q, 0, 100)]


def test_search_finds_substrings_in_name_company_email_and_notes(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, _ = small
    qs = LeadQueryService(ctx.db)
    q = LeadQuery(event_id, sort=SortColumn.NAME, order=SortOrder.ASC)
    assert _names(qs, LeadQuery(event_id, text="yılm")) == ["Ayşe Yılmaz"]
    # Greek, searched in another case: trigram search folds Unicode case.
    assert _names(qs, LeadQuery(event_id, text="ΠΑΠΑΔ")) == ["Γιώργος Παπαδόπουλος"]
    # Alphabetical as a reader expects (core.collation): "Émile" sorts with the e's.
    assert _names(qs, LeadQuery(event_id, text="acme", sort=q.sort, order=q.order)) == [
        "Bob Smith",
        "Émile Dubois",
        "zeynep Kaya",
    ]
    assert _names(qs, LeadQuery(event_id, text="demo", sort=q.sort, order=q.order)) == [
        "Bob Smith",
        "Γιώργος Παπαδόπουλος",
    ]
    assert _names(qs, LeadQuery(event_id, text="smith@example")) == ["Bob Smith"]
    # Typed without Turkish or Greek accents, as on a borrowed laptop keyboard.
    assert _names(qs, LeadQuery(event_id, text="ayse yilmaz")) == ["Ayşe Yılmaz"]
    assert _names(qs, LeadQuery(event_id, text="γιωργος")) == ["Γιώργος Παπαδόπουλος"]
    # Every word must match; a two-letter word falls back to LIKE.
    assert _names(qs, LeadQuery(event_id, text="acme demo")) == ["Bob Smith"]
    assert set(_names(qs, LeadQuery(event_id, text="bo"))) == {
        "Al Bo",  # last name
        "Bob Smith",
        "Émile Dubois",
        "Γιώργος Παπαδόπουλος",  # Hellas Robotics
    }
    assert qs.count(LeadQuery(event_id, text="nobody-like-this")) == 0
    # Quotes and FTS syntax in the box are plain text, never a query error.
    assert qs.count(LeadQuery(event_id, text='"acme" OR NEAR(')) == 0


def test_filters_combine(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, ids, staff = small
    qs = LeadQueryService(ctx.db)
    hot = LeadQuery(event_id, ratings=(Rating.HOT,))
    assert qs.count(hot) == 2
    hot_ben = LeadQuery(event_id, ratings=(Rating.HOT,), staff_ids=(staff["Ben"],))
    assert [r.id for r in qs.page(hot_ben, 0, 10)] == [ids["Bob"]]
    warm_or_cold_ayla = LeadQuery(
        event_id, ratings=(Rating.WARM, Rating.COLD), staff_ids=(staff["Ayla"],)
    )
    assert {r.id for r in qs.page(warm_or_cold_ayla, 0, 10)} == {ids["zeynep"], ids["Émile"]}
    assert qs.count(LeadQuery(event_id, stages=(Stage.WON, Stage.IN_CONTACT))) == 2
    assert _names(qs, LeadQuery(event_id, sync_states=(SyncState.SYNCED,))) == ["Bob Smith"]
    assert _names(qs, LeadQuery(event_id, please_delete=True)) == ["Al Bo"]
    assert qs.count(LeadQuery(event_id, please_delete=False)) == 5
    acme_day1 = LeadQuery(event_id, text="acme", day=date(2026, 11, 17))
    assert _names(qs, acme_day1) == ["zeynep Kaya"]  # Bob is after local midnight


def test_day_follows_the_event_time_zone(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, _ = small
    qs = LeadQueryService(ctx.db)
    assert qs.count(LeadQuery(event_id, day=date(2026, 11, 17))) == 3
    assert qs.count(LeadQuery(event_id, day=date(2026, 11, 18))) == 3
    assert qs.lead_days(event_id) == [date(2026, 11, 17), date(2026, 11, 18)]
    start, end = day_bounds(date(2026, 11, 17), "Europe/Istanbul")
    assert (start, end) == (
        datetime(2026, 11, 16, 21, 0, tzinfo=UTC),
        datetime(2026, 11, 17, 21, 0, tzinfo=UTC),
    )


def test_sort_by_name_is_case_insensitive_and_by_created_both_ways(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, _, _ = small
    qs = LeadQueryService(ctx.db)
    by_name = _names(qs, LeadQuery(event_id, sort=SortColumn.NAME, order=SortOrder.ASC))
    assert by_name[:4] == ["Al Bo", "Ayşe Yılmaz", "Bob Smith", "Émile Dubois"]
    newest_first = _names(qs, LeadQuery(event_id))
    assert newest_first[0] == "Al Bo" and newest_first[-1] == "Ayşe Yılmaz"
    oldest_first = _names(qs, LeadQuery(event_id, order=SortOrder.ASC))
    assert oldest_first == list(reversed(newest_first))
    by_rating = qs.page(LeadQuery(event_id, sort=SortColumn.RATING, order=SortOrder.DESC), 0, 9)
    assert [r.rating for r in by_rating][:2] == [Rating.HOT, Rating.HOT]
    by_staff = qs.page(LeadQuery(event_id, sort=SortColumn.STAFF, order=SortOrder.ASC), 0, 9)
    assert [r.staff_name for r in by_staff] == ["", "Ayla", "Ayla", "Ayla", "Ben", "Ben"]


def test_pages_do_not_overlap_and_bad_pages_are_refused(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, ids, _ = small
    qs = LeadQueryService(ctx.db)
    q = LeadQuery(event_id, sort=SortColumn.COMPANY)
    seen = [r.id for off in (0, 2, 4) for r in qs.page(q, off, 2)]
    assert sorted(seen) == sorted(ids.values())
    with pytest.raises(ValidationError, match="page"):
        qs.page(q, -1, 10)
    with pytest.raises(ValidationError, match="page"):
        qs.page(q, 0, 0)


def test_edits_reach_the_search_index(small) -> None:  # type: ignore[no-untyped-def]
    ctx, event_id, ids, _ = small
    qs = LeadQueryService(ctx.db)
    lead = ctx.leads.get_lead(ids["Émile"])
    draft = ctx.leads.draft_of(lead)
    from dataclasses import replace

    ctx.leads.save_lead(replace(draft, notes="asked for the Kubernetes operator"))
    assert _names(qs, LeadQuery(event_id, text="kubernetes")) == ["Émile Dubois"]
    row = qs.row(ids["Émile"])
    assert row is not None and row.company == "Acme GmbH"


# -- 50,000 leads -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Population]]:
    d: Path = tmp_path_factory.mktemp("big")
    db, _ = open_database(f"sqlite:///{d / 'big.db'}", d / "backups")
    pop = populate(db, 50_000)
    yield db, pop
    db.dispose()


@pytest.mark.slow
def test_search_at_50k_finds_exactly_the_unique_lead(big) -> None:  # type: ignore[no-untyped-def]
    db, pop = big
    qs = LeadQueryService(db)
    for text in (UNIQUE_LAST, UNIQUE_LAST.lower()[2:9], f"{UNIQUE_FIRST} {UNIQUE_LAST}"):
        q = LeadQuery(pop.event_id, text=text)
        assert qs.count(q) == 1
        assert [r.id for r in qs.page(q, 0, 50)] == [pop.unique_lead_id]


@pytest.mark.slow
def test_search_at_50k_counts_a_common_company(big) -> None:  # type: ignore[no-untyped-def]
    db, pop = big
    qs = LeadQueryService(db)
    for company in ("Acme Industrial GmbH", "Βόρειο Αιγαίο Ναυτιλιακή"):
        q = LeadQuery(pop.event_id, text=company)
        assert qs.count(q) == pop.company_counts[company] > 1000
        page = qs.page(q, 0, 200)
        assert len(page) == 200 and all(r.company == company for r in page)
    hot = LeadQuery(pop.event_id, ratings=(Rating.HOT,))
    assert qs.count(hot) == pop.rating_counts["hot"]
    assert qs.count(LeadQuery(pop.event_id)) == 50_000


def test_upgrade_indexes_leads_captured_before_the_search_index(tmp_path: Path) -> None:
    import sqlite3

    from alembic import command

    from boothapp.store.db import make_engine
    from boothapp.store.migrate import alembic_config

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    engine.dispose()
    con = sqlite3.connect(path)
    now = "2026-11-20 09:00:00"
    con.execute(
        "INSERT INTO events (id, created_at, updated_at, device_id, created_by, name, venue,"
        " booth, country, timezone, config, config_revision)"
        " VALUES ('e1', ?, ?, 'd', '', 'Old Show', '', '', 'TR', 'Europe/Istanbul', '{}', 0)",
        (now, now),
    )
    con.execute(
        "INSERT INTO leads (id, created_at, updated_at, device_id, created_by, event_id, badge_key,"
        " badge_id, raw_payload, source, first_name, last_name, email, phone, company, title,"
        " country, city, timezone, answers, rating, rating_overridden, score, qualified, notes,"
        " consent_text, owner, stage, please_delete, referred_by, staff_id, crm_ids, sync_state)"
        " VALUES ('l1', ?, ?, 'd', '', 'e1', NULL, '', '', 'manual', 'Ayşe', 'Yılmaz',"
        " 'ayse@example.com', '', 'Anadolu Lojistik', '', 'TR', '', '', '{}', 'hot', 0, 80, 1,"
        " 'wants a quote', '', '', 'to_contact', 0, '', '', '{}', 'not_queued')",
        (now, now),
    )
    con.commit()
    con.close()
    db, report = open_database(url, tmp_path / "backups")
    try:
        assert report.from_revision == "0002"
        qs = LeadQueryService(db)
        for text in ("lojistik", "Yılmaz", "quote"):
            assert [r.id for r in qs.page(LeadQuery("e1", text=text), 0, 10)] == ["l1"]
    finally:
        db.dispose()
