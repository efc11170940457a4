"""Country names to ISO 3166-1 alpha-2, sales regions and IANA zones per country.

pycountry knows the English names and codes; visitors also type local names ("Deutschland"),
short forms ("UK", "USA") and names pycountry renamed ("Turkey"), so a small table covers those.
The zone list comes from the tz database's ``zone.tab`` (shipped by the ``tzdata`` package).
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import pycountry

# Keys are already folded (see _fold); values are alpha-2 codes.
_LOCAL_NAMES = {
    "deutschland": "DE",
    "germany": "DE",
    "allemagne": "DE",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "holland": "NL",
    "the netherlands": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "turkey": "TR",
    "turkiye": "TR",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u s a": "US",
    "us": "US",
    "u s": "US",
    "america": "US",
    "united states of america": "US",
    "polska": "PL",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "belgie": "BE",
    "belgique": "BE",
    "brasil": "BR",
    "mexico": "MX",
    "russia": "RU",
    "rossiya": "RU",
    "россия": "RU",
    "nippon": "JP",
    "nihon": "JP",
    "日本": "JP",
    "中国": "CN",
    "china": "CN",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "cesko": "CZ",
    "czechia": "CZ",
    "czech republic": "CZ",
    "magyarorszag": "HU",
    "hellas": "GR",
    "ελλαδα": "GR",
    "eire": "IE",
    "luxemburg": "LU",
    "uae": "AE",
    "emirates": "AE",
    "vietnam": "VN",
    "iran": "IR",
    "taiwan": "TW",
    "hong kong": "HK",
    "bharat": "IN",
    "zhongguo": "CN",
}

REGIONS = ("EMEA", "AMER", "APAC")
_MIDDLE_EAST_CAUCASUS_AFRICAN_ISLANDS = (
    "AE", "SA", "IL", "QA", "KW", "BH", "OM", "JO", "LB", "IR", "IQ", "SY",
    "YE", "PS", "CY", "GE", "AM", "AZ", "MU", "SC", "MG", "KM", "YT", "RE",
)  # fmt: skip

# Regions by convention where the tz area name says otherwise (Middle East and Caucasus in
# Asia/, Atlantic and Indian Ocean islands).
_REGION_OVERRIDES = {
    **dict.fromkeys(_MIDDLE_EAST_CAUCASUS_AFRICAN_ISLANDS, "EMEA"),
    **dict.fromkeys(("BM", "FK", "GS"), "AMER"),
    **dict.fromkeys(("MV", "CX", "CC", "IO"), "APAC"),
}
_AREA_REGIONS = {
    "America": "AMER",
    "Europe": "EMEA",
    "Africa": "EMEA",
    "Atlantic": "EMEA",
    "Asia": "APAC",
    "Australia": "APAC",
    "Pacific": "APAC",
    "Indian": "APAC",
}


# Both are pure and asked again and again with the same few values (a lead's country three
# times while it is evaluated and planned, first names that many visitors share): kept, so
# a 50,000-lead build does not fold and look up the same words 200,000 times (issue 23).
@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return " ".join(cleaned.split())


@lru_cache(maxsize=4096)
def normalise_country(text: str) -> str | None:
    """The ISO alpha-2 code for a code, an English name or a common local name."""
    raw = text.strip()
    if not raw:
        return None
    folded = _fold(raw)
    if folded in _LOCAL_NAMES:
        return _LOCAL_NAMES[folded]
    if len(raw) in (2, 3) and raw.isalpha():
        code = raw.upper()
        found = (
            pycountry.countries.get(alpha_2=code)
            if len(code) == 2
            else pycountry.countries.get(alpha_3=code)
        )
        if found is not None:
            return str(found.alpha_2)
    try:
        return str(pycountry.countries.lookup(raw).alpha_2)
    except LookupError:
        pass
    return _folded_names().get(folded)


@cache
def _folded_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(_fold(str(value)), str(country.alpha_2))
    return names


def is_country_code(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """Country alpha-2 -> IANA zones, first the one zone.tab lists first (most populous)."""
    zones: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            zones.setdefault(parts[0], []).append(parts[2])
    return {country: tuple(names) for country, names in zones.items()}


def _zone_tab() -> str:
    try:
        return (resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        system = Path("/usr/share/zoneinfo/zone.tab")
        return system.read_text(encoding="utf-8") if system.exists() else ""


def region_of(country: str) -> str | None:
    """EMEA, AMER or APAC for an alpha-2 code; None when unknown (e.g. Antarctica)."""
    if country in _REGION_OVERRIDES:
        return _REGION_OVERRIDES[country]
    zones = zones_by_country().get(country)
    if not zones or zones[0].startswith("Antarctica/"):
        return None
    return _AREA_REGIONS.get(zones[0].split("/", 1)[0])
