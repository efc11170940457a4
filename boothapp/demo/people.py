"""Deterministic, realistic visitors from several countries and scripts."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from boothapp.core.models import Contact

# (country, time zone, phone prefix, first names, last names, email domain suffix)
_LOCALES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "TR",
        "Europe/Istanbul",
        "+90 532",
        ("Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"),
        "com.tr",
    ),
    (
        "GR",
        "Europe/Athens",
        "+30 694",
        ("Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Κώστας"),
        ("Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Νικολάου"),
        "gr",
    ),
    (
        "IR",
        "Asia/Tehran",
        "+98 912",
        ("مریم", "علی", "سارا", "رضا"),
        ("حسینی", "محمدی", "رضایی", "کریمی"),
        "ir",
    ),
    (
        "DE",
        "Europe/Berlin",
        "+49 151",
        ("Jonas", "Lena", "Lukas", "Anna", "Felix", "Marie"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber"),
        "de",
    ),
    (
        "US",
        "America/Chicago",
        "+1 312",
        ("Emily", "James", "Olivia", "Michael", "Sophia"),
        ("Johnson", "Williams", "Brown", "Garcia", "Miller"),
        "com",
    ),
    (
        "GB",
        "Europe/London",
        "+44 7700",
        ("Oliver", "Amelia", "Harry", "Isla"),
        ("Smith", "Taylor", "Evans", "Walker"),
        "co.uk",
    ),
    (
        "JP",
        "Asia/Tokyo",
        "+81 90",
        ("Haruto", "Yui", "Sota", "Hina"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka"),
        "co.jp",
    ),
    (
        "BR",
        "America/Sao_Paulo",
        "+55 11 9",
        ("Lucas", "Julia", "Gabriel", "Beatriz"),
        ("Silva", "Santos", "Oliveira", "Souza"),
        "com.br",
    ),
)
_COMPANIES = (
    "Anadolu Makina",
    "Helix Robotics",
    "Nordwind Logistik",
    "Blue Harbor Foods",
    "Quanta Labs",
    "Atlas Packaging",
    "Sakura Precision",
    "Verde Energia",
    "Orion Retail",
    "Kestrel Analytics",
    "Pioneer Medical",
    "Brightline Textiles",
    "Summit Steel",
    "Lumen Software",
    "Aegean Marine",
)
_TITLES = (
    "Purchasing Manager",
    "CTO",
    "Operations Director",
    "Engineer",
    "Head of Procurement",
    "Plant Manager",
    "CEO",
    "Project Lead",
    "Buyer",
    "IT Manager",
    "Marketing Manager",
)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    badge_id: str
    contact: Contact


def ascii_fold(text: str) -> str:
    """Latin letters without accents, for email local parts and printed demo badges."""
    folded = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ş", "s"))
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in " -."))


def make_people(count: int, seed: int = 7) -> list[DemoPerson]:
    rng = random.Random(seed)
    people = []
    for i in range(count):
        country, tz, prefix, firsts, lasts, tld = _LOCALES[i % len(_LOCALES)]
        first, last = rng.choice(firsts), rng.choice(lasts)
        company = rng.choice(_COMPANIES)
        # Greek and Persian names fold to nothing but the dot: ".1@..." is not an address.
        local = ascii_fold(f"{first}.{last}").lower().replace(" ", "").strip(".") or "visitor"
        domain = ascii_fold(company).lower().replace(" ", "") + "." + tld
        contact = Contact(
            first_name=first,
            last_name=last,
            email=f"{local}{i}@{domain}",
            phone=f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            company=company,
            title=rng.choice(_TITLES),
            country=country,
            timezone=tz,
        )
        people.append(DemoPerson(badge_id=f"{100000 + i}", contact=contact))
    return people


def vcard_payload(person: DemoPerson) -> str:
    c = person.contact
    return "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{c.last_name};{c.first_name};;;",
            f"FN:{c.full_name}",
            f"ORG:{c.company}",
            f"TITLE:{c.title}",
            f"EMAIL;TYPE=WORK:{c.email}",
            f"TEL;TYPE=CELL:{c.phone}",
            f"NOTE:badge {person.badge_id}",
            "END:VCARD",
        ]
    )
