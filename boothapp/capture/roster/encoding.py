"""Which text encoding a roster CSV was saved in.

Order: a byte-order mark; strict UTF-8; else the legacy code page whose decoding reads most
like real names. Excel on Turkish, Greek, Persian and Russian Windows saves cp1254, cp1253,
cp1256 and cp1251, and those code pages map the same bytes to letters of different scripts,
so "does it decode" says nothing: each decoding is scored word by word for plausible script
use.

Cyrillic (cp1251) was added for issue #18. charset-normalizer was compared on the same samples
(``bench/roster.py --encodings``, issue #18) and is not used: it read cp1253, cp1256, cp1251 and
UTF-16 right but took Turkish cp1254 for cp1257/cp1252 (mojibake names), a one-row Greek roster for
cp1251 and GBK for cp949, while the scoring here gets all of these samples right.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata

from boothapp.capture.roster.errors import RosterError
from boothapp.core.i18n import _

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Western first so identical decodings (plain Western names) stay cp1252.
LEGACY_CODEPAGES = ("cp1252", "cp1254", "cp1253", "cp1256", "cp1251")
_SAMPLE = 256 * 1024
# ASCII control bytes that never occur in text files (tab, LF, FF, CR, EOF marker excluded).
_BINARY_CONTROLS = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1A), *range(0x1B, 0x20)])
_TURKISH = frozenset("ğĞıİşŞ")
# Non-letters that do turn up in names and company names.
_TEXT_SYMBOLS = frozenset(
    "\u2019\u2018\u201c\u201d\u2013\u2014\u00ab\u00bb\u20ac\u00b0\u00b7\u00a0\u2116&\u00ae\u2122\u00a9\u060c\u061b\u200c"
)
_RARE_LATIN = frozenset("ðÐþÞýÝªºµ")  # Icelandic letters: in rosters almost always mojibake
# Only words holding a non-ASCII character can tell code pages apart; score just those.
# Bounded repeats keep findall linear on long ASCII runs.
_NON_ASCII_WORD = re.compile(r'[^\s,;|"\x00-\x1f]{0,40}[^\x00-\x7f][^\s,;|"\x00-\x1f]{0,40}')


def bom_encoding(data: bytes) -> tuple[str, int]:
    """(encoding, BOM length) or ("", 0)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return "", 0


def _script(ch: str) -> str:
    if ch.isascii():
        return "ascii"
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK"):
        return "greek"
    if name.startswith("ARABIC") or "PERSIAN" in name:
        return "arabic"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def _case_jumps(word: list[str]) -> bool:
    """A capital right after a small non-ASCII letter (McDonald-style ASCII is fine)."""
    return any(
        a.islower() and b.isupper() and not (a.isascii() and b.isascii())
        for a, b in itertools.pairwise(word)
    )


def plausibility(text: str) -> float:
    """Higher when the non-ASCII letters form words of one plausible script each."""
    score = 0.0
    word: list[str] = []
    for ch in [*text, " "]:
        if ch.isalpha():
            word.append(ch)
            continue
        if ord(ch) >= 0x80 and ch not in _TEXT_SYMBOLS:
            if unicodedata.category(ch) in ("Cc", "Co", "Cn"):
                score -= 3  # C1 controls and unassigned: certainly the wrong code page
            elif not unicodedata.category(ch).startswith("M"):
                score -= 1  # "±", "¬", soft hyphens: CJK double bytes read as a code page
        if not word:
            continue
        scripts = [_script(c) for c in word]
        non_ascii = [c for c, s in zip(word, scripts, strict=True) if s != "ascii"]
        if non_ascii:
            kinds = {s for s in scripts if s != "ascii"}
            ascii_count = len(word) - len(non_ascii)
            if "ς" in word[:-1]:
                # Greek final sigma inside a word: Cyrillic "т" (0xF2) read through cp1253.
                score -= len(non_ascii)
            elif _case_jumps(word):
                # "θΉΞΑΨ": a capital after a small letter inside a word of a cased script
                # is what double-byte CJK text looks like through a single-byte code page.
                score -= len(non_ascii)
            elif kinds <= {"greek"} or kinds <= {"arabic"} or kinds <= {"cyrillic"}:
                # Greek, Persian and Russian names are written wholly in their script.
                score += len(non_ascii) if ascii_count == 0 else -2 * len(non_ascii)
            elif kinds == {"latin"}:
                if ascii_count == 0 and not (len(word) == 1 and word[0].isupper()):
                    # "Ãéþñãïò" (Greek or Arabic read as Latin); a lone "è" between symbols.
                    # European words carry some ASCII letters; a lone capital is an initial.
                    score -= len(non_ascii)
                else:
                    for c in non_ascii:
                        if c in _TURKISH:
                            score += 1.5
                        elif c in _RARE_LATIN:
                            score -= 1
                        else:
                            score += 1
            else:
                score -= 2 * len(non_ascii)
        word = []
    return score


def detect_and_decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). ``encoding`` forces one; a wrong one is a clear RosterError."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise RosterError(
                _("{file}: unknown text encoding {encoding}").format(
                    file=source, encoding=repr(encoding)
                )
            ) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise RosterError(
                _(
                    "{file}: the file is not in {encoding} (undecodable bytes on line {line}); "
                    "leave the encoding on automatic or save the file as UTF-8"
                ).format(file=source, encoding=encoding, line=line)
            ) from None
    bom, skip = bom_encoding(data)
    if bom:
        try:
            return data[skip:].decode(bom.replace("-sig", "")), bom
        except UnicodeDecodeError as exc:
            raise RosterError(
                _(
                    "{file}: the file starts with a {bom} byte-order mark but is not valid {bom} "
                    "(byte {byte})"
                ).format(file=source, bom=bom, byte=exc.start + skip)
            ) from None
    if b"\x00" in data[:_SAMPLE]:
        utf16 = _bomless_utf16(data)
        if utf16:
            try:
                return data.decode(utf16), utf16
            except UnicodeDecodeError:
                pass
        raise RosterError(_("{file}: this is binary data, not a CSV text file").format(file=source))
    sample = data[:_SAMPLE]
    controls = sum(sample.count(bytes([b])) for b in _BINARY_CONTROLS)
    if controls > max(2, len(sample) // 200):
        raise RosterError(_("{file}: this is binary data, not a CSV text file").format(file=source))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best_name, best_score, best_chars = "", float("-inf"), 0
    for name in LEGACY_CODEPAGES:
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        lines = [ln for ln in text.splitlines() if not ln.isascii()]
        words = " ".join(_NON_ASCII_WORD.findall("\n".join(lines))[:20000])
        score = plausibility(words)
        if score > best_score:
            chars = sum(1 for ch in words if ord(ch) >= 0x80 and ch not in _TEXT_SYMBOLS)
            best_name, best_score, best_chars = name, score, chars
    # Real names score about one point per non-ASCII letter; a quarter of that is noise.
    if best_chars and best_score < 0.25 * best_chars:
        # Every code page reads it as letter salad: random bytes or an unknown encoding.
        raise RosterError(
            _(
                "{file}: cannot tell the text encoding (not UTF-8, UTF-16 or a Windows "
                "code page); save the file as CSV UTF-8"
            ).format(file=source)
        )
    best_name = best_name or "latin-1"  # cp1256 maps every byte; Latin-1 is the backstop
    try:
        return data.decode(best_name), best_name
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _bomless_utf16(data: bytes) -> str:
    """UTF-16 without a BOM shows as NULs in every other byte of ASCII text."""
    sample = data[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd > half * 0.6 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.6 and odd < half * 0.1:
        return "utf-16-be"
    return ""
