"""The window's language: Qt translators, reading direction and number/date formats (issue 21).

One catalogue for the desktop and the kiosk: ``boothapp/assets/i18n/boothapp_<lang>.ts``,
kept current by ``pyside6-lupdate`` (``make i18n``) and compiled to ``.qm`` by
``pyside6-lrelease`` (``make i18n-qm``, the wheel and the PyInstaller bundle). A checkout that
has not compiled them yet compiles them here on first use, so ``git clone`` then ``boothapp``
works. Qt's own ``qtbase_<lang>.qm`` translates the standard dialogs' buttons.

``apply_language`` swaps the translators; Qt then sends ``QEvent.LanguageChange`` to every
window, and each page's ``changeEvent`` calls its ``retranslateUi`` (no restart).
"""

from __future__ import annotations

import locale
import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel import dates as babel_dates
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    Qt,
    QTime,
    QTranslator,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from boothapp.core import i18n as core_i18n
from boothapp.core.clock import as_utc, zone_of
from boothapp.core.followups.attempts import Outcome
from boothapp.core.i18n_format import format_percent, format_zone, native_digits
from boothapp.core.models import Channel
from boothapp.resources import asset

log = logging.getLogger(__name__)


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks ``source`` for the catalogue under ``context``; translated where it is shown.
    Typed (PySide6's own returns ``object``); pyside6-lupdate finds it by its name."""
    return source


# The languages the whole app speaks, each named in itself (what the sign-in buttons show).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "tr": "Türkçe",
    "el": "Ελληνικά",
    "fa": "فارسی",
    "de": "Deutsch",
}
RTL = frozenset({"fa"})
DEFAULT = "en"

_current = DEFAULT
_installed: list[QTranslator] = []
_loaded: dict[str, list[QTranslator]] = {}


def catalogue_dir() -> Path:
    return asset("i18n")


def ts_file(lang: str) -> Path:
    return catalogue_dir() / f"boothapp_{lang}.ts"


def current_language() -> str:
    return _current


def direction(lang: str) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if lang in RTL else Qt.LayoutDirection.LeftToRight


def language_of_locale(name: str) -> str:
    """ "tr_TR.UTF-8", "de-AT", "fa_IR" -> a language we speak, else English."""
    code = name.replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def system_language() -> str:
    """The OS's language when we speak it (the app's default before anyone signs in)."""
    names = QLocale.system().uiLanguages() or [QLocale.system().name()]
    for name in names:
        lang = language_of_locale(name)
        if lang != DEFAULT or name.lower().startswith("en"):
            return lang
    return language_of_locale(locale.getlocale()[0] or "")


@lru_cache(maxsize=16)
def locale_for(lang: str) -> QLocale:
    """Dates, times and numbers as a reader of ``lang`` expects them (Persian digits in fa).
    One per language, kept: building a QLocale per formatted value cost 0.1 ms a call."""
    return QLocale(_LOCALE_NAMES.get(lang, lang))


# The CLDR locale behind each UI language: QLocale's and Babel's (for the day formats below).
_LOCALE_NAMES = {"en": "en_GB", "tr": "tr_TR", "el": "el_GR", "fa": "fa_IR", "de": "de_DE"}


def date_edit_format(lang: str | None = None) -> str:
    """A date field's format as the reader writes a date ("3.12.2026", "۲۰۲۶/۱۲/۳"), from
    QLocale, with the year in full (a field that shows "26" invites a wrong century)."""
    fmt = locale_for(lang or _current).dateFormat(QLocale.FormatType.ShortFormat)
    return fmt if "yyyy" in fmt else fmt.replace("yy", "yyyy")


def number(value: float, lang: str | None = None, decimals: int = 0) -> str:
    """A count or an amount in the current language's digits and grouping."""
    loc = locale_for(lang or _current)
    if decimals == 0:
        return loc.toString(round(value))
    return loc.toString(float(value), "f", decimals)


def _lrelease() -> str | None:
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    import PySide6

    for name in ("lrelease", "lrelease.exe"):
        candidate = Path(PySide6.__file__).parent / name
        if candidate.exists():
            return str(candidate)
    return None


def qm_file(lang: str) -> Path | None:
    """The compiled catalogue of ``lang``, compiled now when a checkout has only the .ts."""
    ts = ts_file(lang)
    qm = ts.with_suffix(".qm")
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return qm if qm.exists() else None
    tool = _lrelease()
    if tool is None:
        log.warning("no pyside6-lrelease to compile %s; showing English", ts.name)
        return None
    for target in (qm, Path(tempfile.gettempdir()) / "boothapp-i18n" / qm.name):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [tool, "-silent", str(ts), "-qm", str(target)],
                check=True,
                capture_output=True,
                timeout=60,
            )
            return target
        except (OSError, subprocess.SubprocessError) as exc:
            log.info("could not compile %s into %s: %s", ts.name, target, exc)
    return None


def _translators(lang: str) -> list[QTranslator]:
    if lang in _loaded:
        return _loaded[lang]
    found: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator()
    if lang != DEFAULT and qtbase.load(f"qtbase_{lang}", qt_dir):
        found.append(qtbase)
    path = qm_file(lang)
    ours = QTranslator()
    if path is not None and ours.load(str(path)):
        found.append(ours)
    elif lang != DEFAULT:
        log.warning("no catalogue for %s; showing English", lang)
    _loaded[lang] = found
    return found


class _Recorder(QTranslator):
    """The installed translator: asks the language's catalogues in turn and remembers which
    English source each text on screen came from, so ``retranslate_tree`` can reword fixed
    labels, buttons, titles and headers of a whole window after a switch without each page
    repeating them (formatted, data-bearing texts are reworded by the pages themselves)."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: list[QTranslator] = []
        self.sources: dict[str, tuple[str, str, str | None]] = {}

    def use(self, translators: list[QTranslator]) -> None:
        self._inner = list(translators)

    def isEmpty(self) -> bool:
        return False

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        found = ""
        for translator in self._inner:
            found = translator.translate(context, source, disambiguation, n) or ""
            if found:
                break
        if n < 0 and source:
            if found:
                self.sources[found] = (context, source, disambiguation)
            else:  # PySide's tr() asks the class, then each base: keep the first context
                self.sources.setdefault(source, (context, source, disambiguation))
        return found or None  # None (a null QString) lets Qt fall back to the source text


_RECORDER = _Recorder()


def reworded(text: str) -> str | None:
    """``text`` as shown before a switch, in the language now applied (None: not ours)."""
    origin = _RECORDER.sources.get(text)
    if origin is None:
        return None
    context, source, disambiguation = origin
    return QCoreApplication.translate(context, source, disambiguation)


def retranslate_tree(root: QWidget) -> None:
    """Fixed wording under ``root`` (labels, buttons, group and tab titles, table headers,
    placeholders, tool tips, combo items, actions) in the language just applied."""

    def swap(text: str, setter: Callable[[str], object]) -> None:
        new = reworded(text) if text else None
        if new is not None and new != text:
            setter(new)

    for w in [root, *root.findChildren(QWidget)]:
        swap(w.toolTip(), w.setToolTip)
        if isinstance(w, QLabel | QAbstractButton):
            swap(w.text(), w.setText)
        if isinstance(w, QGroupBox):
            swap(w.title(), w.setTitle)
        if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit):
            swap(w.placeholderText(), w.setPlaceholderText)
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                swap(w.itemText(i), partial(w.setItemText, i))
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                swap(w.tabText(i), partial(w.setTabText, i))
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                if item is not None:
                    swap(item.text(), item.setText)
        for action in w.actions():
            swap(action.text(), action.setText)


def apply_language(lang: str) -> str:
    """Make ``lang`` the window's language; returns the language applied.

    Installs our catalogue and Qt's own for ``lang`` (for English only its plurals: the source is
    English), sets the reading direction for the whole application (Persian right to left) and
    the default locale for number and date formats. Every open window retranslates itself on
    the ``LanguageChange`` event that Qt sends.
    """
    global _current
    lang = lang if lang in LANGUAGES else DEFAULT
    # The core's catalogue (status lines, results, follow-up reasons: issue 21) switches first,
    # so what the pages reword on LanguageChange comes out in the new language too.
    core_i18n.set_current(lang)
    app = QCoreApplication.instance()
    if app is None:
        _current = lang
        return lang
    if lang == _current and _installed:
        return lang  # nothing changes: no LanguageChange for every window to redraw
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    # English too: the source is English, but its plurals ("%Ln lead(s)") come from the catalogue.
    # One translator goes in: it asks ours and Qt's, and notes what it answered (see _Recorder).
    _RECORDER.use(_translators(lang))
    app.installTranslator(_RECORDER)
    _installed.append(_RECORDER)
    _current = lang
    QLocale.setDefault(locale_for(lang))
    if isinstance(app, QApplication):
        app.setLayoutDirection(direction(lang))
        # Open widgets keep the locale they were made with: spin boxes in a Persian window
        # still read "25". Qt hands a top level's locale down to every child without its own.
        for window in app.topLevelWidgets():
            window.setLocale(locale_for(lang))
    return lang


K = TypeVar("K")


class Translated(Mapping[K, str]):
    """A label table declared once with ``QT_TRANSLATE_NOOP(context, "...")`` values (so
    lupdate finds them) that answers in the current language each time it is read."""

    def __init__(self, context: str, labels: Mapping[K, str]) -> None:
        self._context, self._labels = context, dict(labels)

    def __getitem__(self, key: K) -> str:
        return QCoreApplication.translate(self._context, self._labels[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def source(self, key: K) -> str:
        return self._labels[key]


# date_time's texts by (language, minute). A format parsed per call added up to 54 ms GUI
# stalls where a page formats a column of times (the leads list, the queue's slots; issue
# 23); the texts repeat by minute.
_DATE_TIME_TEXTS: dict[tuple[str, int, int, int, int, int], str] = {}
_DATE_TIME_MEMO = 4096


def date_time(moment: datetime, lang: str | None = None) -> str:
    """'Tue 18 Nov, 10:42' (CLDR's pattern for the reader's language) in their digits, in the
    moment's own zone."""
    lang = lang or _current
    key = (lang, moment.year, moment.month, moment.day, moment.hour, moment.minute)
    text = _DATE_TIME_TEXTS.get(key)
    if text is not None:
        return text
    if len(_DATE_TIME_TEXTS) >= _DATE_TIME_MEMO:
        _DATE_TIME_TEXTS.clear()
    name = _LOCALE_NAMES.get(lang, lang)
    joined = _cldr_joined(name)  # "{1}, {0}": date, time
    text = joined.replace("{1}", _cldr_day(moment.date(), name)).replace(
        "{0}", babel_dates.format_skeleton("Hm", moment, locale=name)
    )
    text = _DATE_TIME_TEXTS[key] = _reader_digits(text, lang)
    return text


@lru_cache(maxsize=8)
def _cldr_joined(locale_name: str) -> str:
    return str(Locale.parse(locale_name).datetime_formats["medium"])


@lru_cache(maxsize=1024)  # a page's column repeats a handful of days
def _cldr_day(day: date, locale_name: str) -> str:
    # CLDR's own "weekday, day, short month" for the locale (skeleton MMMEd): "Sa., 5. Dez."
    # in German, "5 Ara Cmt" in Turkish, "Thu 19 Nov" in British English. A hand-made
    # "ddd dd MMM" wrote "Sa. 05 Dez." for a German reader (issue 21).
    return babel_dates.format_skeleton("MMMEd", day, locale=locale_name)


def _reader_digits(text: str, lang: str) -> str:
    # Babel writes CLDR's patterns with Latin digits; QLocale("fa_IR") reads in Persian ones.
    return native_digits(text, core_i18n.Language.FA) if lang == "fa" else text


CHANNEL_NAMES = Translated(
    "FollowUps",
    {
        Channel.EMAIL: QT_TRANSLATE_NOOP("FollowUps", "Email"),
        Channel.CALL: QT_TRANSLATE_NOOP("FollowUps", "Call"),
        Channel.LETTER: QT_TRANSLATE_NOOP("FollowUps", "Letter"),
        Channel.CRM_TASK: QT_TRANSLATE_NOOP("FollowUps", "CRM task"),
    },
)
# The channel inside a sentence ("Next: call Wed 9 Dec"): lower case where the language
# writes it so (German keeps its capital nouns).
CHANNEL_WORDS = Translated(
    "ChannelInSentence",
    {
        Channel.EMAIL: QT_TRANSLATE_NOOP("ChannelInSentence", "email"),
        Channel.CALL: QT_TRANSLATE_NOOP("ChannelInSentence", "call"),
        Channel.LETTER: QT_TRANSLATE_NOOP("ChannelInSentence", "letter"),
        Channel.CRM_TASK: QT_TRANSLATE_NOOP("ChannelInSentence", "CRM task"),
    },
)
OUTCOME_NAMES = Translated(
    "FollowUps",
    {
        Outcome.REACHED: QT_TRANSLATE_NOOP("FollowUps", "Reached"),
        Outcome.VOICEMAIL: QT_TRANSLATE_NOOP("FollowUps", "Voicemail"),
        Outcome.NO_ANSWER: QT_TRANSLATE_NOOP("FollowUps", "No answer"),
        Outcome.NOT_INTERESTED: QT_TRANSLATE_NOOP("FollowUps", "Not interested"),
        Outcome.MEETING_BOOKED: QT_TRANSLATE_NOOP("FollowUps", "Meeting booked"),
        Outcome.WRONG_NUMBER: QT_TRANSLATE_NOOP("FollowUps", "Wrong number"),
    },
)


def outcome_name(outcome: str) -> str:
    """A recorded outcome ("no_answer") as staff read it; an unknown one as written."""
    try:
        return OUTCOME_NAMES[Outcome(outcome)]
    except (ValueError, KeyError):
        return outcome.replace("_", " ")


def day_text(day: date, lang: str | None = None) -> str:
    """'Tue 18 Nov', 'Sa., 5. Dez.': CLDR's short day for the reader's language, in their digits."""
    lang = lang or _current
    return _reader_digits(_cldr_day(day, _LOCALE_NAMES.get(lang, lang)), lang)


def upper(text: str, lang: str | None = None) -> str:
    """Capitals as the language writes them (Turkish "i" -> "İ", not "I")."""
    return locale_for(lang or _current).toUpper(text)


def zone_name(zone: str, lang: str | None = None) -> str:
    """A time zone as the reader names it: its city in their language ("استانبول",
    "Κωνσταντινούπολη", "İstanbul"; CLDR through Babel), the IANA id in English and for a
    zone CLDR has no city for. "Europe/..." was the one English word on Persian pages."""
    return format_zone(zone, core_i18n.Language(lang or _current)) or "UTC"


_ZONE_ID = re.compile(
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|"
    r"Pacific)/[A-Za-z_]+(?:/[A-Za-z_]+)?"
)


def zones_named(text: str) -> str:
    """Every IANA zone id in ``text`` (a stored follow-up reason) by its city's name in the
    reader's language."""
    return _ZONE_ID.sub(lambda m: zone_name(m.group()), text)


def language_name(code: str, lang: str | None = None) -> str:
    """A language code ("de", "pt_BR") as the reader names the language ("آلمانی",
    "Γερμανικά", "German"; CLDR through Babel); an unknown code as it is."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(lang or _current)
    except (UnknownLocaleError, ValueError):
        return code
    return str(name) if name else code


def zone_note(zone: str) -> str:
    """The once-per-page label "times in Europe/Istanbul", in the reader's language."""
    return QCoreApplication.translate("Clock", "times in {0}").format(zone_name(zone))


class ZoneLabel(QLabel):
    """ "times in Europe/Istanbul" that rewords itself when the language changes."""

    def __init__(self, zone: str) -> None:
        super().__init__()
        self._zone = zone
        self.retranslateUi()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.setText(zone_note(self._zone))


def event_time(moment: datetime | None, zone: str) -> str:
    """``moment`` on the event's wall clock in the reader's language ("" when unknown); the
    screen's form of core.clock.event_time."""
    if moment is None:
        return ""
    return date_time(as_utc(moment).astimezone(zone_of(zone)))


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩–", "01234567890123456789-")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def percent(fraction: float, lang: str | None = None) -> str:
    """A share as the reader writes it, CLDR's pattern ("12%", "12 %", "%12", "۱۲٪"): the
    same rule as the report's (core.i18n_format), not a hand-made "{0} %" per string."""
    return format_percent(fraction, core_i18n.Language(lang or _current))


def working_hours(text: str, lang: str | None = None) -> str:
    """A rep's working hours as written in the config ("09:00-17:00") in the reader's time
    format and digits ("۰۹:۰۰–۱۷:۰۰" in Persian, QLocale; issue 21); anything else as written."""
    match = _HOURS.match(text)
    if not match:
        return text
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = QTime(h1, m1), QTime(h2, m2)
    if not (start.isValid() and end.isValid()):
        return text
    loc = locale_for(lang or _current)
    return f"{loc.toString(start, 'HH:mm')}–{loc.toString(end, 'HH:mm')}"


def typed_hours(text: str) -> str:
    """Working hours as typed in any language's digits, back in the config's own form."""
    return text.translate(_TO_LATIN).strip()


def local_digits(text: str, lang: str | None = None) -> str:
    """Figures in the digits the reader expects: Persian ones in Persian, outside any markup
    (colours in tags stay as they are). Only for figures: e-mails, phones and ids keep Latin."""
    if (lang or _current) != "fa":
        return text
    parts = re.split(r"(<[^>]*>)", text)
    return "".join(p if p.startswith("<") else p.translate(_PERSIAN_DIGITS) for p in parts)
