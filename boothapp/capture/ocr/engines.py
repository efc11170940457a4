"""Which OCR engine reads cards: Tesseract (picked by bench/cards.py), RapidOCR as fallback."""

from __future__ import annotations

from boothapp.capture.ocr.types import OcrUnavailable, TextReader

ENGINES = ("tesseract", "rapidocr")


def make_reader(name: str = "auto") -> TextReader:
    """The named engine, or with "auto" the first one installed. Raises OcrUnavailable."""
    names = ENGINES if name == "auto" else (name,)
    reasons: list[str] = []
    for engine in names:
        try:
            if engine == "tesseract":
                from boothapp.capture.ocr.tesseract import TesseractReader

                return TesseractReader()
            if engine == "rapidocr":
                from boothapp.capture.ocr.rapid import RapidReader

                return RapidReader()
        except OcrUnavailable as exc:
            reasons.append(str(exc))
            continue
        raise OcrUnavailable(f"unknown OCR engine {engine!r} (choose from {', '.join(ENGINES)})")
    raise OcrUnavailable("no OCR engine: " + "; ".join(reasons))
