"""One photo in, one card's fields out: locate, flatten, read, extract (issue 20).

Runs off the GUI thread (the scan page's task runner, the CLI, the bench). The first read
uses the Latin-script models only (most cards, and the fastest); a card whose lines come back
unsure is read again with every installed language (Greek, Persian), and a card that is
still unreadable is turned round: it was upside down.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from boothapp.capture.ocr.card_fields import CardFields, extract_fields
from boothapp.capture.ocr.card_locate import (
    LocatedCard,
    NoCardFound,
    deskew,
    locate_card,
    normalise_contrast,
)
from boothapp.capture.ocr.types import OcrPage, Script, TextReader
from boothapp.capture.types import Frame

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


def read_card(
    still: Frame, reader: TextReader, *, regions: Sequence[str] = ()
) -> CardReading:
    """Read the card in ``still``. Raises NoCardFound when there is no card to read."""
    start = time.perf_counter()
    located: LocatedCard = locate_card(still)
    grey = deskew(normalise_contrast(located.image))
    page, card, turned = _best_read(grey, reader)
    if page_quality(page) == 0.0:
        raise NoCardFound("no card found: no printed text could be read")
    fields = extract_fields(page.lines, regions=regions, card_height=card.shape[0])
    ms = (time.perf_counter() - start) * 1000
    return CardReading(fields, card, page, located.corners, turned, ms)


def read_text(image: Frame, reader: TextReader) -> OcrPage:
    """A photo that is not a card (a badge, a sign) read as it is, best language set."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return _best_read(normalise_contrast(grey), reader)[0]


def _best_read(grey: Frame, reader: TextReader) -> tuple[OcrPage, Frame, bool]:
    page = reader.read(grey, Script.LATIN)
    quality = page_quality(page)
    card, turned = grey, False
    if quality < _SURE and reader.multilingual:
        mixed = reader.read(grey, Script.MIXED)
        if page_quality(mixed) > quality:
            page, quality = mixed, page_quality(mixed)
    if quality < _UNREADABLE:
        flipped = np.ascontiguousarray(cv2.rotate(grey, cv2.ROTATE_180))
        other = reader.read(flipped, Script.MIXED if reader.multilingual else Script.LATIN)
        if page_quality(other) > quality:
            page, card, turned = other, flipped, True
    return page, card, turned
