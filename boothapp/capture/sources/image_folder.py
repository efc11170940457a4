"""A folder of still images played as a camera, cycled at a set rate (tests, demos, kiosks)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from boothapp.capture.image_limits import image_too_large
from boothapp.capture.sources._cv import as_frame
from boothapp.capture.sources.base import Resolution, SourceOpenError, SourceState
from boothapp.capture.sources.fps_meter import FpsMeter
from boothapp.capture.sources.pacing import FramePacer
from boothapp.capture.types import Frame

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


class ImageFolderSource:
    """Images in name order; ``fps=0`` delivers them as fast as they load."""

    def __init__(self, folder: Path | str, fps: float = 2.0, loop: bool = True) -> None:
        if fps < 0:
            raise SourceOpenError(f"Frame rate must not be negative, got {fps}")
        self.folder = Path(folder)
        self.loop = loop
        self._target_fps = fps
        self._files: list[Path] = []
        self._next = 0
        self._state = SourceState.CLOSED
        self._resolution: Resolution | None = None
        self._pacer = FramePacer(fps)
        self._meter = FpsMeter()

    def open(self) -> None:
        if not self.folder.is_dir():
            raise SourceOpenError(f"Image folder not found: {self.folder}")
        files = sorted(
            p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
        )
        if not files:
            raise SourceOpenError(
                f"No images in {self.folder} (looked for {', '.join(sorted(IMAGE_SUFFIXES))})"
            )
        self._files = files
        self._next = 0
        self._resolution = None
        self._pacer.reset()
        self._meter.reset()
        self._state = SourceState.OPEN

    @property
    def image_count(self) -> int:
        return len(self._files)

    def read(self) -> Frame | None:
        if self._state is not SourceState.OPEN:
            return None
        if self._next >= len(self._files):
            if not self.loop:
                self._state = SourceState.ENDED
                return None
            self._next = 0
        path = self._files[self._next]
        self._next += 1
        # imdecode over fromfile: cv2.imread cannot open non-ASCII paths on Windows.
        try:
            if image_too_large(Path(path)):
                return None  # a decompression bomb is skipped like any unreadable image
            data = np.fromfile(path, dtype=np.uint8)
        except OSError:
            # The folder or the file went away (USB stick pulled): like an unplugged camera.
            self._state = SourceState.DISCONNECTED
            return None
        try:
            frame = cv2.imdecode(data, cv2.IMREAD_COLOR)
        except cv2.error:
            frame = None  # a header OpenCV refuses (issue #18)
        if frame is None:
            return None  # one unreadable image is skipped, not fatal
        self._pacer.wait()
        self._meter.tick()
        self._resolution = Resolution(frame.shape[1], frame.shape[0])
        return as_frame(frame)

    def close(self) -> None:
        self._state = SourceState.CLOSED

    @property
    def state(self) -> SourceState:
        return self._state

    @property
    def resolution(self) -> Resolution | None:
        return self._resolution

    @property
    def fps(self) -> float:
        measured = self._meter.fps
        return measured if measured > 0 else self._target_fps

    def describe(self) -> str:
        return f"Images in {self.folder.name} ({len(self._files)} @ {self._target_fps:g} fps)"
