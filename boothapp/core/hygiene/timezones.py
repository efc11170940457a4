"""Time zone of a contact from its country, or its city where the country spans several."""

from __future__ import annotations

from boothapp.core.hygiene.countries import _fold, zones_by_country

# Countries with several zones where one is where nearly everybody lives; the big multi-zone
# countries (US, CA, BR, AU, RU, MX, ID, ...) need the city instead.
_MAIN_ZONE = {
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "CN": "Asia/Shanghai",
    "AR": "America/Argentina/Buenos_Aires",
    "NZ": "Pacific/Auckland",
    "CL": "America/Santiago",
    "EC": "America/Guayaquil",
    "UA": "Europe/Kyiv",
    "MY": "Asia/Kuala_Lumpur",
    "CY": "Asia/Nicosia",
    "UZ": "Asia/Tashkent",
    "MN": "Asia/Ulaanbaatar",
    "PS": "Asia/Gaza",
    "CD": "Africa/Kinshasa",
    "PG": "Pacific/Port_Moresby",
}

# Big cities whose zone is not named after them (folded names).
_CITY_ZONES_TEXT = """
US America/Los_Angeles: san francisco, seattle, las vegas, san diego, portland, san jose, sacramento
US America/Chicago: dallas, houston, austin, san antonio, minneapolis, st louis, saint louis,
    new orleans, kansas city, nashville, milwaukee
US America/New_York: boston, washington, atlanta, miami, philadelphia, orlando, charlotte,
    pittsburgh, baltimore, cleveland, columbus, tampa
US America/Denver: salt lake city, albuquerque, el paso
CA America/Toronto: montreal, ottawa, quebec, quebec city
CA America/Edmonton: calgary
CA America/Vancouver: victoria
BR America/Sao_Paulo: rio de janeiro, brasilia, curitiba, porto alegre
AU Australia/Sydney: canberra
AU Australia/Brisbane: gold coast
RU Europe/Moscow: saint petersburg, st petersburg
MX America/Mexico_City: guadalajara, monterrey, puebla
ID Asia/Makassar: bali, denpasar
ID Asia/Jakarta: surabaya
"""


def _city_zones(text: str) -> dict[str, dict[str, str]]:
    """Parse the table above: "CC Zone: city, city" with indented continuation lines."""
    table: dict[str, dict[str, str]] = {}
    country = zone = ""
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            head, line = line.split(":", 1)
            country, zone = head.split()
        for city in line.split(","):
            if city.strip():
                table.setdefault(country, {})[city.strip()] = zone
    return table


# Big cities whose zone is not named after them (folded names), for multi-zone countries.
_CITY_ZONES = _city_zones(_CITY_ZONES_TEXT)


def timezone_for(country: str, city: str = "") -> str | None:
    """The IANA zone for an alpha-2 country and optional city; None when it cannot be told."""
    zones = zones_by_country().get(country.upper(), ())
    if not zones:
        return None
    if len(zones) == 1:
        return zones[0]
    folded = _fold(city)
    if folded:
        table = _CITY_ZONES.get(country.upper(), {})
        if folded in table:
            return table[folded]
        for zone in zones:
            if _fold(zone.rsplit("/", 1)[-1].replace("_", " ")) == folded:
                return zone
    return _MAIN_ZONE.get(country.upper())
