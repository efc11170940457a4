"""Text-only badges: read the printed name and company, find the attendee in the roster.

A badge without a barcode still carries the visitor's name and company. The card reader's
OCR reads the photo; every roster row is compared on folded text (accents, Greek
transliterated, Persian digits: Çelik = Celik, Γιώργος = Giorgos) and the best attendee is
offered when the match is strong (issue 20).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from boothapp.capture.ocr.card_reader import read_text
from boothapp.capture.ocr.types import OcrLine, TextReader
from boothapp.capture.types import Frame
from boothapp.core.models import Attendee
from boothapp.core.textfold import fold

STRONG = 0.85  # offer the attendee at or above this score
_MARGIN = 0.08  # ... and only when the runner-up is clearly behind


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


def match_badge_photo(image: Frame, reader: TextReader, roster: Iterable[Attendee]) -> BadgeMatch:
    """Read a text-only badge photo and match it against ``roster`` (off the GUI thread)."""
    page = read_text(image, reader)
    return match_badge_lines(page.lines, roster)
