"""Languages and the message catalogue of the core: CLI output, reports, exports (issue 21).

The Qt UI translates through Qt's own .ts/.qm files (``ui``); everything that runs without Qt
(the CLI, the PDF report and lead sheet, letters, export headers, messages the core and the
services produce) translates through this module, with GNU gettext catalogues:

    boothapp/assets/i18n/core/<lang>/LC_MESSAGES/boothapp.po

``make i18n-core`` extracts the marked strings with Babel's extractor and merges them into the
catalogues. A ``.mo`` beside a ``.po`` is used when it is newer; otherwise the ``.po`` is
compiled on first use (Babel's ``write_mo``), so a checkout needs no build step, and the result
is kept in the user's cache folder for the next run, one file per content of the ``.po``.

Two levels of "current language": ``set_current`` sets the process default (the CLI's
``--lang``), and ``using(lang)`` overrides it for one block on this thread or task only (a PDF
in the event's language while the manager's CLI speaks another).

Marking strings: ``_("...")`` / ``gettext`` translate now; ``N_("...")`` only marks a msgid to
translate later (tables at import time); ``ngettext`` for counts; ``pgettext(ctx, "...")``
when one English word needs two translations. Machine output (JSON, ids, column ids) is never
passed through here.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gettext as _gettext
import hashlib
import io
import logging
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

import platformdirs

from boothapp import APP_NAME

log = logging.getLogger(__name__)
CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "assets" / "i18n" / "core"
DOMAIN = "boothapp"


class Language(enum.StrEnum):
    """The languages BoothApp ships; the value is the ISO 639-1 code (and the CLDR locale)."""

    EN = "en"
    TR = "tr"
    EL = "el"
    FA = "fa"
    DE = "de"

    @property
    def rtl(self) -> bool:
        return self is Language.FA

    @property
    def native_name(self) -> str:
        return _NATIVE_NAMES[self]

    @classmethod
    def parse(cls, value: str | None) -> Language | None:
        """``tr``, ``tr_TR.UTF-8``, ``el-GR``, ``fa_IR@calendar`` -> the language, or None."""
        if not value:
            return None
        code = value.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
        try:
            return cls(code)
        except ValueError:
            return None


_NATIVE_NAMES = {
    Language.EN: "English",
    Language.TR: "Türkçe",
    Language.EL: "Ελληνικά",
    Language.FA: "فارسی",
    Language.DE: "Deutsch",
}

DEFAULT = Language.EN
_default = DEFAULT
_override: ContextVar[Language | None] = ContextVar("boothapp_language", default=None)


def set_current(language: Language | str) -> Language:
    """Set the process-wide language (the CLI's ``--lang``); returns it."""
    global _default
    lang = Language.parse(str(language))
    if lang is None:
        raise ValueError(f"Unknown language {language!r}; choose from {choices()}.")
    _default = lang
    return lang


def current() -> Language:
    override = _override.get()
    return override if override is not None else _default


@contextlib.contextmanager
def using(language: Language | str | None) -> Iterator[Language]:
    """Speak ``language`` inside the block (None: keep the current one)."""
    lang = Language.parse(str(language)) if language else None
    token = _override.set(lang or current())
    try:
        yield current()
    finally:
        _override.reset(token)


def choices() -> str:
    return ", ".join(lang.value for lang in Language)


def from_environment(environ: Mapping[str, str] | None = None) -> Language:
    """``BOOTHAPP_LANG``, then the POSIX locale variables (LC_ALL, LC_MESSAGES, LANG), then en.

    ``LANGUAGE`` (a colon list) is honoured too, first shipped language wins.
    """
    env = os.environ if environ is None else environ
    for name in ("BOOTHAPP_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"):
        for part in env.get(name, "").split(":"):
            lang = Language.parse(part)
            if lang is not None:
                return lang
    return DEFAULT


def catalogue_path(language: Language, suffix: str = ".po") -> Path:
    return CATALOGUE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def translations(language: Language) -> _gettext.NullTranslations:
    """The catalogue of ``language`` (English, the msgid language, needs none)."""
    if language is Language.EN:
        return _gettext.NullTranslations()
    po, mo = catalogue_path(language), catalogue_path(language, ".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if not po.is_file():
        return _gettext.NullTranslations()
    return _compiled_once(po)


def compiled_cache_dir() -> Path:
    """Where compiled catalogues are kept between runs: the user's cache folder."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "i18n"


def _compiled_once(po: Path) -> _gettext.GNUTranslations:
    """The catalogue of ``po``, compiled once per content of the file and then read from the
    user's cache folder: Babel's import and parse took ~0.02-0.03 s per language at every
    start, ~0.1 s of a demo build, whose content is made in every language (issue 23; the
    four read from the cache: 7 ms). A copy that cannot be read (damaged, cut short) is
    compiled again; no cache folder: compiled in memory."""
    source = po.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:32]
    kept = compiled_cache_dir() / f"{po.parent.parent.name}-{digest}.mo"
    try:
        with kept.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    except FileNotFoundError:
        pass
    except Exception as exc:  # unreadable or damaged, whichever way: the .po is the truth
        log.info("compiled catalogue %s not read, compiled again: %s", kept, exc)
    compiled = compile_po(po)
    try:
        kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        partial.write_bytes(compiled.getvalue())
        os.replace(partial, kept)  # whole or not at all, whoever writes it at the same time
    except OSError as exc:
        log.info("compiled catalogue not kept (%s): compiled each run", exc)
    return _gettext.GNUTranslations(compiled)


def compile_po(po: Path) -> io.BytesIO:
    """The ``.mo`` bytes of a ``.po`` file, built in memory with Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return buf


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).pgettext(context, message)


def list_separator(language: Language | str | None = None, *, semicolon: bool = False) -> str:
    """The reader's list punctuation from the catalogue ("، " and "؛ " in Persian): answers,
    audit details, counts and routing reasons all join their lists with it. ``None`` is the
    current language; a language code we do not ship reads as English."""
    if language is None:
        language = current()
    elif not isinstance(language, Language):
        language = Language.parse(language) or Language.EN
    catalogue = translations(language)
    if semicolon:
        return catalogue.pgettext("list separator", "; ")
    return catalogue.pgettext("list separator", ", ")


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; translate it later with ``_``."""
    return message


def label(value: enum.Enum) -> str:
    """What a person reads for an enum value (stage, rating, channel...) in the current
    language. The msgids live in ``core.labels``; an unknown value shows its raw value."""
    from boothapp.core.labels import msgid_of

    msgid = msgid_of(value)
    return gettext(msgid) if msgid is not None else str(value.value)
