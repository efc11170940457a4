"""Fast, realistic bulk lead data for list, search and dashboard tests and benchmarks.

``populate(db, n)`` writes an event, its staff and ``n`` leads straight into a real database
with SQLAlchemy Core ``executemany`` (50,000 leads in a few seconds, FTS triggers included).
Names come in several scripts (Latin with Turkish and German letters, Greek); leads spread over
the show days between 09:00 and 18:00 in the event's zone. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from boothapp.core.models import Rating, Stage, SyncState
from boothapp.core.pins import hash_pin
from boothapp.store.db import Database
from boothapp.store.tables import EventRow, LeadRow, StaffRow

FIRST = [
    "Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Emre", "Gülşen", "Çağrı", "İsmail", "Özge",
    "Γιώργος", "Μαρία", "Ελένη", "Δημήτρης", "Νίκος", "Κατερίνα",
    "Anna", "Lukas", "Sophie", "Jürgen", "Marie", "Paul", "Olivia", "James", "Chloé", "Mateo",
]  # fmt: skip
LAST = [
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Koç",
    "Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Βασιλείου",
    "Müller", "Schmidt", "Schneider", "Dubois", "Martin", "Smith", "Johnson", "García", "Rossi",
]  # fmt: skip
COMPANIES = [
    "Acme Industrial GmbH", "Anadolu Lojistik A.Ş.", "Βόρειο Αιγαίο Ναυτιλιακή", "Nordwind AG",
    "Brightline Analytics", "Kuzey Enerji", "Hellas Robotics", "Blue Harbour Ltd",
    "Marmara Gıda", "Delta Fintech SA", "Orbit Systems", "Pamukkale Tekstil",
]  # fmt: skip
NOTES = [
    "", "", "", "wants a demo next week", "budget approved for Q3", "call back after the show",
    "existing customer of a competitor", "asked about pricing tiers", "needs on-premise",
    "Fiyat teklifi istedi", "Ενδιαφέρεται για ολοκλήρωση με ERP",
]  # fmt: skip
STAFF = ["Ayla Korkmaz", "Ben Carter", "Γιάννης Ραφαηλίδης", "Derya Uçar", "Emma Novak"]
STAFF_PIN = "1234"

UNIQUE_FIRST, UNIQUE_LAST = "Xanthippe", "Quizzlewood"


@dataclass
class Population:
    event_id: str
    timezone: str
    days: list[date]
    staff: dict[str, str]  # id -> name
    unique_lead_id: str
    company_counts: Counter[str] = field(default_factory=Counter)
    rating_counts: Counter[str] = field(default_factory=Counter)


def populate(
    db: Database,
    n: int,
    *,
    seed: int = 7,
    event_name: str = "Big Show",
    tz: str = "Europe/Istanbul",
    first_day: date = date(2026, 11, 17),
    show_days: int = 3,
    batch: int = 5000,
) -> Population:
    rnd = random.Random(seed)
    zone = ZoneInfo(tz)
    now = datetime.now(UTC)
    days = [first_day + timedelta(days=i) for i in range(show_days)]
    event_id = str(uuid.uuid4())
    # One hash for every staff member: the hash cost is not what these tests measure.
    pin_hash = hash_pin(STAFF_PIN)
    staff = {str(uuid.uuid4()): name for name in STAFF}
    pop = Population(event_id, tz, days, staff, unique_lead_id="")
    with db.engine.begin() as conn:
        conn.execute(
            insert(EventRow),
            [
                dict(
                    id=event_id, created_at=now, updated_at=now, device_id="bench", created_by="",
                    name=event_name, venue="Expo Hall", booth="B12", country="TR", timezone=tz,
                    starts_on=days[0], ends_on=days[-1], config={}, config_revision=0,
                )
            ],
        )  # fmt: skip
        conn.execute(
            insert(StaffRow),
            [
                dict(
                    id=sid, created_at=now, updated_at=now, device_id="bench", created_by="",
                    event_id=event_id, name=name, email="", pin_hash=pin_hash, role="staff",
                    active=True,
                )
                for sid, name in staff.items()
            ],
        )  # fmt: skip
        staff_ids = list(staff)
        fts = _search_trigger(db)
        if fts:
            # Row-by-row trigram indexing is ~5x slower than one bulk fill at the end.
            conn.execute(text("DROP TRIGGER lead_search_ai"))
        rows: list[dict[str, object]] = []
        for i in range(n):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            if i == n // 2:
                first, last = UNIQUE_FIRST, UNIQUE_LAST
            company = rnd.choice(COMPANIES)
            rating = rnd.choices(list(Rating), weights=(5, 3, 2))[0].value
            local = datetime.combine(rnd.choice(days), time(9), zone) + timedelta(
                seconds=rnd.randrange(9 * 3600)
            )
            created = local.astimezone(UTC)
            lead_id = str(uuid.uuid4())
            if i == n // 2:
                pop.unique_lead_id = lead_id
            pop.company_counts[company] += 1
            pop.rating_counts[rating] += 1
            rows.append(
                dict(
                    id=lead_id, created_at=created, updated_at=created, device_id="bench",
                    created_by="", event_id=event_id, badge_key=f"id:{i:07d}",
                    badge_id=f"{i:07d}", raw_payload=f"BADGE{i:07d}", source="badge_scan",
                    first_name=first, last_name=last,
                    email=f"{_ascii(first)}.{_ascii(last)}{i}@example.com", phone="",
                    company=company, title="", country="TR", city="", timezone=tz, answers={},
                    rating=rating, rating_overridden=False, score=rnd.randrange(100),
                    qualified=False, notes=rnd.choice(NOTES), consent_text="",
                    consent_given_at=None, owner="", stage=rnd.choice(list(Stage)).value,
                    please_delete=rnd.random() < 0.01, referred_by="",
                    staff_id=rnd.choice(staff_ids), crm_ids={},
                    sync_state=rnd.choice(list(SyncState)).value,
                )
            )  # fmt: skip
            if len(rows) >= batch:
                conn.execute(insert(LeadRow), rows)
                rows = []
        if rows:
            conn.execute(insert(LeadRow), rows)
        if fts:
            conn.execute(
                text(
                    "INSERT INTO lead_search(rowid, name, company, email, notes) "
                    "SELECT rowid, boothapp_fold(first_name || ' ' || last_name), "
                    "boothapp_fold(company), boothapp_fold(email), boothapp_fold(notes) "
                    "FROM leads WHERE event_id = :e"
                ),
                {"e": event_id},
            )
            conn.execute(text(fts))
    return pop


def _search_trigger(db: Database) -> str:
    """The search index's insert trigger (migration 0014: folded text), when there is one."""
    with db.engine.connect() as conn:
        found = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE type='trigger' AND name='lead_search_ai'")
        ).scalar()
    return str(found or "")


def _ascii(name: str) -> str:
    return "".join(c for c in name.lower() if c.isascii() and c.isalpha()) or "x"
