"""One photo in, one card's fields out: locate, flatten, read, extract (issue 20).

Runs off the GUI thread (the scan page's task runner, the CLI, the bench). The first read
uses the Latin-script models only (most cards, and the fastest); a card whose lines come back
unsure is read again with every installed language (Greek, Persian), and a card that is
still unreadable is turned round: it was upside down.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import phonenumbers

from boothapp.capture.badges.names import split_full_name
from boothapp.capture.ocr.card_evidence import distance
from boothapp.capture.ocr.card_fields import CardFields, extract_fields
from boothapp.capture.ocr.card_locate import (
    LocatedCard,
    NoCardFound,
    deskew,
    locate_card,
    normalise_contrast,
)
from boothapp.capture.ocr.persian_digits import read_persian_digits
from boothapp.capture.ocr.types import Box, OcrLine, OcrPage, Script, TextReader
from boothapp.capture.types import Frame
from boothapp.core.textfold import ascii_digits, fold, fold_compact

_SURE = 0.86  # a page read at least this well is not read again with other languages
_UNREADABLE = 0.55  # below this (after all languages) try the card the other way up


@dataclass(frozen=True, slots=True)
class CardReading:
    fields: CardFields
    card: Frame  # the flattened card as read (grey), what the rep sees beside the form
    page: OcrPage
    corners: tuple[tuple[float, float], ...]
    turned: bool  # the card was upside down in the photo
    ms: float


def page_quality(page: OcrPage) -> float:
    """Confidence of the page's lettered lines, weighted by length; 0 for an empty page."""
    lines = [ln for ln in page.lines if any(c.isalpha() for c in ln.text)]
    total = sum(len(ln.text) for ln in lines)
    if total < 8:
        return 0.0
    return sum(ln.confidence * len(ln.text) for ln in lines) / total


def read_card(still: Frame, reader: TextReader, *, regions: Sequence[str] = ()) -> CardReading:
    """Read the card in ``still``. Raises NoCardFound when there is no card to read."""
    start = time.perf_counter()
    located: LocatedCard = locate_card(still)
    grey = deskew(normalise_contrast(located.image))
    page, card, turned = _best_read(grey, reader)
    page = _reread_lines(page, card, reader)
    page = _fill_bands(page, card, reader)
    page = _persian_numbers(page, card)
    if page_quality(page) == 0.0:
        raise NoCardFound("no card found: no printed text could be read")
    fields = extract_fields(page.lines, regions=regions, card_height=card.shape[0])
    fields = _name_marks(fields, page, card, reader)
    fields = _email_dots(fields, page, card, reader)
    ms = (time.perf_counter() - start) * 1000
    return CardReading(fields, card, page, located.corners, turned, ms)


# Countries whose names carry marks the mixed Latin models drop on large print ("Gülsen
# Celik", "Jurgen"), and the one model that keeps them
_MARKED_NAMES = {"TR": "tur", "DE": "deu", "AT": "deu", "CH": "deu"}
# sizes an e-mail line is read at again when its local part may have lost a dot
_DOT_SCALES = (1.5, 2.5, 3.0)


def _line_crop(card: Frame, box: Box) -> Frame:
    """A line's box on the card with a third of its height round it."""
    h, w = card.shape[:2]
    pad = max(4, box.h // 3)
    x0, y0 = max(0, box.x - pad), max(0, box.y - pad)
    x1, y1 = min(w, box.x + box.w + pad), min(h, box.y + box.h + pad)
    return np.ascontiguousarray(card[y0:y1, x0:x1])


def _email_dots(fields: CardFields, page: OcrPage, card: Frame, reader: TextReader) -> CardFields:
    """An e-mail whose local part is the printed first and last name run together, read again
    at other sizes: Tesseract loses the small dot between them at one size and not at another
    ("olivertaylor@" 0.91 at 1x, "oliver.taylor@" 0.90 at 1.5x; seeds 9191, 6161). It does
    not put a dot between exactly those two words that is not printed, so a reading with one
    is kept (issue 20)."""
    contact = fields.contact
    local, _, host = contact.email.partition("@")
    words = [fold_compact(w) for w in f"{contact.first_name} {contact.last_name}".split()]
    if not host or len(words) < 2 or not words[0] or local != words[0] + words[-1]:
        return fields
    line = next((ln for ln in page.lines if local in ln.text.lower()), None)
    if line is None:
        return fields
    crop = _line_crop(card, line.box)
    spaced = re.compile(rf"{re.escape(words[0])}([._-]){re.escape(words[-1])}@")
    for scale in _DOT_SCALES:
        bigger = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        again = reader.read_line(bigger, Script.LATIN)  # type: ignore[arg-type]
        found = spaced.search(again.text.lower()) if again is not None else None
        if found:
            email = f"{words[0]}{found.group(1)}{words[-1]}@{host}"
            return dataclasses.replace(fields, contact=dataclasses.replace(contact, email=email))
    return fields


def _name_marks(fields: CardFields, page: OcrPage, card: Frame, reader: TextReader) -> CardFields:
    """The name's line read again with the card country's model alone; its reading is kept
    when it spells the same letters (marks aside), so only ş, ç, ü, İ, ı can change, or
    when it spells a capital the mixed models put inside a word as a marked letter ("WeiR"
    for Weiß, seeds 2323 and 1313)."""
    contact = fields.contact
    language = _MARKED_NAMES.get(contact.country, "")
    full = f"{contact.first_name} {contact.last_name}".strip()
    if not language or not reader.multilingual or not full:
        return fields
    folded = fold(full)
    line = next((ln for ln in page.lines if fold(ln.text) == folded), None)
    if line is None:
        return fields
    h, w = card.shape[:2]
    pad = max(4, line.box.h // 4)
    crop = card[max(0, line.box.y - pad) : min(h, line.box.y + line.box.h + pad),
                max(0, line.box.x - pad) : min(w, line.box.x + line.box.w + pad)]  # fmt: skip
    if line.box.h > 36:  # large print reads better near body-text size (see _read_small)
        scale = 32 / line.box.h
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)  # type: ignore[assignment]
    again = reader.read_line(np.ascontiguousarray(crop), Script.LATIN, language)
    if again is None or not (fold(again.text) == folded or _mark_misread(full, again.text)):
        return fields
    name = " ".join(again.text.split())
    if name == full or _marks(name) < _marks(full):
        return fields  # (a "René" the German model reads "Rene" keeps its mark)
    first, last = split_full_name(name)
    return dataclasses.replace(
        fields, contact=dataclasses.replace(contact, first_name=first, last_name=last)
    )


def _mark_misread(first: str, again: str) -> bool:
    """Whether the mixed models read a marked letter as a capital inside a word ("WeiR",
    "WeiB" for Weiß) that the country's model spells otherwise, the rest alike."""
    a, b = first.split(), again.split()
    if len(a) != len(b):
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if fold(x) != fold(y)]
    return (
        len(changed) == 1
        and any(c.isupper() for c in changed[0][0][1:])
        and (distance(fold(changed[0][0]), fold(changed[0][1])) <= 2)
    )


def _marks(text: str) -> int:
    return sum(not c.isascii() for c in text)


def read_text(image: Frame, reader: TextReader) -> OcrPage:
    """A photo that is not a card (a badge, a sign) read as it is, best language set."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return _best_read(normalise_contrast(grey), reader)[0]  # type: ignore[arg-type]


_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_WEB_MARK = re.compile(r"(?i)@|www|http|\.(?:com|ir|gr|de|tr)\b")
_WEB_SHAPE = re.compile(r"(?i)@|www|https?:|[a-z0-9]\.(?:[a-z]{2,3})\b")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NATIVE_DIGIT = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


def script_of(text: str) -> Script:
    greek, arabic = len(_GREEK.findall(text)), len(_ARABIC.findall(text))
    if greek > arabic and greek > 0:
        return Script.GREEK
    if arabic > 0:
        return Script.ARABIC
    return Script.LATIN


def letters_script(page: OcrPage) -> Script:
    """The script of a card's letters. Digits do not count: the mixed pass reads a card's
    border or a speck as a Persian digit ("030 101541 ۱" on a German card), which made a
    Latin card Persian and its phone line keep the mark (issue 20)."""
    return script_of(_NATIVE_DIGIT.sub("", " ".join(ln.text for ln in page.lines)))


def _reread_lines(page: OcrPage, card: Frame, reader: TextReader) -> OcrPage:
    """Lines worth a second look, read again alone; the surer reading is kept.

    - e-mail, web and phone lines read unsure: small print, so at twice the size;
    - on a Greek or Persian card, the other lines with that language alone: the
      multi-language pass mixes look-alike Latin letters into Greek words and reads short
      Persian words as Latin.
    """
    if not reader.multilingual:
        return page
    card_script = letters_script(page)
    lines = []
    for ln in page.lines:
        if card_script is not Script.ARABIC and sum(c in "0123456789" for c in ln.text) >= 6:
            # a native digit beside a Latin-digit number on a Greek or Latin card is a
            # mark read by the Persian model ("21 2344 9409 ۱")
            ln = OcrLine(_NATIVE_DIGIT.sub("", ln.text).strip(), ln.box, ln.confidence, ln.size)
        # (the @ read as © or ®, as the field rules take it: "ali.mousavi©alborzenergyir")
        low = ln.text.lower().replace("©", "@").replace("®", "@")
        web = "@" in low or "www" in low or "http" in low or "mail" in low
        digits = sum(c.isdigit() for c in ln.text)
        numeric = digits >= 3 and digits >= sum(c.isalpha() for c in ln.text)
        script: Script | None = None
        if web or numeric:
            # numbers always: a digit group cut off still reads with a high confidence
            if numeric or ln.confidence < 0.93:
                # a phone number: Persian digits by the Persian model, else the Latin one
                persian = ascii_digits(ln.text) != ln.text
                # (a Greek card's number read as Persian digits by the mixed pass: Latin)
                persian = persian and card_script is Script.ARABIC
                script = Script.ARABIC if persian and not web else Script.LATIN
        elif card_script is not Script.LATIN and not (
            script_of(ln.text) is Script.LATIN and ln.confidence >= 0.9
        ):
            script = card_script
        again = _read_again(card, ln, reader, script, web or numeric) if script else None
        if (
            again is not None
            and again.text
            and _better(again, ln, script, numeric)  # type: ignore[arg-type]
            and not (web and _web_parts(again.text) < _web_parts(ln.text))
        ):
            # (an e-mail or web line read surer but with its dots or @ lost, "https www
            # elltechniki gr": the first reading keeps the address's shape)
            ln = OcrLine(again.text, ln.box, again.confidence, ln.size)
        sparse = 2 * len(ln.text.strip()) * ln.box.h < ln.box.w  # "E 0" across a wide box
        if script is card_script is not Script.LATIN and (ln.confidence < 0.7 or sparse):
            # an unsure line on a Greek or Persian card may be its e-mail or web address,
            # read as Greek ("στ οσα") or Persian letters: the Latin models have a look
            ln = _latin_look(card, ln, page.lines, reader) or ln
        lines.append(ln)
    return OcrPage(tuple(lines), page.engine, page.ms)


def _latin_look(
    card: Frame, ln: OcrLine, others: Sequence[OcrLine], reader: TextReader
) -> OcrLine | None:
    """The Latin reading of a line on a Greek or Persian card when it has an e-mail's or web
    address's shape; None when it has not.

    Tesseract's layout may take a Persian address and the e-mail printed tight below it as one
    two-row line (the address's descenders touch the e-mail's capitals) and read both as
    nonsense: the part of the box below the line above is then read on its own, cut a little
    into the upper line's box (its descenders are thin; the e-mail's ascenders are not).
    """
    readings = [_read_again(card, ln, reader, Script.LATIN, True)]
    bottom = ln.box.y + ln.box.h
    above = [
        o for o in others
        if o is not ln and o.box.y < ln.box.y < o.box.y + o.box.h < bottom
        and min(o.box.x + o.box.w, ln.box.x + ln.box.w) - max(o.box.x, ln.box.x) > 0
    ]  # fmt: skip
    if above:
        upper = max(above, key=lambda o: o.box.y + o.box.h)
        h, w = card.shape[:2]
        pad = max(4, ln.box.h // 4)
        x0, x1 = max(0, ln.box.x - pad), min(w, ln.box.x + ln.box.w + pad)
        for into in (0.2, 0.1):
            top = upper.box.y + upper.box.h - int(into * upper.box.h)
            crop = np.ascontiguousarray(card[top : min(h, bottom + pad), x0:x1])
            if crop.shape[0] < 8:
                continue
            if crop.shape[0] < 60:
                crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # type: ignore[assignment]
            cut = reader.read_line(crop, Script.LATIN)
            if cut is not None:
                readings.append(OcrLine(cut.text, Box(ln.box.x, top, ln.box.w, bottom - top),
                                        cut.confidence, ln.size))  # fmt: skip
    shaped = [
        r for r in readings
        if r is not None and r.confidence >= 0.6 and _WEB_SHAPE.search(r.text)
    ]  # fmt: skip
    if not shaped:
        return None
    best = max(shaped, key=lambda r: (_web_parts(r.text), r.confidence))
    box = best.box if best is not readings[0] else ln.box
    return OcrLine(best.text, box, best.confidence, ln.size)


def ink_bands(card: Frame, min_h: int = 10) -> list[tuple[int, int]]:
    """Rows of print on the flattened card (top, bottom), from the ink's row profile."""
    grey = card if card.ndim == 2 else cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if cv2.countNonZero(ink) > ink.size // 2:
        ink = cv2.bitwise_not(ink)  # a dark card: light print
    h, w = ink.shape[:2]
    margin = max(2, w // 40)  # the card's edge and shadow are not print
    rows = (ink[:, margin : w - margin] > 0).sum(axis=1) > max(3, w // 150)
    bands: list[tuple[int, int]] = []
    top = None
    for y, on in enumerate(rows):
        if on and top is None:
            top = y
        elif not on and top is not None:
            if y - top >= min_h:
                bands.append((top, y))
            top = None
    if top is not None and h - top >= min_h:
        bands.append((top, h))
    return bands


def _fill_bands(page: OcrPage, card: Frame, reader: TextReader) -> OcrPage:
    """Rows of print the page missed, and on a Greek or Persian card rows it read badly, read
    again as whole-width bands with the card's script alone.

    Tesseract's layout analysis drops or cuts right-to-left lines: a Persian name missing,
    a phone number in Persian digits read as its last groups only. A band across the card
    holds the whole line whatever the order of its words. It drops small Latin lines too:
    an English card's web, e-mail and phone lines at the bottom, all three gone (issue 20).
    """
    card_script = letters_script(page)
    if not reader.multilingual:
        return page
    h, w = card.shape[:2]
    edge = max(2, w // 40)
    lines = list(page.lines)
    for top, bottom in ink_bands(card, max(10, h // 40)):
        if bottom - top > h // 4:
            continue  # a logo or a photo, not a line of print
        over = [
            (i, ln) for i, ln in enumerate(lines)
            if min(bottom, ln.box.y + ln.box.h) - max(top, ln.box.y) > 0.5 * (bottom - top)
        ]  # fmt: skip
        if card_script is Script.LATIN and over:
            continue  # a Latin card's lines read by the page are read well (see below)
        if any(_WEB_MARK.search(ln.text) for _, ln in over):
            continue  # an e-mail or web line beside it: the Latin reading stays
        digits = [ln for _, ln in over if sum(c.isdigit() for c in ln.text) >= 3]
        persian = any(ascii_digits(ln.text) != ln.text for ln in digits)
        if digits and not persian:
            continue  # Latin digits: the line's own re-read did better than a band
        if over and all(ln.confidence >= 0.6 for _, ln in over) and not digits:
            continue  # read well already
        pad = max(3, (bottom - top) // 4)
        # inside the card's edge: its border reads as a stray "1" or "|"
        crop = np.ascontiguousarray(card[max(0, top - pad) : min(h, bottom + pad), edge : w - edge])
        again = reader.read_line(crop, card_script)
        if not over and (again is None or again.confidence < 0.6):
            again = _read_small(crop, bottom - top, reader, card_script) or again
        if not over and (again is None or again.confidence < 0.6):
            # the row's own height only, with the print's extent: the pad above takes in
            # the descenders of the line above and below them the next line's ascenders,
            # and the Persian model then reads a bold name as "علی ۰ ت" (0.58), a blurred
            # "emily@northwind.com" comes back as "northmind" (0.53; tight: right, 0.88).
            # Only then: where the padded crop reads, its reading was the surer one.
            tight = _tight_band(card, top, bottom, edge)
            for other in (
                reader.read_line(tight, card_script),
                _read_small(tight, bottom - top, reader, card_script),
            ):
                if other is not None and (again is None or other.confidence > again.confidence):
                    again = other
        if again is None or again.confidence < 0.6 or not again.text.strip():
            continue
        if card_script is Script.LATIN and (
            again.confidence < (0.6 if _WEB_SHAPE.search(again.text) else 0.75)
            or sum(c.isalnum() for c in again.text) < 4
        ):
            continue  # a logo or a rule across a Latin card, not a line the page missed
        box = Box(0, top, w, bottom - top)
        if digits:
            best = max(digits, key=lambda ln: sum(c.isdigit() for c in ln.text))
            gained = sum(c.isdigit() for c in again.text) - sum(c.isdigit() for c in best.text)
            if gained <= 0:
                continue
        replaced = OcrLine(again.text, box, again.confidence, float(bottom - top))
        lines = [ln for i, ln in enumerate(lines) if i not in {j for j, _ in over}]
        lines.append(replaced)
    lines.sort(key=lambda ln: (ln.box.y, ln.box.x))
    return OcrPage(tuple(lines), page.engine, page.ms)


def _tight_band(card: Frame, top: int, bottom: int, edge: int) -> np.ndarray:
    """A row of print cut to its own rows and its ink's extent, on a margin of paper."""
    w = card.shape[1]
    band = card[top:bottom, edge : w - edge]
    cols = np.flatnonzero((band < 128).any(axis=0))
    if cols.size:
        x0, x1 = max(0, int(cols[0]) - 20), min(band.shape[1], int(cols[-1]) + 20)
        band = band[:, x0:x1]
    paper = int(np.percentile(band, 90))
    return cv2.copyMakeBorder(band, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=paper)


def _tight_line(card: Frame, box: Box) -> np.ndarray:
    """A line's own rows (two pixels round its box) on a margin of paper."""
    h, w = card.shape[:2]
    pad = max(4, box.h // 3)
    crop = card[max(0, box.y - 2) : min(h, box.y + box.h + 2),
                max(0, box.x - pad) : min(w, box.x + box.w + pad)]  # fmt: skip
    paper = int(np.percentile(crop, 90))
    return cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=paper)


# (band height in px after scaling, ink thinned by a 3x3 erosion first) tried in turn
_SMALL_READS = ((20, False), (20, True), (24, False), (24, True))


def _read_small(crop: Frame, height: int, reader: TextReader, script: Script) -> OcrLine | None:
    """A row of large bold print (a Persian name) the models gave nothing for, read smaller.

    Tesseract's Persian model returns no words at all for many bold names 50-65 px high on
    the flattened card, and reads most of them at 20-24 px, some only with the strokes
    thinned; the surest reading is kept (measured on the name rows of tuning cards: none
    read at full size, 5 of 6 read by one of these)."""
    if height < 28:
        return None
    grey = np.ascontiguousarray(crop)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    thin = 255 - cv2.erode(ink, np.ones((3, 3), np.uint8))
    best: OcrLine | None = None
    for target, thinned in _SMALL_READS:
        scale = target / height
        image = cv2.resize(thin if thinned else grey, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_AREA)  # fmt: skip
        image = cv2.copyMakeBorder(image, 8, 8, 8, 8, cv2.BORDER_REPLICATE)
        line = reader.read_line(np.ascontiguousarray(image), script)
        if line is None or not line.text.strip():
            continue
        if best is None or line.confidence > best.confidence:
            best = line
        if best.confidence >= 0.85:
            break
    return best


def _persian_numbers(page: OcrPage, card: Frame) -> OcrPage:
    """Lines Tesseract saw Persian digits in, read again digit by digit (persian_digits.py).

    Tesseract's Persian model drops the zero's dot and reads ۴ as ۲; the glyph reading is
    kept when it holds a valid phone number and the model's does not, or when both do and
    the glyph reading has the number's full length (the model's usually lacks digits).
    """
    if letters_script(page) is not Script.ARABIC:
        return page  # a Greek card's number misread as Persian digits: no glyphs to find
    h, w = card.shape[:2]
    edge = max(2, w // 40)
    lines = list(page.lines)
    for i, ln in enumerate(lines):
        # Persian digits read as unsure Latin or as Greek nonsense ("er. YEU) eV)", "ΥΛΙέ ۲"):
        # a number the glyphs may find, kept only when it is a valid one
        seen_as = script_of(_NATIVE_DIGIT.sub("", ln.text))  # ("VOT ۲": Latin letters)
        nonsense = (
            (seen_as is Script.GREEK or (seen_as is Script.LATIN and ln.confidence < 0.6))
            and not _WEB_MARK.search(ln.text)
            and not _WEB_SHAPE.search(ln.text)
        )
        # one native digit is enough: the model may have read most of the number as letters
        # ("۲ بر" for "۰۹۱۲ ۳۴۴ ۸۳۷۸", issue 20); words are left out just below
        if not nonsense and ascii_digits(ln.text) == ln.text:
            continue
        if not nonsense and (sum(c.isalpha() for c in ln.text) > 3 or _WEB_MARK.search(ln.text)):
            continue  # an address with a house number, not a phone line
        pad = max(3, ln.box.h // 3)
        top, bottom = max(0, ln.box.y - pad), min(h, ln.box.y + ln.box.h + pad)
        # across the card: the model's box can hold only the groups it read
        crop = card[top:bottom, edge : w - edge].copy()
        _blank_words(crop, lines, ln, top, edge)
        glyphs = read_persian_digits(crop)
        if (
            glyphs
            and _valid_number(glyphs)
            # digits against digits: the model's spaces are no digits ("۱۷۸۱ ۳۴۱ ۰۳۲" has 10)
            and (
                not _valid_number(ln.text) or len(glyphs.replace(" ", "")) >= _digit_count(ln.text)
            )
        ):
            # groups in reading order: right to left, as the Persian line runs
            text = " ".join(reversed(glyphs.split()))
            lines[i] = OcrLine(text, Box(edge, ln.box.y, w - 2 * edge, ln.box.h), 0.8, ln.size)
    return OcrPage(tuple(lines), page.engine, page.ms)


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _blank_words(crop: np.ndarray, lines: list[OcrLine], own: OcrLine, top: int, left: int) -> None:
    """Paint over the words of other lines that reach into a number's crop (an e-mail line
    just below it), outside the number's own box: their letters are no digits."""
    paper = int(np.percentile(crop, 90))
    for other in lines:
        if other is own or sum(c.isalpha() for c in other.text) < 3:
            continue  # digits beside the number may be its other groups
        y0, y1 = max(0, other.box.y - top), min(crop.shape[0], other.box.y + other.box.h - top)
        x0, x1 = max(0, other.box.x - left), min(crop.shape[1], other.box.x + other.box.w - left)
        if y1 <= y0 or x1 <= x0:
            continue
        mine = own.box.x - left, own.box.x + own.box.w - left
        for a, b in ((x0, min(x1, mine[0])), (max(x0, mine[1]), x1)):
            if b > a:
                crop[y0:y1, a:b] = paper


def _valid_number(text: str) -> bool:
    """Whether ``text`` (or its digit groups the other way round) is a valid Iranian number."""
    digits = ascii_digits(text)
    for candidate in (digits, " ".join(reversed(digits.split()))):
        try:
            number = phonenumbers.parse(candidate, "IR")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _read_again(
    card: Frame, ln: OcrLine, reader: TextReader, script: Script, small_print: bool
) -> OcrLine | None:
    h, w = card.shape[:2]
    crop = _line_crop(card, ln.box)
    again = reader.read_line(crop, script)
    if (again is None or small_print) and crop.shape[0] < 60:
        # small print (addresses, numbers, Persian digits): twice the size reads better
        twice = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        bigger = reader.read_line(twice, script)  # type: ignore[arg-type]
        if again is None or (bigger is not None and bigger.confidence > again.confidence):
            again = bigger
        unsure = again is None or again.confidence < _SURE
        if script is Script.LATIN and _AT_SIGN.search(ln.text) and unsure:
            # an e-mail line still unsure: at three times the size the glyphs of a dot or
            # the @ separate ("oliverjohnson@" 0.78 at 1-2x, "oliver.johnson@" 0.88 at 3x)
            thrice = cv2.resize(crop, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
            third = reader.read_line(thrice, script)  # type: ignore[arg-type]
            if third is not None and (again is None or third.confidence > again.confidence):
                again = third
    if again is None or (small_print and again.confidence < 0.6):
        # the padded crop took in a sliver of the line above or below (a Persian number's
        # feet over the e-mail line): Tesseract 5.5 then returns no words at all, at any size
        # (seed 9191); the line's own rows on a margin of paper read
        own = _tight_line(card, ln.box)
        if own.shape[0] < 60:
            own = cv2.resize(own, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        cut = reader.read_line(np.ascontiguousarray(own), script)
        if cut is not None and (again is None or cut.confidence > again.confidence):
            again = cut
    failed = again is None or (again.confidence < 0.6 and _foreign(ln.text, script))
    if script is Script.ARABIC and not small_print and failed:
        # large bold Persian print (a name) the model could not read alone (nothing, or
        # worse than a reading with Latin letters mixed in): smaller, see
        # _read_small; wider than the box, which may hold only the words first read
        # ("A محمد"), and only a little above and below (the line under a name is close)
        edge, tight, wide = max(2, w // 40), max(3, ln.box.h // 8), 2 * ln.box.h
        rows = slice(max(0, ln.box.y - tight), min(h, ln.box.y + ln.box.h + tight))
        cols = slice(max(edge, ln.box.x - wide), min(w - edge, ln.box.x + ln.box.w + wide))
        small = _read_small(card[rows, cols], ln.box.h, reader, script)
        if small is not None and (again is None or small.confidence > again.confidence):
            again = small
    return again


# the @ as printed or as OCR often reads it
_AT_SIGN = re.compile(r"[@©®]")
_HOST_PART = re.compile(r"[A-Za-z0-9-]\.[A-Za-z0-9]")


def _web_parts(text: str) -> int:
    """How much of an e-mail's or web address's punctuation a reading kept: its @ and the
    dots between letters."""
    return text.count("@") + len(_HOST_PART.findall(text))


def _foreign(text: str, script: Script) -> bool:
    """Whether a word of ``text`` is in another script than ``script`` ("ya" in Persian)."""
    return any(
        (any(c.isalpha() for c in word) and script_of(word) is not script)
        # a Persian digit in a Greek line: a mark the Persian model took ("Τεχνική ۰" for Ο.Ε.)
        or (script is not Script.ARABIC and _NATIVE_DIGIT.search(word) is not None)
        for word in text.split()
    )


def _better(again: OcrLine, first: OcrLine, script: Script, numeric: bool) -> bool:
    """Whether the one-language reading of a line beats the multi-language one."""
    if numeric:
        count = sum(c.isdigit() for c in again.text) - sum(c.isdigit() for c in first.text)
        return count > 0 or (count == 0 and again.confidence > first.confidence)
    pure = script is Script.LATIN or not _foreign(again.text, script)
    mixed = script is not Script.LATIN and _foreign(first.text, script)
    if pure and mixed:  # Latin look-alikes in a Greek or Persian line: trust the one language
        return again.confidence >= first.confidence - 0.2
    return again.confidence > first.confidence


def _surer_lines(latin: OcrPage, mixed: OcrPage) -> OcrPage | None:
    """Line by line, the surer of the two readings, when both passes cut the page into the
    same lines; None when they did not.

    A Persian card with a Latin web address: the Latin pass reads the Persian lines as
    nonsense ("GIsLo ox", 0.29) and the mixed pass reads the address at 0.0, so neither whole
    page was sure enough and the Latin one was kept with the name, title and company lost.
    """
    if len(latin.lines) != len(mixed.lines):
        return None
    text = " ".join(ln.text for ln in mixed.lines)
    other = len(_GREEK.findall(text)) + len(_ARABIC.findall(text))
    foreign_card = other > len(_LATIN_LETTER.findall(text))
    lines = []
    for a, b in zip(latin.lines, mixed.lines, strict=True):
        if _overlap(a.box, b.box) < 0.6:
            return None  # the passes cut the page differently: no line to line match
        # on a card the mixed pass reads mostly as Greek or Persian, a line it read so is
        # one the Latin pass cannot read ("Zopia OlKovöyou" at 0.65, "Σοφία Οικονόμου" 0.38)
        foreign = foreign_card and script_of(b.text) is not Script.LATIN
        lines.append(b if foreign or b.confidence > a.confidence else a)
    return OcrPage(tuple(lines), mixed.engine, latin.ms + mixed.ms)


def _overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    inter = max(0, w) * max(0, h)
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def _best_read(grey: Frame, reader: TextReader) -> tuple[OcrPage, Frame, bool]:
    page = reader.read(grey, Script.LATIN)
    quality = page_quality(page)
    card, turned = grey, False
    if quality < _SURE and reader.multilingual:
        mixed = reader.read(grey, Script.MIXED)
        for candidate in (mixed, _surer_lines(page, mixed)):
            if candidate is not None and page_quality(candidate) > quality:
                page, quality = candidate, page_quality(candidate)
    if quality < _UNREADABLE:
        flipped = np.ascontiguousarray(cv2.rotate(grey, cv2.ROTATE_180))
        other = reader.read(flipped, Script.MIXED if reader.multilingual else Script.LATIN)  # type: ignore[arg-type]
        if page_quality(other) > quality:
            page, card, turned = other, flipped, True  # type: ignore[assignment]
    return page, card, turned
