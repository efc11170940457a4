"""Barcode backends behind one interface: zxing-cpp (primary), pyzbar, OpenCV.

Each backend is a :class:`FrameDecoder` on its own (one library call per frame, used by the
benchmark as the baseline) and offers ``read(grey, ...)`` so the pipeline can run it on
crops and map results back to full-frame coordinates.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

from boothapp.capture.symbologies import (
    BACKENDS,
    BADGE_SYMBOLOGIES,
    Symbology,
    symbology_of,
    zbar_result_name,
    zbar_types,
    zxing_formats,
)
from boothapp.capture.types import DecodeOutcome, DecodeResult, Frame, Point

Quad = tuple[Point, ...]
# 2x3 affine or 3x3 homography mapping crop pixels back to full-frame pixels.
Transform = npt.NDArray[np.float64]


def to_grey(frame: Frame) -> Frame:
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)  # type: ignore[return-value]
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # type: ignore[return-value]


def map_points(points: Sequence[Point], transform: Transform | None) -> Quad:
    if transform is None:
        return tuple((float(x), float(y)) for x, y in points)
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
    if transform.shape == (2, 3):
        out = cv2.transform(pts, transform)
    else:
        out = cv2.perspectiveTransform(pts, transform)
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in out.reshape(-1, 2))


def payload_text(text: str, raw: bytes) -> str:
    """The payload verbatim; binary or unknown-charset payloads as ISO-8859-1 text."""
    if text or not raw:
        return text
    return raw.decode("latin-1")


class ZxingDecoder:
    """zxing-cpp: fast, reads every symbology the app supports."""

    name = "zxing"

    def __init__(self, symbologies: Iterable[Symbology] = BADGE_SYMBOLOGIES) -> None:
        self.symbologies = frozenset(symbologies)
        formats = zxing_formats(self.symbologies)
        self._formats = zxingcpp.BarcodeFormats(formats) if formats else None

    def scan(
        self,
        grey: Frame,
        transform: Transform | None = None,
        *,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
        try_downscale: bool = True,
        try_rotate: bool = True,
        try_invert: bool = True,
    ) -> tuple[list[DecodeResult], list[Quad]]:
        """Read symbols, and say where symbols were seen but failed to read (checksum, format)."""
        if not self._formats:
            return [], []
        found = zxingcpp.read_barcodes(
            grey,
            formats=self._formats,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=binarizer,
            try_downscale=try_downscale,
            try_rotate=try_rotate,
            try_invert=try_invert,
            return_errors=True,
        )
        results: list[DecodeResult] = []
        failed: list[Quad] = []
        for b in found:
            corners = map_points(_zxing_corners(b.position), transform)
            if b.valid:
                text = payload_text(b.text, b.bytes)
                results.append(DecodeResult(b.format.name, text, corners, self.name))
            else:
                failed.append(corners)
        return results, failed

    def read(
        self,
        grey: Frame,
        transform: Transform | None = None,
        *,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
        try_downscale: bool = True,
    ) -> list[DecodeResult]:
        return self.scan(grey, transform, binarizer=binarizer, try_downscale=try_downscale)[0]

    def decode(self, frame: Frame) -> DecodeOutcome:
        start = time.perf_counter()
        results = self.read(to_grey(frame))
        return _outcome(results, start)


class PyzbarDecoder:
    """zbar through pyzbar: a second opinion on 1D codes and QR, needs libzbar0."""

    name = "pyzbar"

    def __init__(self, symbologies: Iterable[Symbology] = BADGE_SYMBOLOGIES) -> None:
        self.symbologies = frozenset(symbologies)
        self._types = zbar_types(self.symbologies)
        self._symbols: list[object] | None = None

    @property
    def available(self) -> bool:
        return bool(self._types) and _zbar_module() is not None

    def read(self, grey: Frame, transform: Transform | None = None) -> list[DecodeResult]:
        zbar = _zbar_module()
        if zbar is None or not self._types:
            return []
        if self._symbols is None:
            self._symbols = [getattr(zbar.ZBarSymbol, t) for t in self._types]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = zbar.decode(np.ascontiguousarray(grey), symbols=self._symbols)
        results = []
        for sym in found:
            corners = _order_clockwise([(float(p.x), float(p.y)) for p in sym.polygon])
            results.append(
                DecodeResult(
                    symbology=zbar_result_name(sym.type),
                    text=_zbar_text(sym.data),
                    corners=map_points(corners, transform),
                    backend=self.name,
                )
            )
        return results

    def decode(self, frame: Frame) -> DecodeOutcome:
        start = time.perf_counter()
        return _outcome(self.read(to_grey(frame)), start)


class OpenCvDecoder:
    """OpenCV's QR detector (with the curved-surface decoder) and its 1D barcode detector."""

    name = "opencv"

    def __init__(self, symbologies: Iterable[Symbology] = BADGE_SYMBOLOGIES) -> None:
        self.symbologies = frozenset(symbologies)
        self._qr = cv2.QRCodeDetector() if Symbology.QR in self.symbologies else None
        linear = {Symbology.EAN_UPC, Symbology.CODE128, Symbology.CODE39, Symbology.CODE93}
        has_1d = bool(self.symbologies & linear) and hasattr(cv2, "barcode")
        self._bar = cv2.barcode.BarcodeDetector() if has_1d else None

    def read(
        self, grey: Frame, transform: Transform | None = None, *, curved: bool = False
    ) -> list[DecodeResult]:
        results: list[DecodeResult] = []
        for text, quad in self._qr_found(grey, curved):
            qr_corners = [(float(x), float(y)) for x, y in np.asarray(quad).reshape(-1, 2)]
            corners = map_points(qr_corners, transform)
            results.append(DecodeResult("QRCode", text, corners, self.name))
        for name, text, quad in self._bars_found(grey):
            points = [(float(x), float(y)) for x, y in np.asarray(quad).reshape(-1, 2)]
            corners = map_points(_order_clockwise(points), transform)
            results.append(DecodeResult(name, text, corners, self.name))
        return results

    def _qr_found(self, grey: Frame, curved: bool) -> list[tuple[str, Any]]:
        if self._qr is None:
            return []
        try:
            if curved:
                text, points, _ = self._qr.detectAndDecodeCurved(grey)
                return [(text, points)] if text and points is not None else []
            ok, texts, quads, _ = self._qr.detectAndDecodeMulti(grey)
        except cv2.error:
            return []
        if not ok or quads is None:
            return []
        return [(t, q) for t, q in zip(texts, quads, strict=False) if t]

    def _bars_found(self, grey: Frame) -> list[tuple[str, str, Any]]:
        if self._bar is None:
            return []
        try:
            ok, texts, kinds, quads = self._bar.detectAndDecodeWithType(grey)
        except cv2.error:
            return []
        if not ok or quads is None:
            return []
        found = []
        for text, kind, quad in zip(texts, kinds, quads, strict=False):
            name = _CV_TYPES.get(kind, kind)
            if text and _symbology_enabled(name, self.symbologies):
                found.append((name, text, quad))
        return found

    def decode(self, frame: Frame) -> DecodeOutcome:
        start = time.perf_counter()
        return _outcome(self.read(to_grey(frame)), start)


_CV_TYPES = {
    "EAN_13": "EAN13",
    "EAN_8": "EAN8",
    "UPC_A": "UPCA",
    "UPC_E": "UPCE",
    "CODE_128": "Code128",
    "CODE_39": "Code39",
    "CODE_93": "Code93",
}


def _symbology_enabled(name: str, enabled: frozenset[Symbology]) -> bool:
    sym = symbology_of(name)
    return sym is not None and sym in enabled


def _outcome(results: list[DecodeResult], start: float) -> DecodeOutcome:
    ms = (time.perf_counter() - start) * 1000.0
    return DecodeOutcome(results=tuple(_with_ms(r, ms) for r in results), ms=ms)


def _with_ms(result: DecodeResult, ms: float) -> DecodeResult:
    return DecodeResult(result.symbology, result.text, result.corners, result.backend, ms)


def _zxing_corners(pos: zxingcpp.Position) -> list[Point]:
    return [
        (float(p.x), float(p.y))
        for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
    ]


def _order_clockwise(points: list[Point]) -> Quad:
    """Four corners clockwise from top-left (image y grows down), from any polygon."""
    if not points:
        return ()
    pts = np.asarray(points, dtype=np.float32)
    if len(pts) != 4:
        pts = np.asarray(cv2.boxPoints(cv2.minAreaRect(pts)), dtype=np.float32)
    sums = pts.sum(axis=1)
    diffs = pts[:, 1] - pts[:, 0]
    tl, br = pts[np.argmin(sums)], pts[np.argmax(sums)]
    tr, bl = pts[np.argmin(diffs)], pts[np.argmax(diffs)]
    return tuple((float(p[0]), float(p[1])) for p in (tl, tr, br, bl))


def _zbar_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_ZBAR: object | None = None
_ZBAR_TRIED = False


def _zbar_module() -> Any:
    """pyzbar, or None when libzbar0 is missing (the app then runs on zxing-cpp alone)."""
    global _ZBAR, _ZBAR_TRIED
    if not _ZBAR_TRIED:
        _ZBAR_TRIED = True
        try:
            from pyzbar import pyzbar

            _ZBAR = pyzbar
        except (ImportError, OSError):
            _ZBAR = None
    return _ZBAR


def make_backend(
    name: str, symbologies: Iterable[Symbology]
) -> ZxingDecoder | PyzbarDecoder | OpenCvDecoder:
    if name == "zxing":
        return ZxingDecoder(symbologies)
    if name == "pyzbar":
        return PyzbarDecoder(symbologies)
    if name == "opencv":
        return OpenCvDecoder(symbologies)
    raise ValueError(f"unknown backend {name!r}; choose from: {', '.join(BACKENDS)}")
