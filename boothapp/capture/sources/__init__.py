"""Frame sources: webcam, video file, IP camera stream and image folder behind one interface.

``source_from_spec`` turns what a user typed or picked ("0", a file, a folder, a URL) into a
source; live sources come wrapped in ``ReconnectingSource`` so an unplugged camera resumes.
"""

from __future__ import annotations

from pathlib import Path

from boothapp.capture.sources.base import (
    CameraPermissionError,
    FrameSource,
    NoCameraError,
    Resolution,
    SourceError,
    SourceOpenError,
    SourceState,
)
from boothapp.capture.sources.image_folder import ImageFolderSource
from boothapp.capture.sources.ip_camera import STREAM_SCHEMES, IpCameraSource
from boothapp.capture.sources.reconnecting import ReconnectingSource
from boothapp.capture.sources.video_file import VideoFileSource
from boothapp.capture.sources.webcam import PREFERRED_RESOLUTIONS, WebcamSource

__all__ = [
    "PREFERRED_RESOLUTIONS",
    "CameraPermissionError",
    "FrameSource",
    "ImageFolderSource",
    "IpCameraSource",
    "NoCameraError",
    "ReconnectingSource",
    "Resolution",
    "SourceError",
    "SourceOpenError",
    "SourceState",
    "VideoFileSource",
    "WebcamSource",
    "source_from_spec",
]


def source_from_spec(spec: str, *, loop: bool = True, folder_fps: float = 2.0) -> FrameSource:
    """A source for a camera index, stream URL, video file or image folder.

    Files and folders play in real time (they stand in for a camera); live sources reconnect.
    Raises ``SourceError`` subclasses with a message naming what was wrong.
    """
    text = spec.strip()
    if not text:
        raise SourceOpenError("No camera or file chosen")
    if text.isdigit():
        return ReconnectingSource(WebcamSource(int(text)))
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme in STREAM_SCHEMES:
            return ReconnectingSource(IpCameraSource(text))
        raise SourceOpenError(f"Unsupported camera address scheme '{scheme}://' in {text}")
    path = Path(text).expanduser()
    if path.is_dir():
        return ImageFolderSource(path, fps=folder_fps, loop=loop)
    if path.is_file():
        return VideoFileSource(path, loop=loop, realtime=True)
    raise SourceOpenError(f"No camera, file or folder called {text}")
