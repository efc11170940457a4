"""Dates, times, numbers and money in a language, with CLDR's rules (issue 21).

Why Babel and not QLocale: this module serves the core (the CLI, the PDF report and lead
sheet, letters, export wording), which must run without Qt on a server or from cron and is
checked by import-linter never to import PySide6. Babel carries the same CLDR data QLocale
uses, is already a dependency (the follow-up language chain), and formats without a display
or a QCoreApplication. The Qt UI formats with QLocale for the staff member's language; both
read CLDR, so a date looks the same on screen and in the report.

Persian: CLDR's ``fa`` locale uses the ``arabext`` numbering system (Persian digits ۱۲۳ and the
Persian decimal and group signs), which is what a Persian reader expects in prose and tables.
Babel formats the symbols of that numbering system but leaves the digits Latin, so
``native_digits`` maps them after formatting. Dates stay on the Gregorian calendar (a show's
dates are printed on its badges in Gregorian). Ids, e-mails and phone numbers are never passed
through here and keep Latin digits.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from boothapp.core.i18n import Language, current, list_separator

Number = int | float | Decimal
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def native_digits(text: str, language: Language | None = None) -> str:
    """Latin digits as the language's own (Persian only among ours)."""
    return text.translate(_PERSIAN_DIGITS) if (language or current()) is Language.FA else text


def locale_of(language: Language | None = None) -> Locale:
    return Locale.parse((language or current()).value)


def format_zone(zone: str, language: Language | None = None) -> str:
    """A time zone as the reader names it: its city in their language (CLDR: "استانبول",
    "Κωνσταντινούπολη"), the IANA id in English or when CLDR knows no city (issue 21).
    The one rule for pages, reasons, reports and lead sheets alike."""
    lang = language or current()
    if not zone or lang is Language.EN:
        return zone
    return _zone_city(zone, lang)


@lru_cache(maxsize=1024)
def _zone_city(zone: str, lang: Language) -> str:
    # Remembered: Babel reads CLDR per call, and the follow-up queue names a zone per row.
    try:
        city = babel_dates.get_timezone_location(zone, locale=locale_of(lang), return_city=True)
    except (LookupError, ValueError):
        return zone
    return str(city)


def format_date(value: date, language: Language | None = None, width: str = "medium") -> str:
    """``width``: short, medium, long or full (CLDR)."""
    text = babel_dates.format_date(value, format=width, locale=locale_of(language))
    return native_digits(text, language)


def format_time(
    value: datetime | time,
    language: Language | None = None,
    zone: tzinfo | None = None,
    width: str = "short",
) -> str:
    text = babel_dates.format_time(value, format=width, tzinfo=zone, locale=locale_of(language))
    return native_digits(text, language)


def format_datetime(
    value: datetime,
    language: Language | None = None,
    zone: tzinfo | None = None,
    width: str = "medium",
) -> str:
    text = babel_dates.format_datetime(value, format=width, tzinfo=zone, locale=locale_of(language))
    return native_digits(text, language)


def language_name(code: str, language: Language | None = None) -> str:
    """A language as the reader names it (CLDR): "fa" -> "Persian", "فارسی", "Farsça"."""
    return str(locale_of(language).languages.get(code) or code)


def format_number(value: Number, language: Language | None = None, decimals: int = 0) -> str:
    """Grouped, with ``decimals`` fraction digits (rounded half-even as CLDR does)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = babel_numbers.format_decimal(
        value, format=pattern, locale=locale_of(language), numbering_system="default"
    )
    return native_digits(text, language)


def format_percent(fraction: float, language: Language | None = None, decimals: int = 0) -> str:
    """0.42 -> "42%" (en, el), "42 %" (de), "%42" (tr), "۴۲٪" (fa): CLDR's percent pattern
    for the language, with ``decimals`` fraction digits (issue 21: a hand-made "{0} %" put
    a space into Greek and English percentages)."""
    loc = locale_of(language)
    pattern = loc.percent_formats[None].pattern
    if decimals > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    text = babel_numbers.format_percent(
        fraction, format=pattern, locale=loc, numbering_system="default"
    )
    if (language or current()) is Language.FA:
        text = text.replace("%", "٪")  # with Persian digits, the Arabic percent sign
    return native_digits(text, language)


def format_currency(amount: Number, currency: str, language: Language | None = None) -> str:
    """An amount in ISO 4217 ``currency`` as the language writes money."""
    text = babel_numbers.format_currency(
        amount, currency.upper(), locale=locale_of(language), numbering_system="default"
    )
    return native_digits(text, language)


def format_counts(*parts: tuple[str, int]) -> str:
    """``("{count} lead"/"{count} leads" from ngettext, 3), ...`` -> "3 leads, 1 scan": each
    count in its own plural form and the reader's digits, joined with their list comma."""
    return list_separator().join(line.format(count=format_number(n)) for line, n in parts)
