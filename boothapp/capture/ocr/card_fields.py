"""From a card's OCR lines to a Contact, with a confidence for every field (issue 20).

Rules, strongest first: the e-mail, website and phone lines are recognised by their shape;
the company by a legal form (GmbH, A.Ş., Α.Ε., شرکت ...) or by matching the e-mail's domain;
the title by title words of the card's languages; the name is the largest remaining line,
helped by the e-mail's local part (``j.mueller@`` names Jürgen Müller) and by its place near
the top. Persian and Arabic-Indic digits are read as 0-9 first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields

import phonenumbers

from boothapp.capture.badges.names import split_full_name
from boothapp.capture.ocr.card_evidence import (
    local_part_patterns,
    settle_domain,
    settle_email,
    squeeze_host,
)
from boothapp.capture.ocr.card_words import (
    ADDRESS_WORDS,
    CITIES,
    COMPANY_FORMS,
    FAX,
    FREE_MAIL,
    LABEL,
    TITLE_WORDS,
    TLD_COUNTRY,
)
from boothapp.capture.ocr.types import Box, OcrLine
from boothapp.core.hygiene.countries import normalise_country
from boothapp.core.models import Contact
from boothapp.core.textfold import ascii_digits, fold, fold_compact, strip_accents

# What a card can fill: the Contact's own fields, plus the printed address line.
CONTACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Contact))
ADDRESS = "address"
LOW_CONFIDENCE = 0.6
_UMLAUT_COUNTRIES = frozenset({"DE", "AT", "CH", "LI", "LU"})
_UMLAUTS = str.maketrans("âôûÂÔÛ", "äöüÄÖÜ")
# Regions tried for a national number when neither the card nor the event names a country:
# North American numbers are the most common ones printed without a country code.
_LAST_RESORT = ("US",)  # below this the form marks the field for the rep to check

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DOMAIN = re.compile(
    r"(?i)(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?"
)
_LETTERS = re.compile(r"[^\W\d_]")
_FORM_PATTERNS = tuple(
    (form, re.compile(r"(?<![\w.])" + re.escape(form).replace(r"\ ", r"\s*") + r"(?![\w])",
                      re.IGNORECASE if form.isascii() else 0))
    for form in COMPANY_FORMS
)  # fmt: skip
# folded (accents off, Greek in Latin letters, final sigma as sigma) so OCR'd words meet them
_TITLE_WORDS = tuple(
    sorted({fold(w) for ws in TITLE_WORDS.values() for w in ws}, key=len, reverse=True)
)


@dataclass(frozen=True, slots=True)
class CardFields:
    """What the card says: the Contact, the printed address and how sure each field is."""

    contact: Contact
    address: str = ""
    confidence: dict[str, float] | None = None

    def confidence_of(self, name: str) -> float:
        return (self.confidence or {}).get(name, 0.0)


@dataclass(slots=True)
class _Line:
    text: str
    conf: float
    size: float
    top: float  # 0 (top of card) .. 1
    rtl_digits: bool = False  # printed in Persian digits: groups may come right-to-left
    used: bool = False


def extract_fields(
    lines: Sequence[OcrLine], *, regions: Sequence[str] = (), card_height: float = 0.0
) -> CardFields:
    """The fields of one card. ``regions``: the event's country first, for phone numbers."""
    height = card_height or max((ln.box.y + ln.box.h for ln in lines), default=1)
    lines = _join_split_lines(lines)
    work = [
        _Line(
            _clean(ln.text),
            ln.confidence,
            ln.size or ln.box.h,
            ln.box.y / max(height, 1.0),
            ascii_digits(ln.text) != ln.text,
        )
        for ln in lines
        # an e-mail's shape is evidence enough: kept even when read unsure
        if (ln.confidence >= 0.3 or "@" in ln.text) and _clean(ln.text)
    ]
    unsure = [
        _Line(
            _clean(ln.text), ln.confidence, ln.size or ln.box.h, ln.box.y / max(height, 1.0), False
        )
        for ln in lines
        if ln.confidence < 0.3 and "@" not in ln.text and _clean(ln.text)
    ]
    values: dict[str, str] = {}
    conf: dict[str, float] = {}

    email = _take_email(work)
    if email:
        values["email"], conf["email"] = email
    website = _take_website(work, values.get("email", ""))
    if website:
        values["website"], conf["website"] = website
    _settle_domain(values, conf, work)
    country = _country_hint(values.get("email", ""), values.get("website", ""))
    address = _take_address(work)
    if address:
        values[ADDRESS], conf[ADDRESS] = address
        from_address = _country_of_address(address[0])
        if from_address:
            country, conf["country"] = from_address, address[1]
    # the card's own country first, then the event's; a national number needs one of them
    last_resort = () if country or regions else _LAST_RESORT
    # no country printed: the card's script names one (Greek print, Persian letters)
    by_script = "" if country else _script_country(" ".join(ln.text for ln in work))
    phone = _take_phone(work, [c for c in (country, by_script, *regions, *last_resort) if c])
    if phone:
        values["phone"], conf["phone"], phone_country = phone
        country = country or phone_country
    if country:
        values["country"] = country
        conf.setdefault("country", 0.7)
    domain = values.get("email", "@").split("@")[1] or _host(values.get("website", ""))
    company = _take_company(work, domain)
    if company:
        values["company"], conf["company"] = company
    title = _take_title(work)
    if title:
        values["title"], conf["title"] = title
    name = _take_name(work, values.get("email", ""))
    if name:
        full, conf["first_name"] = name
        conf["last_name"] = conf["first_name"]
        values["first_name"], values["last_name"] = split_full_name(full)
    if "email" not in values and domain:
        # "narges@alb«", "mmohammadi@ariatechir": the host cut or its dots lost;
        # "gtaylor crescentlabs.com": the @ not read
        lost = (
            _email_cut(work, domain)
            or _email_without_at(work, domain, name[0] if name else "")
            # the @ read as a space drops the line's confidence to nothing ("cagla
            # karadenizotomasyon.com.tr", 0.01): the card's own domain is the evidence
            or _email_without_at(unsure, domain, name[0] if name else "")
        )
        if lost:
            values["email"], conf["email"] = lost
    if "email" in values:
        values["email"] = settle_email(values["email"], "", name[0] if name else "")
    if "website" not in values and domain and domain not in FREE_MAIL:
        values["website"], conf["website"] = f"www.{domain}", 0.5  # from the e-mail alone
    if values.get("country") == "TR" and "company" in values:
        # Turkish company forms read by a Latin model without the cedilla
        values["company"] = _TR_FORMS.sub(lambda m: _TR_FIX[m.group(0)], values["company"])
    if values.get("country") == "IR":
        # Persian print read with Arabic letter forms (ي ك for ی ک): the card is Persian
        for key in ("first_name", "last_name", "title", "company", ADDRESS):
            if key in values:
                values[key] = _HAMZA_YA.sub("ی", values[key].translate(_PERSIAN_FORMS))
    if values.get("country") in _UMLAUT_COUNTRIES:
        # German print read by the Turkish model: ä ö ü come out as â ô û, rare in German
        for key in ("first_name", "last_name", "title", "company", ADDRESS):
            if key in values:
                values[key] = values[key].translate(_UMLAUTS)
    contact = Contact(**{k: v for k, v in values.items() if k in CONTACT_FIELDS})
    return CardFields(contact, values.get(ADDRESS, ""), {k: round(v, 3) for k, v in conf.items()})


_PERSIAN_FORMS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
# A word-final ی read as ئی (Tesseract 5.3's Persian model, "حسینئی" for "حسینی"): after a
# consonant it is no Persian spelling; after a vowel letter it is ("رضائی"), so that stays
_HAMZA_YA = re.compile(r"(?<=[\u0628-\u0646\u067e\u0686\u0698\u06a9\u06af])ئی(?!\w)")
_TR_FIX = {"A.S.": "A.Ş.", "Sti.": "Şti.", "STi.": "ŞTİ.", "STI.": "ŞTİ."}
_TR_FORMS = re.compile(r"(?<!\w)(?:A\.S\.|Sti\.|STi\.|STI\.)")


_GREEK_LETTERS = re.compile(r"[\u0370-\u03ff]")
_PERSIAN_LETTERS = re.compile(r"[پچژگکی]")


def _script_country(text: str) -> str:
    """The country a card's script implies for its national numbers ("" for Latin print)."""
    if len(_GREEK_LETTERS.findall(text)) >= 5:
        return "GR"
    if len(_PERSIAN_LETTERS.findall(text)) >= 2:
        return "IR"
    return ""


def _email_cut(work: list[_Line], domain: str) -> tuple[str, float] | None:
    """An e-mail whose host OCR cut short or read without its dots, on the card's domain."""
    flat = re.sub(r"[^a-z0-9]", "", domain.lower())
    for ln in work:
        if ln.used or "@" not in ln.text:
            continue
        before, _, host = _strip_label(ln.text).partition("@")
        words = before.split()
        local = re.sub(r"[^A-Za-z0-9._%+-]", "", words[-1]).strip(".") if words else ""
        squeezed = re.sub(r"[^a-z0-9]", "", host.lower())
        if local and (squeezed == flat or (len(squeezed) >= 3 and flat.startswith(squeezed))):
            ln.used = True
            return f"{local.lower()}@{domain}", ln.conf * 0.7
    return None


def _email_without_at(work: list[_Line], domain: str, name: str = "") -> tuple[str, float] | None:
    """An e-mail whose @ OCR lost: a word glued or spaced before the card's domain."""
    # the @ as a space, ©, ® or a letter of its shape: a capital G
    # ("giorgos.dimitriouGaigaiosoft.gr"), a small g or a ("emre.ozturkgmarmaralojistik")
    pattern = re.compile(
        r"(?i)(?:^|\s)([a-z0-9][a-z0-9._-]*?)([\s@©®&]|(?-i:[Gga])"
        # or as a bracket and a mark ("james.evans(önorthwind.com")
        r"|[^\w\s.-][^\s.]?)?"
        # the domain's dots may be read as spaces too ("narges.jafariGariatech ir")
        + r"[.\s]?".join(re.escape(part) for part in domain.split("."))
        + r"\b"
    )
    spellings = local_part_patterns(name) if name else []
    for ln in work:
        m = pattern.search(_strip_label(ln.text))
        if m is None:
            continue
        local = m.group(1).lower().rstrip(".")
        if m.group(2) and m.group(2) in "Gga":
            # the letter may be the local part's own with the @ lost outright: the name
            # decides when it spells one of the two ("sara" of "saramarmara...")
            whole = (local + m.group(2)).lower()
            if whole in spellings and local not in spellings:
                local = whole
        if local not in ("www", "http", "https", ""):
            ln.used = True
            return f"{local}@{domain}", ln.conf * 0.7
    return None


def _settle_domain(values: dict[str, str], conf: dict[str, float], work: list[_Line]) -> None:
    """The e-mail's and the web address's hosts agreed on, the card's other lines as evidence."""
    email, website = values.get("email", ""), values.get("website", "")
    copies = []
    if "@" in email:
        copies.append((email.split("@", 1)[1], conf.get("email", 0.5)))
    if website:
        copies.append((_host(website), conf.get("website", 0.5)))
    if not copies:
        return
    others = " ".join(ln.text for ln in work if not ln.used)
    domain = settle_domain(copies, others)
    if not domain or (domain in FREE_MAIL and "@" in email):
        return
    if email:
        values["email"] = settle_email(email, domain, "")
    if website and _host(website) != domain:
        host = _host(website)
        if len(copies) > 1 or host.replace(" ", "") != domain:
            values["website"] = website.replace(host, domain, 1) if host in website else domain


# Polytonic marks Tesseract's Greek model sometimes puts on modern (monotonic) print
_POLYTONIC = str.maketrans("", "", "\u0313\u0314\u0342\u0345")


def _join_split_lines(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Put back a line the layout analysis cut in two ("... GmbH & Co." + "KG" on one row)."""
    out: list[OcrLine] = []
    for ln in sorted(lines, key=lambda ln: ln.box.x):
        for i, other in enumerate(out):
            top = max(other.box.y, ln.box.y)
            bottom = min(other.box.y + other.box.h, ln.box.y + ln.box.h)
            gap = ln.box.x - (other.box.x + other.box.w)
            same_row = bottom - top > 0.6 * min(other.box.h, ln.box.h)
            if same_row and 0 <= gap < 2.5 * max(other.box.h, ln.box.h) and len(ln.text) <= 6:
                width = ln.box.x + ln.box.w - other.box.x
                y = min(other.box.y, ln.box.y)
                box = Box(other.box.x, y, width, max(other.box.h, ln.box.h))
                conf = min(other.confidence, ln.confidence)
                out[i] = OcrLine(f"{other.text} {ln.text}", box, conf, other.size)
                break
        else:
            out.append(ln)
    return sorted(out, key=lambda ln: (ln.box.y, ln.box.x))


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFD", ascii_digits(text)).translate(_POLYTONIC)
    t = unicodedata.normalize("NFC", t.replace("\u0300", "\u0301"))
    t = t.replace("©", "@").replace("®", "@").replace("|", " ").replace("‏", "").replace("‎", "")
    return " ".join(t.split()).strip(" -–—•·")


def _strip_label(text: str) -> str:
    return LABEL.sub("", text, count=1)


_AMPERSAT = re.compile(r"(?<=[A-Za-z0-9._-])&(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


_DOUBLED_CAPITAL = re.compile(r"(?<=[._-])([A-Z])(?=([a-z]))")


def _undouble_capital(local: str) -> str:
    """A lower-case local part with one letter read twice, as a capital and as itself
    ("ali.Jjafari"): Tesseract's Persian-and-Latin pass sees the j's hook as a J. The capital
    goes; nothing is added. Only after a dot, dash or underscore and as the one capital: a
    printed "Aaron.smith" or "JJones" is left as it is."""
    m = _DOUBLED_CAPITAL.search(local)
    if m is None or m.group(1).lower() != m.group(2) or sum(c.isupper() for c in local) != 1:
        return local
    return local[: m.start()] + local[m.end() :]


def _take_email(work: list[_Line]) -> tuple[str, float] | None:
    for ln in work:
        # the @ read as "&" ("oliver.smith&summitdata.co.uk"); "GmbH & Co." has spaces round it
        ln.text = _AMPERSAT.sub("@", ln.text)
        if "@" not in ln.text:
            continue
        text = _strip_label(ln.text).replace("‚", ".").replace(",", ".")
        # marks the Turkish and German models put on Latin letters ("mhösseini", "ır"): the
        # pattern below is ASCII and would otherwise start the address after them
        text = strip_accents(text).replace("ı", "i")
        local, _, host = text.partition("@")
        words = re.sub(r"\s*\.\s*", ".", local).split()
        local = _undouble_capital(words[-1]) if words else ""
        if len(local) <= 2 and len(words) >= 2 and re.fullmatch(r"[a-z0-9._-]{3,}", words[-2]):
            local = words[-2] + local  # a space read inside the local part: "mkarim i@"
        m = _EMAIL.search(f"{local}@{squeeze_host(host)}")
        if m:
            ln.used = True
            return m.group(0).lower().rstrip("."), ln.conf
    return None


def _take_website(work: list[_Line], email: str) -> tuple[str, float] | None:
    best: tuple[int, _Line, str] | None = None
    found: list[tuple[int, _Line, str]] = []
    for ln in work:
        if ln.used or "@" in ln.text:
            continue
        t = _strip_label(ln.text)
        t = re.sub(r"(?i)^(https?)\s*[:;]?\s*/+\s*", r"\1://", t)  # "https //", "https/"
        t = re.sub(r"\s*\.\s*", ".", t)
        m = _DOMAIN.search(squeeze_host(t) if len(t.split()) <= 3 else t)
        if not m:
            continue
        url = m.group(0).rstrip(".,;")
        strength = 2 if re.match(r"(?i)(https?://|www\.)", url) else 1
        if email and _host(url) == email.split("@")[1]:
            strength += 2
        if _letters_ratio(t) < 0.5:
            continue
        bare = len(ln.text.split()) <= 2 and url.rsplit(".", 1)[-1].islower()
        if strength < 2 and not bare:
            continue  # "Co. KG", "Str. 5": a dot between words is not a web address
        found.append((strength, ln, url))
    hosts = {_host(url) for _, _, url in found}
    for strength, ln, url in found:
        host = _host(url)
        if any(host != h and host.endswith(h) and not host.endswith("." + h) for h in hosts):
            continue  # an e-mail whose @ was lost, glued to the card's domain ("ouGaigaio...")
        if best is None or strength > best[0]:
            best = (strength, ln, url)
    if best is None:
        return None
    best[1].used = True
    return best[2], best[1].conf if best[0] >= 2 else best[1].conf * 0.7


def _host(url: str) -> str:
    u = re.sub(r"(?i)^https?://", "", url).split("/")[0].lower()
    return u.removeprefix("www.")


def _country_hint(email: str, website: str) -> str:
    host = email.split("@")[1] if "@" in email else _host(website)
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) != 2:
        return ""
    return TLD_COUNTRY.get(tld, tld.upper())


def _take_phone(work: list[_Line], regions: list[str]) -> tuple[str, float, str] | None:
    for ln in work:
        if ln.used or FAX.match(ln.text) or sum(c.isdigit() for c in ln.text) < 6:
            continue
        text = _strip_label(ln.text).replace("O", "0").replace("o", "0")
        text = re.sub(r"^[^\W\d_]{1,5}[.:]?\s*(?=[+(0-9])", "", text)  # "T030 ..." label glued
        # a number on a right-to-left card can come back with its groups in reverse order
        texts = [text, " ".join(reversed(text.split()))]
        if re.match(r"[43*#]\s?\d", text.lstrip()):
            # the plus read as another mark: "+30 691..." as "430691...", "330 691...",
            # "+49 1512..." as "*49 1512"; the number's validity decides
            texts.append("+" + text.lstrip()[1:])
        if re.match(r"\+\s", text.lstrip()):
            texts.append(text.lstrip()[1:])  # "T+ 201 ...": the plus was the label's
        found: list[tuple[str, float, str]] = []
        for text, region in ((t, r) for t in texts for r in (*dict.fromkeys(regions), None)):
            try:
                matches = list(phonenumbers.PhoneNumberMatcher(text, region or "ZZ"))
            except Exception:  # the library's own parse errors on odd text
                continue
            for match in matches:
                num = match.number
                if phonenumbers.is_valid_number(num):
                    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
                    where = phonenumbers.region_code_for_number(num) or ""
                    sure = ln.conf if text.lstrip().startswith("+") else ln.conf * 0.9
                    found.append((e164, sure, where))
        if found:
            ln.used = True
            # a reading in the card's own (or the event's) country beats a foreign one
            home = [f for f in found if regions and f[2] == regions[0]]
            return (home or found)[0]
    return None


def _take_address(work: list[_Line]) -> tuple[str, float] | None:
    for ln in work:
        if ln.used:
            continue
        low = ln.text.casefold()
        words = [w.strip(",.") for w in low.split()]
        has_word = any(w.startswith(a.rstrip(".")) for w in words for a in ADDRESS_WORDS)
        has_city = any(city in low for city in CITIES)
        has_number = any(c.isdigit() for c in low)
        if (has_word and has_number) or (has_city and ("," in low or has_number)):
            ln.used = True
            return ln.text, ln.conf
    return None


def _country_of_address(address: str) -> str:
    low = address.casefold()
    for city, country in CITIES.items():
        if city in low:
            return country
    last = address.replace("،", ",").split(",")[-1].strip()
    # a country written out; "CA" after a US city is a state, not Canada
    return (normalise_country(last) or "") if len(last) > 3 else ""


def _form_of(text: str) -> str | None:
    for form, pattern in _FORM_PATTERNS:
        if pattern.search(text):
            return form
    return None


def _take_company(work: list[_Line], domain: str) -> tuple[str, float] | None:
    stem = fold_compact(domain.split(".")[0]) if domain else ""
    best: tuple[float, _Line] | None = None
    for ln in work:
        if ln.used or not _LETTERS.search(ln.text):
            continue
        score = 0.0
        if _form_of(ln.text):
            score += 0.6
        folded = fold_compact(_strip_form(ln.text))
        if stem and folded and (folded in stem or stem in folded):
            score += 0.5
        elif stem and folded and _overlap(folded, stem) >= 0.6:
            score += 0.3
        if score > 0 and (best is None or score > best[0]):
            best = (score, ln)
    if best is None:
        return None
    best[1].used = True
    text = re.sub(r"\s[pP]ic\.?$", " plc", best[1].text)  # "plc" read as "pic"
    # a lone small letter, digit or mark before a capitalised name is the card's edge or a
    # speck ("1 Ege Tekstil A.Ş.", "f Crescent Labs LLC"; seeds 9191, 4242)
    text = _EDGE_SPECK.sub("", text)
    return text, min(1.0, best[1].conf * (0.6 + best[0] / 2))


_EDGE_SPECK = re.compile(r"^(?:[^\w\s]|\d|[a-z])\s+(?=[^\W\d_a-z])")


def _strip_form(text: str) -> str:
    for _, pattern in _FORM_PATTERNS:
        text = pattern.sub(" ", text)
    return text


def _overlap(a: str, b: str) -> float:
    """Share of ``b``'s character trigrams found in ``a``: an OCR-tolerant containment."""
    grams = {b[i : i + 3] for i in range(max(1, len(b) - 2))}
    return sum(1 for g in grams if g in a) / max(1, len(grams))


def _is_title(text: str) -> bool:
    words = fold(text).split()
    return any(w.startswith(t) or (len(t) > 4 and t in w) for w in words for t in _TITLE_WORDS)


def _take_title(work: list[_Line]) -> tuple[str, float] | None:
    for ln in work:
        if not ln.used and _is_title(ln.text) and not any(c.isdigit() for c in ln.text):
            ln.used = True
            return re.sub(r"^\W+\s+", "", ln.text), ln.conf  # a stray mark before it
    return None


def _letters_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if c.isalpha()) / max(1, len(chars))


def _take_name(work: list[_Line], email: str) -> tuple[str, float] | None:
    local = fold_compact(email.split("@")[0]) if email else ""
    candidates = [
        ln for ln in work
        if not ln.used and 1 <= len(ln.text.split()) <= 4 and _letters_ratio(ln.text) > 0.85
        and not _form_of(ln.text) and "@" not in ln.text  # (an e-mail taken later, below)
    ]  # fmt: skip
    if not candidates:
        return None
    biggest = max(ln.size for ln in candidates)
    best: tuple[float, _Line] | None = None
    for ln in candidates:
        score = ln.size / max(biggest, 1.0)  # the name is usually the largest print
        score += 0.2 * (1 - ln.top)  # ... and near the top
        parts = [fold_compact(p) for p in ln.text.split()]
        if local and any(len(p) >= 3 and p in local for p in parts):
            score += 0.8  # the e-mail's local part spells part of it
        if len(parts) >= 2:
            score += 0.2
        score += 0.3 * ln.conf
        if best is None or score > best[0]:
            best = (score, ln)
    assert best is not None
    ln = best[1]
    ln.used = True
    words = [w.strip(".,") for w in ln.text.split()]
    # a lone digit or mark beside the name is the card's edge or a speck ("Οικονόμου 1")
    words = [w for w in words if any(c.isalpha() for c in w)] or words
    sure = ln.conf * (1.0 if best[0] >= 1.5 else 0.8)
    return " ".join(words), sure


__all__ = ["ADDRESS", "CONTACT_FIELDS", "LOW_CONFIDENCE", "CardFields", "extract_fields", "fold"]
