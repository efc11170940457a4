"""Alphabetical order as each language's readers expect it (issue 21): a sort key per language.

PyICU has no wheel for this platform on PyPI (only the sdist, which needs the ICU headers to
build), so BoothApp carries a small collation of its own for its five languages, following
the CLDR tailorings where they matter for names at a booth:

- case and accents are secondary: "émile" sorts with "emile", before "zeynep";
- Turkish: ç ğ ı ö ş ü are letters of their own, after c g (ı before i) o s u, and dotted
  İ/i and dotless I/ı lower-case the Turkish way;
- German (DIN 5007-1): ä ö ü sort as a o u, ß as ss;
- Greek: the Greek alphabet, tonos and dialytika secondary, final ς as σ;
- Persian: the Persian alphabet (پ چ ژ گ in their places, which code-point order gets wrong),
  آ as the first letter, before ا (as Persian dictionaries list it), Arabic ي ك ة as ی ک ه,
  ZWNJ ignored.

``sort_key`` returns a string whose plain (binary) order is the language's order: the leads
list sorts on it in SQL through the ``boothapp_sort_key`` function (``store.db``), so SQLite
sorts native strings and calls Python once per row, not once per comparison. Scripts order
Latin, Greek, then Arabic-script; other characters keep code-point order after them.
"""

from __future__ import annotations

import functools
import unicodedata

from boothapp.core.i18n import Language

_LATIN = "abcdefghijklmnopqrstuvwxyz"
_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
_PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_LATIN_BASE, _GREEK_BASE, _PERSIAN_BASE = 0x1000, 0x1100, 0x1200
_TURKISH_AFTER = {"ç": "c", "ğ": "g", "ö": "o", "ş": "s", "ü": "u"}
_PERSIAN_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا",
                               "ٱ": "ا", "ؤ": "و", "ئ": "ی", "\u200c": None})  # fmt: skip


def _slot(base: int, alphabet: str, letter: str, step: int = 1) -> str:
    return chr(base + alphabet.index(letter) * 4 + step)


def _lower(text: str, language: Language) -> str:
    if language is Language.TR:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()  # not casefold(): ß must stay a letter of its own (after "ss")


def _primary(ch: str, language: Language) -> str:
    if language is Language.TR:
        if ch in _TURKISH_AFTER:
            return _slot(_LATIN_BASE, _LATIN, _TURKISH_AFTER[ch], 2)
        if ch == "ı":
            return _slot(_LATIN_BASE, _LATIN, "i", 0)
    if ch == "آ":
        return _slot(_PERSIAN_BASE, _PERSIAN, "ا", 0)
    if ch == "ß":
        return _slot(_LATIN_BASE, _LATIN, "s") * 2
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    base = base.replace("ς", "σ").replace("ı", "i")
    if not base:
        return ""  # a lone combining mark (Arabic harakat): ignored
    out = []
    for b in base:
        if b in _LATIN:
            out.append(_slot(_LATIN_BASE, _LATIN, b))
        elif b in _GREEK:
            out.append(_slot(_GREEK_BASE, _GREEK, b))
        elif b in _PERSIAN:
            out.append(_slot(_PERSIAN_BASE, _PERSIAN, b))
        elif b.isspace():
            out.append(" ")
        else:
            out.append(b)
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def sort_key(text: str, language: Language = Language.EN) -> str:
    """A key whose binary order is ``language``'s alphabetical order: letters first, then
    accents, then case decide."""
    t = " ".join(unicodedata.normalize("NFC", text).translate(_PERSIAN_FOLD).split())
    lower = _lower(t, language)
    primary = "".join(_primary(ch, language) for ch in lower)
    case = "".join("\x03" if c.isupper() else "\x02" for c in t)  # lower case first
    return f"{primary}\x01{_accents(lower)}\x01{case}\x01{t}"


def _accents(text: str) -> str:
    """The secondary level: per letter its accents, "no accent" first (α before ά)."""
    marks = []
    for ch in text:
        if ch == "ß":  # two letters, after "ss" as written out
            marks.append("\x02\x03")
            continue
        parts = unicodedata.normalize("NFD", ch)
        marks.append("".join(c for c in parts if unicodedata.combining(c)) or "\x02")
    return "".join(marks)


@functools.lru_cache(maxsize=65536)
def sort_key_sql(text: object, language: object) -> str:
    """``boothapp_sort_key(text, 'tr')`` for SQLite: NULL sorts as empty text. Cached on the
    raw arguments: SQLite calls it once per row, and booth names repeat."""
    lang = Language.parse(str(language)) or Language.EN
    return sort_key("" if text is None else str(text), lang)
