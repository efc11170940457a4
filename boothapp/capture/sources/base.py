"""The one interface every frame source implements, its states and its typed errors.

Sources are plain blocking objects (no Qt): the camera worker owns one on its own thread,
calls ``open()`` there, loops on ``read()`` and ``close()``s it when stopped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from boothapp.capture.types import Frame


class SourceState(enum.StrEnum):
    """Why ``read()`` did or did not return a frame."""

    CLOSED = "closed"
    OPEN = "open"  # delivering frames; a None from read() is a transient miss
    DISCONNECTED = "disconnected"  # the device went away; a reconnecting wrapper retries
    ENDED = "ended"  # a finite source (unlooped file, folder) has no more frames


class SourceError(Exception):
    """A source could not be opened; the message is meant for booth staff."""


class NoCameraError(SourceError):
    def __init__(self, detail: str = "") -> None:
        message = "No camera found. Plug one in or use the demo feed."
        super().__init__(f"{message} ({detail})" if detail else message)


class CameraPermissionError(SourceError):
    def __init__(self, detail: str = "") -> None:
        message = (
            "BoothApp may not use the camera. Allow camera access for BoothApp in the "
            "system privacy settings (on Linux: add your user to the 'video' group)."
        )
        super().__init__(f"{message} ({detail})" if detail else message)


class SourceOpenError(SourceError):
    """A file, folder or stream that exists in the settings cannot be opened."""


@dataclass(frozen=True, slots=True)
class Resolution:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@runtime_checkable
class FrameSource(Protocol):
    """Anything that yields camera-like frames.

    ``read()`` blocks at most about one frame interval (live devices block until the next
    frame; file and folder sources pace themselves when asked to play in real time).
    """

    def open(self) -> None:
        """Acquire the device/file; raises a ``SourceError`` subclass on failure."""
        ...

    def read(self) -> Frame | None:
        """The next frame, or None (see ``state`` for why)."""
        ...

    def close(self) -> None:
        """Release the device; safe to call twice or on a never-opened source."""
        ...

    @property
    def state(self) -> SourceState: ...

    @property
    def resolution(self) -> Resolution | None:
        """Frame size actually delivered (None until opened)."""
        ...

    @property
    def fps(self) -> float:
        """Frames per second actually delivered (measured where the device lies about it)."""
        ...

    def describe(self) -> str:
        """One line for the UI, e.g. 'Camera 0 (1920x1080 @ 30 fps)'."""
        ...
