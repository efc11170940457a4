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
_CITY_ZONES = {
    "US": {
        **dict.fromkeys(
            [
                "san francisco",
                "seattle",
                "las vegas",
                "san diego",
                "portland",
                "san jose",
                "sacramento",
            ],
            "America/Los_Angeles",
        ),
        **dict.fromkeys(
            [
                "dallas",
                "houston",
                "austin",
                "san antonio",
                "minneapolis",
                "st louis",
                "saint louis",
                "new orleans",
                "kansas city",
                "nashville",
                "milwaukee",
            ],
            "America/Chicago",
        ),
        **dict.fromkeys(
            [
                "boston",
                "washington",
                "atlanta",
                "miami",
                "philadelphia",
                "orlando",
                "charlotte",
                "pittsburgh",
                "baltimore",
                "cleveland",
                "columbus",
                "tampa",
            ],
            "America/New_York",
        ),
        **dict.fromkeys(["salt lake city", "albuquerque", "el paso"], "America/Denver"),
    },
    "CA": {
        **dict.fromkeys(["montreal", "ottawa", "quebec", "quebec city"], "America/Toronto"),
        "calgary": "America/Edmonton",
        "victoria": "America/Vancouver",
    },
    "BR": dict.fromkeys(
        ["rio de janeiro", "brasilia", "curitiba", "porto alegre"], "America/Sao_Paulo"
    ),
    "AU": {"canberra": "Australia/Sydney", "gold coast": "Australia/Brisbane"},
    "RU": {"saint petersburg": "Europe/Moscow", "st petersburg": "Europe/Moscow"},
    "MX": dict.fromkeys(["guadalajara", "monterrey", "puebla"], "America/Mexico_City"),
    "ID": {"bali": "Asia/Makassar", "denpasar": "Asia/Makassar", "surabaya": "Asia/Jakarta"},
}


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
