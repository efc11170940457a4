"""A video file, optionally looped and played at its native rate (the demo camera)."""

from __future__ import annotations

from pathlib import Path

import cv2

from boothapp.capture.sources._cv import CaptureSource, as_frame, capture_size, quiet_opencv
from boothapp.capture.sources.base import Resolution, SourceOpenError, SourceState
from boothapp.capture.sources.fps_meter import FpsMeter
from boothapp.capture.sources.pacing import FramePacer
from boothapp.capture.types import Frame

FALLBACK_FPS = 30.0  # some containers carry no frame rate


class VideoFileSource(CaptureSource):
    def __init__(self, path: Path | str, loop: bool = False, realtime: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.loop = loop
        self.realtime = realtime
        self._native_fps = 0.0
        self._pacer = FramePacer(0)
        self._meter = FpsMeter()
        self.frame_count = 0  # frames in the file, as the container reports it
        self.position = 0  # index of the next frame read() returns, within the file

    def open(self) -> None:
        quiet_opencv()
        if not self.path.is_file():
            raise SourceOpenError(f"Video file not found: {self.path}")
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise SourceOpenError(f"Cannot play video file (unknown format?): {self.path}")
        width, height = capture_size(capture)
        if width <= 0 or height <= 0:
            capture.release()
            raise SourceOpenError(f"Video file has no picture: {self.path}")
        self._capture = capture
        self._resolution = Resolution(width, height)
        reported = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._native_fps = reported if 0 < reported < 1000 else FALLBACK_FPS
        self.frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self._pacer = FramePacer(self._native_fps if self.realtime else 0)
        self._meter.reset()
        self.position = 0
        self._state = SourceState.OPEN

    def read(self) -> Frame | None:
        if self._capture is None or self._state is not SourceState.OPEN:
            return None
        ok, frame = self._capture.read()
        if not ok and self.loop and self.position > 0:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self.position = 0
            ok, frame = self._capture.read()
        if not ok or frame is None:
            self._state = SourceState.ENDED
            return None
        self.position += 1
        self._pacer.wait()
        self._meter.tick()
        return as_frame(frame)

    @property
    def native_fps(self) -> float:
        return self._native_fps

    @property
    def fps(self) -> float:
        measured = self._meter.fps
        return measured if measured > 0 else self._native_fps

    def describe(self) -> str:
        size = f"{self._resolution}" if self._resolution else "not open"
        looped = ", looped" if self.loop else ""
        return f"Video {self.path.name} ({size} @ {self.fps:.0f} fps{looped})"
