"""The app's decode pipeline: more than one library call per frame, within a time budget.

Order of work on a frame (each step only if time is left and nothing was read yet):

1. the region where the last symbol was read (the badge rarely moves far between frames);
2. a fast zxing-cpp pass over a reduced frame (most frames end here);
3. candidate regions (positions of zxing's failed reads, then gradient blobs), each cut out
   of the full-resolution frame: upscaled when modules are tiny, perspective-rectified,
   then contrast-normalised, sharpened or binarised, with zbar as a second opinion;
4. small frames and image files also get whole-image variants (other binariser, 2x, 0.5x,
   OpenCV's curved-surface QR decoder).

When a symbol-like region was seen but not read, the outcome carries a :class:`Hint` for staff
and the candidate quads to draw.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

import cv2
import numpy as np
import zxingcpp

from boothapp.capture import enhance
from boothapp.capture.decoders import (
    OpenCvDecoder,
    PyzbarDecoder,
    ZxingDecoder,
    map_points,
    to_grey,
)
from boothapp.capture.hints import assess
from boothapp.capture.locate import (
    Candidate,
    axis_crop,
    gradient_candidates,
    grow_quad,
    order_quad,
    plausible_quad,
    rectified_crop,
    symbol_quad,
)
from boothapp.capture.symbologies import BADGE_SYMBOLOGIES, Symbology
from boothapp.capture.types import DecodeOutcome, DecodeResult, Frame, Point

_GLOBAL = zxingcpp.Binarizer.GlobalHistogram

# Frames longer than this are first scanned at FAST_SIDE (720p -> 640x360).
SMALL_SIDE = 800
FAST_SIDE = 640
# Frames or images narrower than this hold no readable symbol.
MIN_SIDE = 8
# A tracked region is dropped after this many frames without a read.
TRACK_MISSES = 3


class _Clock:
    now = staticmethod(time.perf_counter)  # wall time: what the preview's latency is made of

    def __init__(self, budget_ms: float | None) -> None:
        self.start = self.now()
        self.budget_s = None if budget_ms is None else budget_ms / 1000.0

    def elapsed_ms(self) -> float:
        return (self.now() - self.start) * 1000.0

    def left(self, reserve_ms: float = 0.0) -> bool:
        if self.budget_s is None:
            return True
        return self.now() - self.start + reserve_ms / 1000.0 < self.budget_s


class DecodePipeline:
    """The scanner's FrameDecoder. Not thread-safe: one pipeline per decode thread."""

    def __init__(
        self,
        symbologies: Iterable[Symbology] = BADGE_SYMBOLOGIES,
        *,
        budget_ms: float | None = 15.0,
        max_candidates: int = 4,
        use_pyzbar: bool = True,
        use_opencv: bool = True,
    ) -> None:
        self.symbologies = frozenset(symbologies)
        self.budget_ms = budget_ms
        self.max_candidates = max_candidates
        self._zxing = ZxingDecoder(self.symbologies)
        zbar = PyzbarDecoder(self.symbologies)
        self._zbar = zbar if use_pyzbar and zbar.available else None
        wants_cv = use_opencv and Symbology.QR in self.symbologies
        self._opencv = OpenCvDecoder({Symbology.QR}) if wants_cv else None
        self._track: Candidate | None = None
        self._misses = 0
        self.last_step = ""  # which step read the last frame (benchmark and debugging)

    def reset(self) -> None:
        """Forget the tracked region (new camera, new session)."""
        self._track = None
        self._misses = 0

    def decode(self, frame: Frame) -> DecodeOutcome:
        clock = _Clock(self.budget_ms)
        self.last_step = ""
        grey = to_grey(frame)
        if min(grey.shape[:2]) < MIN_SIDE:
            return DecodeOutcome(ms=clock.elapsed_ms())  # no symbol fits in a sliver
        results, candidates = self._run(grey, clock)
        ms = clock.elapsed_ms()
        if results:
            self._remember(results)
            stamped = tuple(
                DecodeResult(r.symbology, r.text, r.corners, r.backend, ms) for r in results
            )
            return DecodeOutcome(results=stamped, ms=ms)
        self._forget_slowly()
        hint, quads = assess(grey, candidates)
        return DecodeOutcome(hint=hint, ms=clock.elapsed_ms(), candidates=quads)

    # -- steps --------------------------------------------------------------------------

    def _run(self, grey: Frame, clock: _Clock) -> tuple[list[DecodeResult], list[Candidate]]:
        h, w = grey.shape[:2]
        if self._track is not None:
            crop = axis_crop(grey, self._track, margin=0.35)
            results = self._zxing.read(crop.image, crop.transform)
            if results:
                self.last_step = "tracked region"
                return results, []

        small_image = max(h, w) <= SMALL_SIDE
        scale = 1.0 if small_image else FAST_SIDE / max(h, w)
        reduced = grey if small_image else _resize(grey, scale)
        back = np.array([[1 / scale, 0, 0], [0, 1 / scale, 0]], dtype=np.float64)
        # Frames: no 90-degree or inverted retries here; located crops still get both.
        results, failed = self._zxing.scan(
            reduced,
            back,
            try_downscale=small_image,
            try_rotate=small_image,
            try_invert=small_image,
        )
        if results:
            self.last_step = "fast pass"
            return results, []

        candidates = [Candidate(order_quad(q), 1e9, "zxing") for q in failed if plausible_quad(q)]
        if clock.left(2.0):
            candidates = _dedupe(candidates + gradient_candidates(reduced, scale))
        candidates = candidates[: self.max_candidates]

        if small_image:
            results = self._whole_image(grey, clock)
            if results:
                self.last_step = "whole image"
                return results, []
        results = self._candidates(grey, candidates, clock)
        if results:
            return results, []
        return [], candidates

    def _candidate_attempts(
        self, grey: Frame, candidate: Candidate
    ) -> Iterator[list[DecodeResult]]:
        """Ever more expensive tries on one region; the caller interleaves regions."""
        zx = self._zxing
        crop = axis_crop(grey, candidate, min_module_px=2.0, max_side=360.0)
        image = crop.image
        results, failed = zx.scan(image, crop.transform)
        yield results
        # A long thin region is probably a 1D code; zbar reads blurred bars zxing gives up on
        # (the benchmark's Code 39 / Code 128 frames), and on a crop it costs a millisecond.
        elongated = max(candidate.width, candidate.height) > 1.8 * min(
            candidate.width, candidate.height
        )
        # zxing found the symbol's corners but could not sample it (perspective, blur), or
        # the blob outline gives them: straighten that quad, upscaled, and try again.
        good = [q for q in failed if plausible_quad(q)]
        if good:
            quad = order_quad(good[0])
        else:
            found = symbol_quad(image)
            quad = map_points(found, crop.transform) if found else candidate.quad
        rect = rectified_crop(grey, Candidate(grow_quad(quad, 1.08), 0.0, ""))
        yield zx.read(rect.image, rect.transform)
        if elongated and self._zbar is not None:
            yield self._zbar.read(image, crop.transform)
        yield zx.read(rect.image, rect.transform, binarizer=_GLOBAL)
        yield zx.read(enhance.sharpen(rect.image), rect.transform)
        yield zx.read(image, crop.transform, binarizer=_GLOBAL)
        yield zx.read(enhance.clahe(image), crop.transform)
        yield zx.read(enhance.binarise(rect.image), rect.transform)
        yield zx.read(enhance.smooth(image), crop.transform)
        if self._zbar is not None:
            yield self._zbar.read(enhance.smooth(rect.image), rect.transform)
            if not elongated:
                yield self._zbar.read(image, crop.transform)

    def _candidates(
        self, grey: Frame, candidates: list[Candidate], clock: _Clock
    ) -> list[DecodeResult]:
        """Breadth first: every region gets its cheap tries before any gets expensive ones."""
        pending = [(i, self._candidate_attempts(grey, c)) for i, c in enumerate(candidates)]
        tries = [0] * len(pending)
        while pending and clock.left(1.0):
            for entry in list(pending):
                if not clock.left(1.0):
                    break
                index, attempts = entry
                results = next(attempts, None)
                tries[index] += 1
                if results is None:
                    pending.remove(entry)
                elif results:
                    self.last_step = f"region {index + 1}, try {tries[index]}"
                    return results
        return []

    def _whole_image(self, grey: Frame, clock: _Clock) -> list[DecodeResult]:
        """Variants of a small frame or image file as a whole."""
        h, w = grey.shape[:2]
        zx = self._zxing
        up = np.array([[0.5, 0, 0], [0, 0.5, 0]], dtype=np.float64)
        down = np.array([[2.0, 0, 0], [0, 2.0, 0]], dtype=np.float64)
        padded = np.array([[1, 0, -16], [0, 1, -16]], dtype=np.float64)
        attempts: list[Callable[[], list[DecodeResult]]] = [
            lambda: zx.read(grey, binarizer=_GLOBAL),
            lambda: zx.read(_resize(grey, 2.0), up) if max(h, w) <= 600 else [],
            lambda: zx.read(enhance.binarise(grey)),
            lambda: zx.read(enhance.smooth(grey), binarizer=_GLOBAL),
            lambda: (
                zx.read(enhance.smooth(_resize(grey, 0.5)), down, binarizer=_GLOBAL)
                if min(h, w) >= 2 * MIN_SIDE
                else []
            ),
            lambda: zx.read(enhance.clahe(grey)),
            lambda: zx.read(enhance.pad(grey), padded),
        ]
        if self._zbar is not None:
            zbar = self._zbar
            attempts += [
                lambda: zbar.read(grey),
                lambda: (
                    zbar.read(enhance.smooth(_resize(grey, 0.5)), down)
                    if min(h, w) >= 2 * MIN_SIDE
                    else []
                ),
                lambda: zbar.read(enhance.smooth(grey)),
            ]
        if self._opencv is not None:
            cv = self._opencv
            attempts.append(lambda: cv.read(grey, curved=True))
        return _first(attempts, clock)

    # -- tracking -----------------------------------------------------------------------

    def _remember(self, results: list[DecodeResult]) -> None:
        points = [p for r in results for p in r.corners]
        if not points:
            return
        pts = np.asarray(points, dtype=np.float32)
        x, y, bw, bh = cv2.boundingRect(pts)
        quad: tuple[Point, ...] = ((x, y), (x + bw, y), (x + bw, y + bh), (x, y + bh))
        self._track = Candidate(tuple((float(a), float(b)) for a, b in quad), 0.0, "tracker")
        self._misses = 0

    def _forget_slowly(self) -> None:
        self._misses += 1
        if self._misses >= TRACK_MISSES:
            self._track = None


def _first(attempts: list[Callable[[], list[DecodeResult]]], clock: _Clock) -> list[DecodeResult]:
    for attempt in attempts:
        if not clock.left(1.0):
            break
        results = attempt()
        if results:
            return results
    return []


def _resize(grey: Frame, factor: float) -> Frame:
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interp)  # type: ignore[return-value]


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """Drop candidates whose centre lies inside an earlier (better) one."""
    kept: list[Candidate] = []
    for cand in candidates:
        cx = sum(p[0] for p in cand.quad) / 4
        cy = sum(p[1] for p in cand.quad) / 4
        inside = False
        for k in kept:
            x0, y0, x1, y1 = k.bbox()
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                inside = True
                break
        if not inside:
            kept.append(cand)
    return kept
