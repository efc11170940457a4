"""Deterministic, realistic visitors from several countries and scripts."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import count as counting
from itertools import islice
from typing import TypeVar

from boothapp.core.i18n import Language, current
from boothapp.core.models import Contact

T = TypeVar("T")


class Draws:
    """Uniform draws from one seeded stream, one ``random()`` call each. ``Random.choice``
    and ``randrange`` draw bit by bit in Python: ~860,000 of them were ~0.7 s of making a
    50,000-lead demo's visitors, before any lead is saved (issue 23)."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random

    def below(self, n: int) -> int:
        """0 <= result < n."""
        return int(self.random() * n)

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def some(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` different items (as many as there are at most), each set equally likely."""
        k = min(k, len(set(items)))
        chosen: list[T] = []
        while len(chosen) < k:
            item = items[int(self.random() * len(items))]
            if item not in chosen:
                chosen.append(item)
        return chosen


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
# Companies in their own country's words, job titles as the show's registration form in the
# demo's language offers them (issue 21: a Persian team met "Purchasing Manager" on every
# lead; a Greek demo then gave American visitors Greek company names). One entry per index
# in every language: the random draws, and the ASCII mail domains made from the English
# names, stay the same whatever the language.
_COMPANIES: dict[Language, tuple[str, ...]] = {
    Language.EN: (
        "Anadolu Makina", "Helix Robotics", "Nordwind Logistik", "Blue Harbor Foods",
        "Quanta Labs", "Atlas Packaging", "Sakura Precision", "Verde Energia", "Orion Retail",
        "Kestrel Analytics", "Pioneer Medical", "Brightline Textiles", "Summit Steel",
        "Lumen Software", "Aegean Marine",
    ),
    Language.TR: (
        "Anadolu Makina", "Helix Robotik", "Nordwind Lojistik", "Mavi Liman Gıda",
        "Quanta Laboratuvar", "Atlas Ambalaj", "Sakura Hassas Parça", "Verde Enerji",
        "Orion Perakende", "Kestrel Analitik", "Öncü Medikal", "Işıltı Tekstil", "Zirve Çelik",
        "Lumen Yazılım", "Ege Denizcilik",
    ),
    Language.EL: (
        "Ανατολή Μηχανουργική", "Έλιξ Ρομποτική", "Βόρειος Άνεμος Διαμεταφορές",
        "Γαλάζιο Λιμάνι Τρόφιμα", "Κουάντα Εργαστήρια", "Άτλας Συσκευασίες",
        "Σακούρα Μηχανική Ακριβείας", "Πράσινη Ενέργεια", "Ωρίων Λιανική", "Κέστρελ Αναλυτική",
        "Πρωτοπόρος Ιατρική", "Φωτεινή Κλωστοϋφαντουργία", "Κορυφή Χάλυβας", "Λούμεν Λογισμικό",
        "Αιγαίο Ναυτιλιακή",
    ),
    Language.FA: (
        "ماشین‌سازی آناتولی", "رباتیک هلیکس", "لجستیک باد شمال", "غذای بندر آبی",
        "آزمایشگاه‌های کوانتا", "بسته‌بندی اطلس", "قطعات دقیق ساکورا", "انرژی سبز",
        "فروشگاه‌های زنجیره‌ای اوریون", "تحلیل داده کسترل", "تجهیزات پزشکی پیشگام",
        "نساجی روشن", "فولاد قله", "نرم‌افزار لومن", "کشتیرانی اژه",
    ),
    Language.DE: (
        "Anadolu Makina", "Helix Robotik", "Nordwind Logistik", "Blauhafen Lebensmittel",
        "Quanta Labor", "Atlas Verpackung", "Sakura Präzisionstechnik", "Verde Energie",
        "Orion Handel", "Kestrel Analytik", "Pionier Medizintechnik", "Lichtblick Textil",
        "Gipfel Stahl", "Lumen Software", "Ägäis Reederei",
    ),
}  # fmt: skip
_TITLES: dict[Language, tuple[str, ...]] = {
    Language.EN: (
        "Purchasing Manager", "CTO", "Operations Director", "Engineer", "Head of Procurement",
        "Plant Manager", "CEO", "Project Lead", "Buyer", "IT Manager", "Marketing Manager",
    ),
    Language.TR: (
        "Satın Alma Müdürü", "Teknoloji Direktörü", "Operasyon Direktörü", "Mühendis",
        "Satın Alma Direktörü", "Fabrika Müdürü", "Genel Müdür", "Proje Yöneticisi",
        "Satın Alma Uzmanı", "Bilgi İşlem Müdürü", "Pazarlama Müdürü",
    ),
    Language.EL: (
        "Υπεύθυνος Αγορών", "Τεχνικός Διευθυντής", "Διευθυντής Λειτουργιών", "Μηχανικός",
        "Διευθυντής Προμηθειών", "Διευθυντής Εργοστασίου", "Διευθύνων Σύμβουλος",
        "Υπεύθυνος Έργου", "Στέλεχος Αγορών", "Υπεύθυνος Πληροφορικής", "Υπεύθυνος Μάρκετινγκ",
    ),
    Language.FA: (
        "مدیر خرید", "مدیر فنی", "مدیر عملیات", "مهندس", "رئیس تدارکات", "مدیر کارخانه",
        "مدیرعامل", "مدیر پروژه", "کارشناس خرید", "مدیر فناوری اطلاعات", "مدیر بازاریابی",
    ),
    Language.DE: (
        "Einkaufsleiter", "Technischer Leiter", "Betriebsleiter", "Ingenieur",
        "Leiter Beschaffung", "Werksleiter", "Geschäftsführer", "Projektleiter", "Einkäufer",
        "IT-Leiter", "Marketingleiter",
    ),
}  # fmt: skip


# The language a visitor's company writes its name in, by the visitor's country; a company
# from elsewhere goes by its Latin (English) name.
_COMPANY_LANGUAGE: dict[str, Language] = {
    "TR": Language.TR, "GR": Language.EL, "IR": Language.FA, "DE": Language.DE,
}  # fmt: skip


def company_language(country: str) -> Language:
    return _COMPANY_LANGUAGE.get(country, Language.EN)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    badge_id: str
    contact: Contact


def ascii_fold(text: str) -> str:
    """Latin letters without accents, for e-mail local parts and mail domains."""
    folded = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ş", "s"))
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in " -."))


def make_people(count: int, seed: int = 7, language: Language | None = None) -> list[DemoPerson]:
    """``count`` visitors; their job titles in ``language`` (the app's current one by
    default), their companies in their own country's language. The draws do not depend on
    the language: the same people, reworded."""
    return list(islice(people_of(seed, language), count))


def people_of(seed: int = 7, language: Language | None = None) -> Iterator[DemoPerson]:
    """``make_people``'s visitors one after the other, each made when it is asked for (a
    50,000-lead build's first chunks are saved while the later visitors are still to be
    made, issue 23). The language is the one current now, not when the first is asked."""
    return _people(Draws(seed), language or current())


def _people(draw: Draws, lang: Language) -> Iterator[DemoPerson]:
    titles = _TITLES[lang]
    # The mail domain of each company, from the English name (Greek and Persian fold to
    # nothing): once per call, not per person.
    domains = [ascii_fold(name).lower().replace(" ", "") for name in _COMPANIES[Language.EN]]
    # Each name's mail local part, folded once: 50,000 visitors share a few hundred (#23).
    locals_: dict[tuple[str, str], str] = {}
    for i in counting():
        country, tz, prefix, firsts, lasts, tld = _LOCALES[i % len(_LOCALES)]
        first, last = draw.pick(firsts), draw.pick(lasts)
        which = draw.below(len(domains))
        local = locals_.get((first, last))
        if local is None:
            # Greek and Persian names fold to nothing but the dot: ".1@..." is no address.
            folded = ascii_fold(f"{first}.{last}").lower().replace(" ", "").strip(".")
            local = locals_[(first, last)] = folded or "visitor"
        contact = Contact(
            first_name=first,
            last_name=last,
            email=f"{local}{i}@{domains[which]}.{tld}",
            phone=f"{prefix} {100 + draw.below(900)} {1000 + draw.below(9000)}",
            company=_COMPANIES[company_language(country)][which],
            title=draw.pick(titles),
            country=country,
            timezone=tz,
        )
        yield DemoPerson(badge_id=f"{100000 + i}", contact=contact)


def vcard_payload(person: DemoPerson) -> str:
    return vcard_of(person.contact, person.badge_id)


def vcard_of(c: Contact, badge_id: str) -> str:
    """The vCard a visitor's badge carries (one format string: a 50,000-lead demo makes
    them before its first lead is saved, issue 23)."""
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{c.last_name};{c.first_name};;;\r\n"
        f"FN:{c.full_name}\r\nORG:{c.company}\r\nTITLE:{c.title}\r\n"
        f"EMAIL;TYPE=WORK:{c.email}\r\nTEL;TYPE=CELL:{c.phone}\r\n"
        f"NOTE:badge {badge_id}\r\nEND:VCARD"
    )
