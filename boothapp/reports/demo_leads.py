"""Deterministic made-up leads for benchmarks, tests and report previews.

Names deliberately mix scripts (Turkish, Greek, Persian, Chinese) and some values look like
formulas, because those are what break exports in the field.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from boothapp.core.models import Contact, Event, Lead, LeadSource, Rating, Staff, Stage, SyncState
from boothapp.reports.columns import QuestionColumn

NAMES = (
    ("Ayşe", "Yılmaz"),
    ("Γιώργος", "Παπαδόπουλος"),
    ("مریم", "حسینی"),
    ("小明", "王"),
    ("Jürgen", "Groß"),
    ("Siobhán", "O'Neill"),
    ("Ana", "Muñoz"),
    ("John", "Smith"),
    ("Priya", "Natarajan"),
    ("Łukasz", "Żółkiewski"),
)
COMPANIES = ("Acme GmbH", "Δέλτα Α.Ε.", "Öztürk Makine", '=HYPERLINK("http://x")', "Initech")
INTERESTS = {
    "cloud": "Cloud hosting",
    "edge": "Edge devices",
    "ai": "AI assistant",
    "svc": "Services",
}
SIZES = {"s": "< 10", "m": "11-50", "l": "> 50"}

DEMO_QUESTIONS = (
    QuestionColumn("interests", "Interests", INTERESTS),
    QuestionColumn("company_size", "Company size", SIZES),
    QuestionColumn("budget", "Budget (EUR)"),
    QuestionColumn("timeframe", "Timeframe"),
)


@dataclass(frozen=True, slots=True)
class DemoData:
    event: Event
    staff: tuple[Staff, ...]
    leads: list[Lead]
    first_touch: dict[str, datetime]


def demo_event() -> Event:
    from datetime import date

    return Event(
        id="ev-1",
        name="Istanbul Tech Expo 2026",
        timezone="Europe/Istanbul",
        venue="Istanbul Expo Center, Hall 4",
        booth="4-B12",
        country="TR",
        starts_on=date(2026, 3, 10),
        ends_on=date(2026, 3, 12),
    )


def generate(count: int, seed: int = 7) -> DemoData:
    rnd = random.Random(seed)
    event = demo_event()
    staff = tuple(
        Staff(f"st-{i}", event.id, name)
        for i, name in enumerate(("Ayşe Demir", "Νίκος Κ.", "Sara Rahimi", "Tom Baker"))
    )
    owners = ("Elif (TR enterprise)", "Mark (EU SMB)", "Reza (MEA)", "")
    # Hall opens 09:00 Istanbul (06:00 UTC) for three days.
    start = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    leads: list[Lead] = []
    first_touch: dict[str, datetime] = {}
    stages = list(Stage)
    for i in range(count):
        first, last = NAMES[i % len(NAMES)]
        member = staff[rnd.randrange(len(staff))]
        created = start + timedelta(days=rnd.randrange(3), minutes=rnd.randrange(9 * 60))
        rating = rnd.choice((Rating.HOT, Rating.WARM, Rating.WARM, Rating.COLD, Rating.COLD))
        score = {Rating.HOT: 60, Rating.WARM: 30, Rating.COLD: 5}[rating] + rnd.randrange(30)
        lead_id = f"00000000-0000-4000-8000-{i:012d}"
        leads.append(
            Lead(
                id=lead_id,
                event_id=event.id,
                contact=Contact(
                    first_name=first,
                    last_name=last,
                    email=f"visitor{i}@example.com",
                    phone=f"+90 212 555 {i % 10000:04d}",
                    company=COMPANIES[i % len(COMPANIES)],
                    title=rnd.choice(("CTO", "Buyer", "-Head of IT", "@ops lead")),
                    country=rnd.choice(("TR", "GR", "IR", "CN", "DE")),
                ),
                source=rnd.choice(list(LeadSource)),
                badge_id=f"B{100000 + i}",
                raw_payload=f"BADGE;B{100000 + i};{first} {last}\x1d{i}",
                answers={
                    "interests": rnd.sample(sorted(INTERESTS), rnd.randint(1, 3)),
                    "company_size": rnd.choice(sorted(SIZES)),
                    "budget": rnd.choice((5000, 25000, 120000)),
                    "timeframe": rnd.choice(("this quarter", "next year", "+6 months")),
                },
                rating=rating,
                score=score,
                qualified=rating is Rating.HOT or (rating is Rating.WARM and score > 45),
                notes=rnd.choice(("", "Wants a demo\nCall after 14:00", "=1+1 joke", "\tindented")),
                consent_text="I agree to be contacted about products.",
                consent_given_at=created,
                owner=owners[i % len(owners)],
                stage=stages[min(len(stages) - 1, int(rnd.expovariate(1.1)))],
                please_delete=i % 97 == 0,
                staff_id=member.id,
                staff_name=member.name,
                device_id=f"laptop-{i % 3 + 1}",
                sync_state=rnd.choice(list(SyncState)),
                created_at=created,
                updated_at=created,
            )
        )
        if rnd.random() < 0.7:
            first_touch[lead_id] = created + timedelta(minutes=rnd.expovariate(1 / 600))
    return DemoData(event, staff, leads, first_touch)
