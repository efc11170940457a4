"""An IP camera stream (RTSP, or HTTP MJPEG) through OpenCV's FFmpeg backend."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import cv2

from boothapp.capture.sources._cv import CaptureSource, as_frame, capture_size, quiet_opencv
from boothapp.capture.sources.base import Resolution, SourceOpenError, SourceState
from boothapp.capture.sources.fps_meter import FpsMeter
from boothapp.capture.types import Frame

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")


def redact(url: str) -> str:
    """The URL without its password, for messages and the UI (IP cameras embed credentials)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class IpCameraSource(CaptureSource):
    def __init__(
        self, url: str, open_timeout_ms: int = 5000, failures_before_disconnect: int = 5
    ) -> None:
        super().__init__()
        scheme = urlsplit(url).scheme.lower()
        if scheme not in STREAM_SCHEMES or not urlsplit(url).hostname:
            raise SourceOpenError(
                f"Not a camera stream address: {redact(url)} "
                f"(expected {', '.join(s + '://' for s in STREAM_SCHEMES)}host/...)"
            )
        self.url = url
        self._open_timeout_ms = open_timeout_ms
        self._failures_before_disconnect = failures_before_disconnect
        self._failures = 0
        self._meter = FpsMeter()

    def open(self) -> None:
        quiet_opencv()
        # Bounded open and read: an unreachable camera must not hang the camera thread.
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            self._open_timeout_ms,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            self._open_timeout_ms,
        ]
        capture = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG, params)
        if not capture.isOpened():
            capture.release()
            raise SourceOpenError(
                f"Cannot reach the IP camera at {redact(self.url)}. "
                "Check the address, the network and the camera's user name and password."
            )
        width, height = capture_size(capture)
        self._resolution = Resolution(width, height) if width > 0 else None
        self._capture = capture
        self._failures = 0
        self._meter.reset()
        self._state = SourceState.OPEN

    def read(self) -> Frame | None:
        if self._capture is None or self._state is not SourceState.OPEN:
            return None
        ok, frame = self._capture.read()
        if not ok or frame is None:
            self._failures += 1
            if self._failures >= self._failures_before_disconnect:
                self._state = SourceState.DISCONNECTED
            return None
        self._failures = 0
        self._meter.tick()
        self._resolution = Resolution(frame.shape[1], frame.shape[0])
        return as_frame(frame)

    @property
    def fps(self) -> float:
        return self._meter.fps

    def describe(self) -> str:
        size = f"{self._resolution}" if self._resolution else "not open"
        return f"IP camera {redact(self.url)} ({size} @ {self.fps:.0f} fps)"
