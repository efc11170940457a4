"""RapidOCR (PP-OCRv4 on onnxruntime): the fallback engine when Tesseract is missing.

Uses the ``rapidocr_onnxruntime`` wheel, which ships its three models inside the package
(det, cls, rec), so nothing is downloaded at run time. Its recogniser is the Chinese+English
PP-OCR model: it reads Latin text (without Turkish/German accents) and no Greek or Persian,
which is why the bench picked Tesseract (bench/cards.py).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from boothapp.capture.ocr.types import Box, OcrLine, OcrPage, OcrUnavailable, Script
from boothapp.capture.types import Frame


class RapidReader:
    name = "rapidocr"
    multilingual = False  # one model for every script: reading again changes nothing

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable("rapidocr_onnxruntime is not installed") from exc
        # two threads: the booth laptop's other core keeps the GUI and the camera going
        self._engine: Any = RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)

    def read(self, image: Frame, script: Script = Script.LATIN) -> OcrPage:
        start = time.perf_counter()
        result, _ = self._engine(np.ascontiguousarray(image))
        lines: list[OcrLine] = []
        for quad, text, score in result or ():
            pts = np.asarray(quad, dtype=np.float32)
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            box = Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0))
            lines.append(OcrLine(str(text).strip(), box, float(score), float(y1 - y0)))
        lines.sort(key=lambda ln: (ln.box.y, ln.box.x))
        return OcrPage(tuple(lines), self.name, (time.perf_counter() - start) * 1000)

    def read_line(self, image: Frame, script: Script, language: str = "") -> OcrLine | None:
        return None  # one model for every script: nothing better to offer
