"""Public holiday names in the reader's language (issue 21).

The plan's reasons store a skipped holiday by its English name ("Fri 25 Dec is Christmas Day",
``core.followups.timing``); the queue shows it as the reader's language names it. The
``holidays`` package names each country's days in that country's languages, so Greek names
come from Greece and Cyprus, Turkish from Turkey, Persian from Iran and Afghanistan, German
from Germany, Austria, Switzerland, ... Days those countries do not keep (Christmas for a
Persian reader) come from the core catalogue; any other keeps its English name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

import holidays as holidays_lib

from boothapp.core.i18n import N_, Language, translations

# Days many countries keep that the reader's own countries may not: worded in the catalogue.
COMMON: tuple[str, ...] = (
    N_("New Year's Day"),
    N_("Good Friday"),
    N_("Easter Monday"),
    N_("Labor Day"),
    N_("Ascension Day"),
    N_("Pentecost Monday"),
    N_("Christmas Day"),
    N_("Second Day of Christmas"),
    N_("Boxing Day"),
    N_("Thanksgiving Day"),
)

# Where a language's holiday names are read first (its own country's wording wins).
_HOME = {"el": "GR", "tr": "TR", "fa": "IR", "de": "DE"}
# Names that are a different day in each country: translated only on the very same date.
_NATIONAL = frozenset(
    {"Independence Day", "National Day", "Republic Day", "Constitution Day", "Liberation Day",
     "Victory Day", "Unity Day", "Day of German Unity"}
)  # fmt: skip


@lru_cache(maxsize=8)
def _names_in(language: str, around: int) -> dict[tuple[str, int, int] | str, str]:
    """(English name, month, day) and English name -> the name in ``language``, from every
    country the ``holidays`` package names in that language (Greece and Cyprus for Greek, Iran
    and Afghanistan for Persian, ...), for the years around ``around``."""
    out: dict[tuple[str, int, int] | str, str] = {}
    years = range(around - 1, around + 2)
    home = _HOME.get(language, "")
    countries = sorted(holidays_lib.list_localized_countries().items(),
                       key=lambda kv: (kv[0] != home, kv[0]))  # fmt: skip
    for code, languages in countries:
        own = next((x for x in languages if x == language or x.startswith(language + "_")), None)
        if own is None or len(code) != 2 or "en_US" not in languages:
            continue
        english = holidays_lib.country_holidays(code, years=years, language="en_US")
        local = holidays_lib.country_holidays(code, years=years, language=own)
        for day, name in english.items():
            mine = str(local.get(day) or "")
            if not mine or name.count(";") != mine.count(";"):
                continue
            for en, loc in zip(name.split("; "), mine.split("; "), strict=True):
                out.setdefault((en, day.month, day.day), loc)
                if en not in _NATIONAL:
                    out.setdefault(en, loc)
    return out


def holiday_name_in(english: str, language: str, day: date | None = None) -> str:
    """A public holiday's English name (as the plan's reasons store it) as ``language`` names
    it where the ``holidays`` package knows that wording; else the English name. ``day`` tells
    one country's "Independence Day" from another's."""
    if language == "en":
        return english
    names = _names_in(language, (day or datetime.now(UTC).date()).year)
    if day is not None and (english, day.month, day.day) in names:
        return names[(english, day.month, day.day)]
    found = names.get(english)
    if found is not None:
        return found
    if english in COMMON:
        return translations(Language(language)).gettext(english)
    return english
