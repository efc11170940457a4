"""A local webcam by index, at the highest resolution it accepts."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cv2

from boothapp.capture.sources._cv import CaptureSource, as_frame, capture_size, quiet_opencv
from boothapp.capture.sources.base import (
    CameraPermissionError,
    NoCameraError,
    Resolution,
    SourceState,
)
from boothapp.capture.sources.fps_meter import FpsMeter
from boothapp.capture.types import Frame

# Highest first: a sharper frame lets the decoder read small codes from further away.
PREFERRED_RESOLUTIONS: tuple[Resolution, ...] = (
    Resolution(3840, 2160),
    Resolution(1920, 1080),
    Resolution(1280, 720),
)


def _backend() -> int:
    # V4L2 directly on Linux avoids GStreamer's multi-second probing of absent devices.
    return cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY


def linux_device_path(index: int) -> Path:
    return Path(f"/dev/video{index}")


class WebcamSource(CaptureSource):
    """``cv2.VideoCapture(index)``; reports DISCONNECTED after repeated read failures."""

    def __init__(
        self,
        index: int,
        resolutions: tuple[Resolution, ...] = PREFERRED_RESOLUTIONS,
        failures_before_disconnect: int = 10,
    ) -> None:
        super().__init__()
        if index < 0:
            raise NoCameraError(f"camera index {index} is not valid")
        self.index = index
        self._resolutions = resolutions
        self._failures_before_disconnect = failures_before_disconnect
        self._failures = 0
        self._meter = FpsMeter()
        self._reported_fps = 0.0

    def open(self) -> None:
        quiet_opencv()
        if sys.platform.startswith("linux"):
            device = linux_device_path(self.index)
            # Answer at once for an index with no device node instead of asking OpenCV.
            if not device.exists():
                raise NoCameraError(f"{device} does not exist")
            if not os.access(device, os.R_OK | os.W_OK):
                raise CameraPermissionError(f"no read/write access to {device}")
        capture = cv2.VideoCapture(self.index, _backend())
        if not capture.isOpened():
            capture.release()
            if sys.platform == "darwin":
                # macOS refuses silently when the privacy setting denies the camera.
                raise CameraPermissionError(f"camera {self.index} refused to open")
            raise NoCameraError(f"camera {self.index} did not open")
        self._resolution = self._negotiate(capture)
        self._reported_fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._capture = capture
        self._failures = 0
        self._meter.reset()
        self._state = SourceState.OPEN

    def _negotiate(self, capture: cv2.VideoCapture) -> Resolution:
        # MJPG is what lets USB 2 cameras deliver HD at full rate; ignored where unsupported.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        for wanted in self._resolutions:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, wanted.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, wanted.height)
            if capture_size(capture) == (wanted.width, wanted.height):
                return wanted
        width, height = capture_size(capture)
        return Resolution(width, height)

    def read(self) -> Frame | None:
        if self._capture is None or self._state is not SourceState.OPEN:
            return None
        ok, frame = self._capture.read()
        if not ok or frame is None:
            self._failures += 1
            if self._failures >= self._failures_before_disconnect:
                self._state = SourceState.DISCONNECTED
            else:
                time.sleep(0.02)  # a failing device returns at once; do not spin
            return None
        self._failures = 0
        self._meter.tick()
        if self._resolution is None or frame.shape[1] != self._resolution.width:
            self._resolution = Resolution(frame.shape[1], frame.shape[0])
        return as_frame(frame)

    @property
    def fps(self) -> float:
        measured = self._meter.fps
        return measured if measured > 0 else self._reported_fps

    def describe(self) -> str:
        size = f"{self._resolution}" if self._resolution else "not open"
        return f"Camera {self.index} ({size} @ {self.fps:.0f} fps)"
