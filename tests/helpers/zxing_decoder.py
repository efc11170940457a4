"""A minimal real ``FrameDecoder``: zxing-cpp on the whole frame, nothing else.

Stands in for ``boothapp.capture.pipeline.DecodePipeline`` in tests and benchmarks of the
sources and the decode worker, so those test real decoding without depending on the pipeline.
"""

from __future__ import annotations

import threading
import time

import zxingcpp

from boothapp.capture.types import DecodeOutcome, DecodeResult, Frame


class ZxingFrameDecoder:
    def decode(self, frame: Frame) -> DecodeOutcome:
        started = time.perf_counter()
        found = zxingcpp.read_barcodes(frame)
        ms = (time.perf_counter() - started) * 1000.0
        results = []
        for barcode in found:
            pos = barcode.position
            corners = tuple(
                (float(p.x), float(p.y))
                for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
            )
            results.append(
                DecodeResult(
                    symbology=barcode.format.name,
                    text=barcode.text,
                    corners=corners,
                    backend="zxing",
                    ms=ms,
                )
            )
        return DecodeOutcome(results=tuple(results), ms=ms)


class SlowDecoder:
    """Wraps a decoder and takes at least ``seconds`` per frame; records which frames it saw."""

    def __init__(self, inner: ZxingFrameDecoder, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.calls = 0
        self._lock = threading.Lock()

    def decode(self, frame: Frame) -> DecodeOutcome:
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)
        return self.inner.decode(frame)
