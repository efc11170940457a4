"""Small shared helpers around cv2.VideoCapture."""

from __future__ import annotations

import contextlib

import cv2
import numpy as np

from boothapp.capture.sources.base import Resolution, SourceState
from boothapp.capture.types import Frame


def quiet_opencv() -> None:
    """OpenCV prints a WARN line for every camera index it cannot open; staff never need that."""
    with contextlib.suppress(AttributeError):
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def capture_size(capture: cv2.VideoCapture) -> tuple[int, int]:
    return (
        int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
        int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
    )


def as_frame(image: object) -> Frame:
    """The array OpenCV returned, typed as a Frame (a no-op for the uint8 images it delivers)."""
    return np.asarray(image, dtype=np.uint8)


class CaptureSource:
    """What every cv2.VideoCapture-backed source shares: the handle, its state, the size."""

    def __init__(self) -> None:
        self._capture: cv2.VideoCapture | None = None
        self._state = SourceState.CLOSED
        self._resolution: Resolution | None = None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        self._state = SourceState.CLOSED

    @property
    def state(self) -> SourceState:
        return self._state

    @property
    def resolution(self) -> Resolution | None:
        return self._resolution
