"""Text-only badges: read the printed name and company, find the attendee in the roster.

A badge without a barcode still carries the visitor's name and company. The card reader's
OCR reads the photo; every roster row is compared on folded text (accents, Greek
transliterated, Persian digits: Çelik = Celik, Γιώργος = Giorgos) and the best attendee is
offered when the match is strong (issue 20).
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boothapp.core.models import Attendee
from boothapp.core.textfold import fold
from boothapp.store.mappers import attendee_from_row
from boothapp.store.tables import AttendeeRow

if TYPE_CHECKING:
    from boothapp.capture.ocr.types import OcrLine, TextReader
    from boothapp.capture.types import Frame

STRONG = 0.85  # offer the attendee at or above this score
_MARGIN = 0.08  # ... and only when the runner-up is clearly behind
_CANDIDATES = 200  # roster rows sharing most name words with the badge, scored in full


@dataclass(frozen=True, slots=True)
class BadgeMatch:
    attendee: Attendee | None  # offered when the match is strong, else None
    score: float
    candidates: tuple[tuple[Attendee, float], ...]  # best first, for "did you mean"
    lines: tuple[str, ...]  # what the badge said


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def _line_score(lines: Sequence[str], wanted: str) -> float:
    """How well the best line (or two adjacent lines: first / last name) spells ``wanted``."""
    if not wanted:
        return 0.0
    target = fold(wanted)
    best = 0.0
    for i, line in enumerate(lines):
        best = max(best, _similar(line, target))
        if i + 1 < len(lines):
            best = max(best, _similar(f"{line} {lines[i + 1]}", target))
    return best


def match_badge_lines(lines: Iterable[OcrLine | str], roster: Iterable[Attendee]) -> BadgeMatch:
    """Score every attendee by name (70 %) and company (30 %) against the badge's lines."""
    texts = tuple(ln if isinstance(ln, str) else ln.text for ln in lines)
    folded = [fold(t) for t in texts if fold(t)]
    scored: list[tuple[Attendee, float]] = []
    for attendee in roster:
        c = attendee.contact
        name = _line_score(folded, c.full_name)
        if name < 0.5:
            continue
        company = _line_score(folded, c.company) if c.company else name
        scored.append((attendee, round(0.7 * name + 0.3 * company, 3)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    top = scored[:5]
    offered = None
    if top and top[0][1] >= STRONG and (len(top) == 1 or top[0][1] - top[1][1] >= _MARGIN):
        offered = top[0][0]
    return BadgeMatch(offered, top[0][1] if top else 0.0, tuple(top), texts)


@functools.lru_cache(maxsize=50_000)  # at most ~20 MB (measured: 42 MB per 100,000 names)
def _name_words(name: str) -> frozenset[str]:
    """A roster name's folded words; kept, as the roster is compared with every badge."""
    return frozenset(fold(name).split())


def roster_match(s: Session, event_id: str, lines: Sequence[str], email: str = "") -> BadgeMatch:
    """The attendee a photographed card or text-only badge names, from the event's roster.

    A card with an e-mail is its owner's when the roster has that address. Otherwise only
    the rows whose folded surname or first name is a word on the badge are scored (a roster
    of 50,000 is not compared line by line with every badge).
    """
    if email:
        row = s.scalars(
            select(AttendeeRow)
            .where(AttendeeRow.event_id == event_id, func.lower(AttendeeRow.email) == email.lower())
            .limit(1)
        ).first()
        if row is not None:
            attendee = attendee_from_row(row)
            return BadgeMatch(attendee, 1.0, ((attendee, 1.0),), tuple(lines))
    words = {w for line in lines for w in fold(line).split() if len(w) > 1}
    if not words:
        return BadgeMatch(None, 0.0, (), tuple(lines))
    # Core rows, not ORM ones: a 50,000-row roster is fetched in a third of the time
    names = s.connection().execute(
        select(AttendeeRow.id, AttendeeRow.first_name, AttendeeRow.last_name).where(
            AttendeeRow.event_id == event_id
        )
    )
    # surname words count double: "Zeynep" alone is thousands of rows of a big roster
    hits = [
        (2 * len(words & _name_words(last)) + len(words & _name_words(first)), row_id)
        for row_id, first, last in names
        if words & _name_words(last) or words & _name_words(first)
    ]
    ids = [row_id for _hit, row_id in heapq.nlargest(_CANDIDATES, hits)]
    rows = s.scalars(select(AttendeeRow).where(AttendeeRow.id.in_(ids))).all() if ids else []
    return match_badge_lines(lines, [attendee_from_row(r) for r in rows])


def match_badge_photo(image: Frame, reader: TextReader, roster: Iterable[Attendee]) -> BadgeMatch:
    """Read a text-only badge photo and match it against ``roster`` (off the GUI thread)."""
    # The OCR (OpenCV, NumPy) loads here: the lead door imports this module for
    # ``roster_match``, and every command paid ~0.2 s for an OCR it never ran (issue 23).
    from boothapp.capture.ocr.card_reader import read_text

    page = read_text(image, reader)
    return match_badge_lines(page.lines, roster)
