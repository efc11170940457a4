"""Settling a card's e-mail and web address with the rest of the card as evidence (issue 20).

A card prints the same domain two or three times (e-mail, web address, often the company
name) and the person's name beside an e-mail whose local part spells it. OCR gets each copy
wrong in its own way ("cop, tr" for ".com.tr", "Srescentlabs" for "crescentlabs", "rahim@"
for "ibrahim@", "ibecker" for "lbecker"), rarely the same way twice, so the copies are
compared and the one the others back is kept. Pure functions over strings, no OCR here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from boothapp.capture.ocr.card_words import FREE_MAIL
from boothapp.core.textfold import fold_compact

# Endings of a host as printed on cards, longest first; a label OCR bent into one of them
# ("cop", "corn", "c0m") is put back.
SUFFIXES: tuple[str, ...] = (
    "com.tr", "org.tr", "net.tr", "gen.tr", "co.uk", "org.uk", "ac.uk", "com.gr", "co.ir",
    "ac.ir", "org.ir", "com.au", "co.at", "com", "net", "org", "io", "de", "at", "ch", "gr",
    "ir", "tr", "uk", "eu", "us", "info", "biz",
)  # fmt: skip
_LABEL_FIXES = {"cop": "com", "corn": "com", "c0m": "com", "con": "com", "cor": "com",
                "co m": "com", "orq": "org", "0rg": "org", "nel": "net"}  # fmt: skip
# Letters OCR swaps for one another on small print; compared as one class.
_CONFUSED = str.maketrans({"l": "i", "1": "i", "j": "i", "0": "o", "c": "o", "5": "s"})


def squeeze_host(text: str) -> str:
    """A host printed or read with spaces and commas ("karadeniz com tr", "x cop, tr")."""
    t = text.strip().lower().replace(",", ".").replace("‚", ".")
    t = re.sub(r"\s*\.\s*", ".", t)
    # "www marmaralojistik.com tr": the dot after www read as a space (issue 20)
    t = re.sub(r"^((?:https?://)?www)\s+(?=\w)", r"\1.", t)
    for wrong, right in _LABEL_FIXES.items():
        t = re.sub(rf"(?<=[\w.\s]){re.escape(wrong)}(?=$|[.\s/])", right, t)
    # "name com tr" -> "name.com.tr": a space before a known ending is a dot
    for suffix in SUFFIXES:
        spaced = suffix.replace(".", r"[.\s]+")
        t = re.sub(rf"\s+({spaced})$", lambda m: "." + m.group(1).replace(" ", "."), t)
    t = re.sub(r"\s+", "", t)
    # "torosenerji.comtr": the dot inside a two-label ending lost
    for suffix in SUFFIXES:
        if "." in suffix and t.endswith("." + suffix.replace(".", "")):
            t = t[: -len(suffix) + 1] + suffix
            break
    # "karadenizotomasyoncom.tr": a label glued to its ending
    for suffix in SUFFIXES:
        first = suffix.split(".")[0]
        if "." in suffix and t.endswith(first + "." + suffix.split(".", 1)[1]):
            head = t[: -len(suffix)]
            if head and not head.endswith("."):
                t = head + "." + suffix
            break
    return t


def _confusable(a: str, b: str) -> bool:
    return a.translate(_CONFUSED).replace("rn", "m") == b.translate(_CONFUSED).replace("rn", "m")


def _one_letter_off(a: str, b: str) -> bool:
    """Same length, one letter different: a long name read with one letter bent the same
    way in every small copy ("olomasyon" for "otomasyon") while the large company line spells
    it right."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def distance(a: str, b: str) -> int:
    """Levenshtein distance (short strings only: hosts and local parts)."""
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _stem(host: str) -> str:
    """The registrable name of a host: "crescentlabs" of "www.crescentlabs.com"."""
    h = host.removeprefix("www.")
    for suffix in SUFFIXES:
        if h.endswith("." + suffix):
            return h[: -len(suffix) - 1].rsplit(".", 1)[-1]
    return h.split(".")[0]


def _has_suffix(host: str) -> bool:
    return any(host.endswith("." + s) for s in SUFFIXES)


def settle_domain(candidates: Iterable[tuple[str, float]], company: str = "") -> str:
    """The card's domain from its printed copies (host, line confidence), company as a tiebreak.

    Copies that agree win; of copies one or two letters apart, the one the company name spells,
    else the one with a known ending, else the surer line."""
    copies = [(squeeze_host(h).removeprefix("www."), c) for h, c in candidates if h]
    copies = [(h, c) for h, c in copies if "." in h]
    if not copies:
        return ""
    firm = fold_compact(company)

    def score(item: tuple[str, float]) -> float:
        host, conf = item
        stem = _stem(host)
        backers = sum(1 for other, _ in copies if other == host)
        s = 1.0 * backers + conf
        if firm and stem in firm:
            s += 1.5
        elif firm and stem and firm.startswith(stem[:6]):
            # only the start spelled: less than the whole (e-mail "karadenizolomasyon", web
            # "karadenizotomasyon", company "Karadeniz Otomasyon": the web address wins)
            s += 1.0
        if _has_suffix(host):
            s += 0.5
        return s

    host = max(copies, key=score)[0]
    stem = _stem(host)
    if firm and len(stem) >= 5 and stem not in firm:
        # every copy bent the same way ("oakfieldiogistics"): the company line spells it
        for i in range(len(firm) - len(stem) + 1):
            window = firm[i : i + len(stem)]
            if _confusable(window, stem) or (len(stem) >= 8 and _one_letter_off(window, stem)):
                return host.replace(stem, window, 1)
    return host


def local_part_patterns(name: str) -> list[str]:
    """How companies spell a name before the @: first.last, flast, first, f.last, last..."""
    words = [w for w in name.split() if any(c.isalpha() for c in w)]
    if not words:
        return []
    spellings = [[fold_compact(w) for w in words]]
    umlauts = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
    german = [fold_compact(w.translate(umlauts)) for w in words]
    if german != spellings[0]:
        spellings.append(german)
    out: list[str] = []
    for parts in spellings:
        first, last = parts[0], parts[-1]
        out += [first, last, first + last, f"{first}.{last}", f"{first}_{last}",
                f"{first}-{last}", first[:1] + last, f"{first[:1]}.{last}", last + first[:1],
                f"{last}.{first}"]  # fmt: skip
    return [p for p in dict.fromkeys(out) if len(p) >= 2]


def settle_local_part(local: str, name: str) -> str:
    """The e-mail's local part put right by the printed name when OCR bent it a little.

    Kept as read unless a spelling of the name differs from it only by letters OCR confuses,
    one letter at its start ("staylor" / "gtaylor"), a lost beginning ("rahim" / "ibrahim"),
    or one letter lost or added inside a long first.last.
    """
    if not local or not name:
        return local
    low = local.lower()
    patterns = local_part_patterns(name)
    if low in patterns:
        return low
    for p in patterns:
        if len(p) < 4:
            continue
        if _confusable(low, p):
            return p
        if len(low) == len(p) and len(p) >= 5 and low[1:] == p[1:]:
            return p  # the first letter (an initial) misread
        if len(low) >= 4 and p.endswith(low) and len(p) - len(low) <= 2:
            return p  # the first letters lost at the line's start
        if len(p) >= 9 and "." in p and abs(len(p) - len(low)) == 1 and distance(low, p) == 1:
            # one letter lost or doubled inside first.last ("dimitris.georgou"): a name
            # that long, spelled out in full on the card, is the better evidence
            return p
    return low


def settle_email(email: str, domain: str, name: str) -> str:
    """The e-mail with its domain settled and its local part checked against the name."""
    if "@" not in email:
        return email
    local, host = email.split("@", 1)
    host = squeeze_host(host)
    if domain and host != domain and host not in FREE_MAIL and distance(host, domain) <= 2:
        host = domain
    return f"{settle_local_part(local, name)}@{host}"


__all__ = [
    "SUFFIXES",
    "distance",
    "local_part_patterns",
    "settle_domain",
    "settle_email",
    "settle_local_part",
    "squeeze_host",
]
