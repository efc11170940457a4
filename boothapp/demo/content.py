"""The demo event's own words in the language it is tried in (issue 21).

A booth team trying the demo in Turkish, Greek or Persian meets no English data: the event's
questions carry their per-question translations in the config (as a manager's own wording
does, for the kiosk's visitors), the staff's notes on the demo leads are written in the
demo's language, and so are the routing rules' and the rep's names. The demo's language is
the one the app speaks when the demo is built (the window's or the CLI's ``--lang``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from boothapp.core.config.model import Option, Question, RouteRule, Translations
from boothapp.core.config.rep_names import DEFAULT_REP_NAME
from boothapp.core.i18n import Language, current, gettext, using

# Notes a booth's staff type on a lead, per language; as many entries in each (the demo's
# random draws stay the same whatever the language), two empty: most leads have no note.
DEMO_NOTES: dict[Language, tuple[str, ...]] = {
    Language.EN: ("", "", "wants a demo", "call after the show", "budget in Q3"),
    Language.TR: ("", "", "demo istiyor", "fuardan sonra aranacak", "bütçe 3. çeyrekte"),
    Language.EL: ("", "", "θέλει επίδειξη", "να τον πάρουμε μετά την έκθεση",
                  "προϋπολογισμός το 3ο τρίμηνο"),
    Language.FA: ("", "", "دمو می‌خواهد", "بعد از نمایشگاه تماس بگیرید", "بودجه در فصل سوم"),
    Language.DE: ("", "", "möchte eine Demo", "nach der Messe anrufen", "Budget im 3. Quartal"),
}  # fmt: skip

# The routing rules' names and the fallback rep, as the demo's manager would write them.
RULE_NAMES: dict[str, dict[Language, str]] = {
    "enterprise": {
        Language.EN: "Enterprise, score 50+",
        Language.TR: "Büyük şirket, puan 50+",
        Language.EL: "Μεγάλη εταιρεία, βαθμός 50+",
        Language.FA: "شرکت بزرگ، امتیاز ۵۰ به بالا",
        Language.DE: "Großkunde, ab 50 Punkten",
    },
    "emea": {
        Language.EN: "EMEA",
        Language.TR: "Avrupa, Orta Doğu, Afrika",
        Language.EL: "Ευρώπη, Μέση Ανατολή, Αφρική",
        Language.FA: "اروپا، خاورمیانه و آفریقا",
        Language.DE: "Europa, Nahost, Afrika",
    },
    "americas": {
        Language.EN: "Americas",
        Language.TR: "Amerika",
        Language.EL: "Αμερική",
        Language.FA: "قاره آمریکا",
        Language.DE: "Amerika",
    },
}
# The fallback rep keeps the core's msgid (core.config.rep_names): each reader sees "Booth
# manager" in their own language, whichever language the demo was built in.
BOOTH_MANAGER: dict[Language, str] = dict.fromkeys(Language, DEFAULT_REP_NAME)


@dataclass(frozen=True, slots=True)
class DemoPlace:
    """The demo event's name, hall and stand as its organiser would print them."""

    name: str
    venue: str
    booth: str
    roster: str  # the roster import's source name


DEMO_PLACES: dict[Language, DemoPlace] = {
    Language.EN: DemoPlace("Demo Expo", "Istanbul Expo Center", "Hall 3, B12", "demo roster"),
    Language.TR: DemoPlace("Deneme Fuarı", "İstanbul Fuar Merkezi", "Salon 3, B12",
                           "deneme katılımcı listesi"),
    Language.EL: DemoPlace("Δοκιμαστική Έκθεση", "Εκθεσιακό Κέντρο Κωνσταντινούπολης",
                           "Αίθουσα 3, B12", "δοκιμαστική λίστα επισκεπτών"),
    Language.FA: DemoPlace("نمایشگاه نمونه", "مرکز نمایشگاهی استانبول", "سالن ۳، B12",
                           "فهرست نمونهٔ شرکت‌کنندگان"),
    Language.DE: DemoPlace("Demo-Messe", "Messezentrum Istanbul", "Halle 3, B12",
                           "Demo-Teilnehmerliste"),
}  # fmt: skip


def demo_place(language: Language | None = None) -> DemoPlace:
    return DEMO_PLACES[language or demo_language()]


def event_names() -> dict[str, str]:
    """The demo show's name in each language, for ``followups.event_name``: a lead's mail
    names it in the lead's language whichever language the demo was built in (issue 21)."""
    return {lang.value: place.name for lang, place in DEMO_PLACES.items()}


def is_demo_event(name: str) -> bool:
    """The demo event, whichever language it was built in."""
    return any(place.name == name for place in DEMO_PLACES.values())


def demo_language() -> Language:
    return current()


def demo_notes(language: Language) -> tuple[str, ...]:
    return DEMO_NOTES[language]


def rule_name(rule_id: str, language: Language) -> str:
    return RULE_NAMES[rule_id][language]


def _translations(label: str) -> Translations:
    """The label in every other language, from the core catalogue the app ships."""
    pairs = []
    for lang in Language:
        if lang is Language.EN:
            continue
        with using(lang):
            pairs.append((lang.value, gettext(label)))
    return tuple(pairs)


def with_translations(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    """The questions with their per-question and per-option translations written out."""
    return tuple(
        replace(
            q,
            translations=q.translations or _translations(q.label),
            options=tuple(
                o if o.translations else Option(o.id, o.label, _translations(o.label))
                for o in q.options
            ),
        )
        for q in questions
    )


def named_rules(rules: tuple[RouteRule, ...], language: Language) -> tuple[RouteRule, ...]:
    return tuple(
        replace(r, description=rule_name(r.id, language)) if r.id in RULE_NAMES else r
        for r in rules
    )
