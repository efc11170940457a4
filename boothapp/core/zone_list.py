"""The time zones a person picks from, named in their language (issue 21).

The set-up wizard and the routing table listed raw IANA ids ("Asia/Tehran") in every
language. A person picks a place: "تهران (ایران)", "Αθήνα (Ελλάδα)", "İstanbul (Türkiye)".
What is stored stays the IANA id.

Which zones: IANA's own ``zone.tab`` (shipped in the ``tzdata`` package, a dependency), one
line per country and region, so each place is listed once: the old spellings IANA keeps as
links (Africa/Asmera beside Africa/Asmara, Asia/Calcutta, Europe/Kiev, US/Eastern) are not
listed, yet a stored one is still named (``zone_choice``) and accepted. Plus UTC.

Names: the city and the country from CLDR through Babel (``format_zone`` is the one rule for
the city). Babel reads CLDR per lookup: the whole list for Persian costs ~100-180 ms, so it is
built once per language and remembered for the process, and the UI builds it off the GUI
thread (``ui/zone_box.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from zoneinfo import available_timezones

from babel import Locale, dates
from babel.core import get_global

from boothapp.core.i18n import Language
from boothapp.core.i18n_format import format_zone
from boothapp.core.textfold import fold

UTC = "UTC"


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    zone: str  # the IANA id: what is stored
    label: str  # "تهران (ایران)": what the reader sees
    search: str  # folded label, city, country and id: what typing matches against


@lru_cache(maxsize=1)
def listed_zones() -> tuple[tuple[str, str], ...]:
    """(IANA id, ISO country code) of each zone.tab line, in the file's order."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        # No tzdata package (a system build using /usr/share/zoneinfo): every zone but the
        # Etc/ and bare legacy names; the aliases then show, each under its own name.
        return tuple(
            (z, "") for z in sorted(available_timezones()) if "/" in z and not z.startswith("Etc/")
        )
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3:
                rows.append((fields[2], fields[0]))
    return tuple(rows)


def _country_of(zone: str) -> str:
    """The zone's ISO country code: zone.tab's, else CLDR's (a stored alias)."""
    for listed, code in listed_zones():
        if listed == zone:
            return code
    cldr_id = get_global("zone_aliases").get(zone, zone)
    return str(get_global("zone_territories").get(cldr_id, ""))


def _choice(zone: str, country: str, language: Language) -> ZoneChoice:
    locale = Locale.parse(language.value)
    if zone in (UTC, "Etc/UTC", "Etc/GMT", "GMT"):
        long_name = locale.time_zones.get("Etc/UTC", {}).get("long", {}).get("standard", "")
        label = f"{long_name} (UTC)" if long_name else UTC
        return ZoneChoice(zone, label, fold(f"{label} {zone} utc gmt"))
    # format_zone keeps the id in English (pages show it as is); the picker names the city.
    city = _city_in(zone, language) if language is Language.EN else format_zone(zone, language)
    place = locale.territories.get(country, "") if country else ""
    label = f"{city} ({place})" if place and place != city else city
    return ZoneChoice(zone, label, fold(f"{label} {zone}"))


def _city_in(zone: str, language: Language) -> str:
    try:
        return str(
            dates.get_timezone_location(zone, locale=Locale.parse(language.value), return_city=True)
        )
    except (LookupError, ValueError):
        return zone


_lock = threading.Lock()
_built: dict[Language, tuple[ZoneChoice, ...]] = {}


def zone_choices(language: Language) -> tuple[ZoneChoice, ...]:
    """UTC, then every listed zone, in zone.tab's order (the UI sorts by the reader's
    collation). Built once per language for the process (safe from any thread)."""
    with _lock:
        known = _built.get(language)
    if known is not None:
        return known
    built = (
        _choice(UTC, "", language),
        *(_choice(z, code, language) for z, code in listed_zones()),
    )
    with _lock:
        return _built.setdefault(language, built)


def built_zone_choices(language: Language) -> tuple[ZoneChoice, ...] | None:
    """The list if it was built already, without building it (never blocks on Babel)."""
    with _lock:
        return _built.get(language)


@lru_cache(maxsize=256)
def zone_choice(zone: str, language: Language) -> ZoneChoice:
    """One zone as the picker names it, listed or not (a stored alias: "Asia/Calcutta")."""
    listed = built_zone_choices(language)
    for choice in listed or ():
        if choice.zone == zone:
            return choice
    return _choice(zone, _country_of(zone), language)
