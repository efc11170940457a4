"""Folding text for comparison: accents, scripts and digits that mean the same thing.

"Çelik" and "Celik", "Γιώργος" and "Giorgos", "۰۲۱" and "021" must meet when a card or a
text-only badge is matched against the roster (issue 20). One place for these rules.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII
_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "01234567890123456789",
)
# Letters NFKD does not take apart
_LATIN_EXTRA = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l",
                              "đ": "d", "þ": "th"})  # fmt: skip
# Greek to Latin as Greek cards and rosters spell names (ELOT 743 simplified)
_GREEK_PAIRS = (("ου", "ou"), ("αι", "ai"), ("ει", "ei"), ("οι", "oi"), ("μπ", "b"),
                ("ντ", "nt"), ("γγ", "ng"), ("γκ", "gk"), ("τσ", "ts"), ("τζ", "tz"))  # fmt: skip
_GREEK = str.maketrans({
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
})  # fmt: skip
_NON_WORD = re.compile(r"[^\w]+")


def ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as 0-9; everything else unchanged."""
    return text.translate(_DIGITS)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case Latin letters and digits only: accents dropped, Greek transliterated.

    Arabic-script text keeps its letters (folded to one form of yeh and kaf), so a Persian
    card still matches a Persian roster.
    """
    if text.isascii():
        # Nothing below changes ASCII text but the case and the separators: the leads
        # search index folds four columns of every lead saved (issue 23).
        return " ".join(_NON_WORD.sub(" ", text.lower()).replace("_", " ").split())
    t = ascii_digits(unicodedata.normalize("NFC", text)).casefold()
    t = t.replace("ي", "ی").replace("ك", "ک")  # Arabic vs Persian yeh/kaf
    t = strip_accents(t).translate(_LATIN_EXTRA)
    for greek, latin in _GREEK_PAIRS:
        t = t.replace(greek, latin)
    t = t.translate(_GREEK)
    return " ".join(_NON_WORD.sub(" ", t).replace("_", " ").split())


def fold_compact(text: str) -> str:
    """``fold`` without spaces: "Blue Harbor" and "blueharbor" (a domain) meet."""
    return fold(text).replace(" ", "")


def fold_email(text: str) -> str:
    """An e-mail address as one person's key: the local part case-folded (``ß`` and ``SS``,
    ``İ`` and ``i̇`` meet, which ``lower()`` misses), the domain IDNA-normalised (UTS 46), so
    ``Ayşe@Örnek.com.tr`` and ``ayşe@xn--rnek-4qa.com.tr`` are the same person (issue 18)."""
    import idna  # requests' own dependency; imported here so the core loads without it

    address = unicodedata.normalize("NFC", text.strip())
    local, at, domain = address.rpartition("@")
    if not at:
        return address.casefold()
    domain = domain.rstrip(".")
    # Not a valid domain: compared as typed, folded.
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local.casefold()}@{domain.casefold()}"
