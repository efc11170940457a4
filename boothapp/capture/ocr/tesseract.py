"""Tesseract 5 in process, through tesserocr (the LSTM engine; Debian's language data).

Why tesserocr and not pytesseract or a ``tesseract`` subprocess: the models of five languages
take ~0.3 s to load, which a subprocess pays on every card and tesserocr pays once per
script; recognition releases the GIL, so the GUI thread keeps running while a card is read;
and the result iterator gives each line's box and confidence directly instead of a TSV to
parse. The language data comes from the system packages (tesseract-ocr-eng/tur/deu/ell/fas,
scripts/install-system-deps.sh); nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from boothapp.capture.ocr.types import Box, OcrLine, OcrPage, OcrUnavailable, Script
from boothapp.capture.types import Frame

# Which models read which script. English comes along everywhere: e-mail addresses and
# websites are Latin on every card.
LANGUAGES: dict[Script, str] = {
    Script.LATIN: "tur+deu+eng",  # Turkish first: its model keeps ş, ğ, ı that eng drops
    Script.GREEK: "ell+eng",
    Script.ARABIC: "fas+eng",
    Script.MIXED: "eng+ell+fas+deu+tur",
}
# A line already known to be Greek or Persian is read again with that language alone, so
# no Latin look-alike ("Evépyeta", "ya" for مدیر) wins.
LINE_LANGUAGES: dict[Script, str] = {
    Script.LATIN: "tur+deu+eng",
    Script.GREEK: "ell",
    Script.ARABIC: "fas",
    Script.MIXED: "eng+ell+fas+deu+tur",
}
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "C:/Program Files/Tesseract-OCR/tessdata",
)


def tessdata_dir() -> str:
    """The folder holding the .traineddata files (TESSDATA_PREFIX wins)."""
    env = os.environ.get("TESSDATA_PREFIX", "")
    for d in (env, *_TESSDATA_DIRS):
        if d and (Path(d) / "eng.traineddata").exists():
            return d
    raise OcrUnavailable(
        "Tesseract language data not found: install tesseract-ocr-eng (and -tur, -deu, -ell,"
        " -fas) or set TESSDATA_PREFIX"
    )


_LEPT_NONE = 6  # Leptonica's L_SEVERITY_NONE


@functools.cache
def _quiet_leptonica(module_file: str) -> None:
    """Silence the image library inside tesserocr's wheel: on some cards its layout steps
    print "Error in boxClipToRectangle: box outside rectangle" to the terminal of
    ``boothapp read-card`` (harmless, nothing a user can act on; issue 20). Its switch,
    ``setMsgSeverity``, is reached through ctypes in the copy the wheel bundles; a build
    that links another one is left as it is."""
    bundled = Path(module_file).resolve().parent.parent / "tesserocr.libs"
    for lib in sorted(bundled.glob("*lept*")):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(str(lib)).setMsgSeverity(_LEPT_NONE)


class TesseractReader:
    """One tesserocr API per script, created on first use and kept (models load once)."""

    name = "tesseract"
    multilingual = True

    def __init__(self, languages: dict[Script, str] | None = None) -> None:
        try:
            import tesserocr
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise OcrUnavailable("tesserocr is not installed") from exc
        self._tesserocr = tesserocr
        _quiet_leptonica(tesserocr.__file__)
        self._path = tessdata_dir()
        self._languages = languages or LANGUAGES
        self._apis: dict[str, Any] = {}
        self._lock = threading.Lock()  # an API object is not re-entrant

    def _api(self, key: str, lang: str, psm: int) -> Any:
        api = self._apis.get(key)
        if api is None:
            api = self._tesserocr.PyTessBaseAPI(
                path=self._path, lang=lang, psm=psm, oem=self._tesserocr.OEM.LSTM_ONLY
            )
            # Cards are not books: no dictionary pressure on names and addresses.
            api.SetVariable("load_system_dawg", "0")
            api.SetVariable("load_freq_dawg", "0")
            self._apis[key] = api
        return api

    def read(self, image: Frame, script: Script = Script.LATIN) -> OcrPage:
        start = time.perf_counter()
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        grey = np.ascontiguousarray(grey)
        tess = self._tesserocr
        lines: list[OcrLine] = []
        with self._lock:
            api = self._api(script.value, self._languages[script], tess.PSM.AUTO)
            h, w = grey.shape[:2]
            api.SetImageBytes(grey.tobytes(), w, h, 1, w)
            api.SetSourceResolution(300)
            api.Recognize()
            lines = _lines_of(api.GetIterator(), tess)
            api.Clear()
        return OcrPage(tuple(lines), self.name, (time.perf_counter() - start) * 1000)

    def read_line(self, image: Frame, script: Script, language: str = "") -> OcrLine | None:
        """One line crop read with one script's models only, or with ``language``'s model
        alone (no layout analysis)."""
        tess = self._tesserocr
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        grey = np.ascontiguousarray(grey)
        with self._lock:
            lang = language or LINE_LANGUAGES[script]
            api = self._api(f"line-{lang}", lang, tess.PSM.SINGLE_LINE)
            h, w = grey.shape[:2]
            api.SetImageBytes(grey.tobytes(), w, h, 1, w)
            api.SetSourceResolution(300)
            api.Recognize()
            lines = _lines_of(api.GetIterator(), tess)
            api.Clear()
        if not lines:
            return None
        text = " ".join(ln.text for ln in lines)
        conf = sum(ln.confidence * len(ln.text) for ln in lines) / max(1, len(text))
        return OcrLine(text, lines[0].box, conf, lines[0].size)

    def orientation(self, image: Frame) -> tuple[int, float, Script | None]:
        """Tesseract's OSD: (degrees to turn clockwise, confidence, script) of a flat card."""
        tess = self._tesserocr
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        grey = np.ascontiguousarray(grey)
        with self._lock:
            api = self._api("osd", "osd", tess.PSM.OSD_ONLY)
            h, w = grey.shape[:2]
            api.SetImageBytes(grey.tobytes(), w, h, 1, w)
            api.SetSourceResolution(300)
            found = api.DetectOrientationScript()
            api.Clear()
        if not found:
            return 0, 0.0, None
        script = {"Latin": Script.LATIN, "Greek": Script.GREEK, "Arabic": Script.ARABIC}.get(
            found.get("script_name", "")
        )
        return int(found.get("orient_deg", 0)), float(found.get("orient_conf", 0.0)), script

    def close(self) -> None:
        with self._lock:
            for api in self._apis.values():
                api.End()
            self._apis.clear()


_ARABIC_LETTERS = re.compile(r"[\u0600-\u065f\u066e-\u06ef\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


def _lines_of(it: Any, tess: Any) -> list[OcrLine]:
    """Lines assembled from words, so right-to-left words come out in reading order.

    tesserocr's iterator gives a Persian line's words in reading order but each word's
    letters in visual (left-to-right) order, and its TEXTLINE text stops after the first RTL
    word; the words are therefore read one by one and Arabic-script words reversed back.
    """
    word, line = tess.RIL.WORD, tess.RIL.TEXTLINE
    lines: list[OcrLine] = []
    words: list[tuple[str, float, tuple[int, int, int, int]]] = []

    def flush() -> None:
        if not words:
            return
        text = " ".join(t for t, _, _ in words)
        x0 = min(b[0] for _, _, b in words)
        y0 = min(b[1] for _, _, b in words)
        x1 = max(b[2] for _, _, b in words)
        y1 = max(b[3] for _, _, b in words)
        conf = sum(c * len(t) for t, c, _ in words) / max(1, sum(len(t) for t, _, _ in words))
        size = sorted(b[3] - b[1] for _, _, b in words)[len(words) // 2]
        lines.append(OcrLine(text, Box(x0, y0, x1 - x0, y1 - y0), conf, float(size)))
        words.clear()

    for r in tess.iterate_level(it, word):
        if r.IsAtBeginningOf(line):
            flush()
        try:
            text = (r.GetUTF8Text(word) or "").strip()
        except RuntimeError:  # "No text returned" for an empty word
            continue
        box = r.BoundingBox(word)
        if not text or box is None:
            continue
        if _ARABIC_LETTERS.search(text):
            text = text[::-1]
        words.append((text, max(0.0, min(1.0, r.Confidence(word) / 100.0)), box))
    flush()
    return lines
