"""What an OCR engine returns, and the interface every engine implements."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from boothapp.capture.types import Frame


class Script(enum.StrEnum):
    """The writing system of a card: decides which language models read it."""

    LATIN = "Latin"
    GREEK = "Greek"
    ARABIC = "Arabic"  # Persian is written in the Arabic script
    MIXED = "Mixed"  # not known yet: every installed language at once


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One printed line in reading order; ``size`` is its letter height in pixels."""

    text: str
    box: Box
    confidence: float  # 0..1
    size: float


@dataclass(frozen=True, slots=True)
class OcrPage:
    lines: tuple[OcrLine, ...]
    engine: str
    ms: float


class TextReader(Protocol):
    """Any OCR engine: grey or BGR image in, lines with boxes, sizes and confidences out.

    Called off the GUI thread; one reader is used by one thread at a time.
    """

    name: str
    multilingual: bool  # reads differently per Script (else one model reads them all)

    def read(self, image: Frame, script: Script = Script.LATIN) -> OcrPage: ...

    def read_line(self, image: Frame, script: Script, language: str = "") -> OcrLine | None:
        """One cropped line again, with ``script``'s models only (or the engine's model of
        ``language`` alone when it has one, e.g. Tesseract's "tur"); None if nothing read."""
        ...


class OcrUnavailable(RuntimeError):
    """The engine's library or its language data is not installed."""
