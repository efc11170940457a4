"""List the cameras on this machine for the camera picker, quickly."""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2

from boothapp.capture.sources._cv import quiet_opencv

SYSFS_V4L = Path("/sys/class/video4linux")


@dataclass(frozen=True, slots=True)
class CameraInfo:
    index: int
    name: str  # what the driver calls it, or "Camera N"

    def label(self) -> str:
        return f"{self.name} (#{self.index})"


def list_cameras(max_index: int = 10, probe_timeout: float = 0.5) -> list[CameraInfo]:
    """Cameras that can be opened, by index.

    Linux: read /dev/video* and sysfs without opening anything (instant; metadata nodes that
    UVC cameras add beside each capture node are left out). Elsewhere there is no cheap device
    list, so indexes 0..max_index-1 are probed, each bounded by ``probe_timeout`` seconds, and the
    probing stops at the first index that does not answer.
    """
    if sys.platform.startswith("linux"):
        return _linux_cameras(Path("/dev"), SYSFS_V4L)
    cameras: list[CameraInfo] = []
    for index in range(max_index):
        if not _probe(index, probe_timeout):
            break
        cameras.append(CameraInfo(index, f"Camera {index}"))
    return cameras


def _linux_cameras(dev: Path, sysfs: Path) -> list[CameraInfo]:
    found: list[CameraInfo] = []
    for node in dev.glob("video*"):
        match = re.fullmatch(r"video(\d+)", node.name)
        if match is None:
            continue
        index = int(match.group(1))
        meta = sysfs / node.name
        # UVC exposes a second node (index 1) per camera for metadata; it yields no frames.
        node_index = _read(meta / "index")
        if node_index not in ("", "0"):
            continue
        name = _read(meta / "name") or f"Camera {index}"
        found.append(CameraInfo(index, name))
    return sorted(found, key=lambda c: c.index)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _probe(index: int, timeout: float) -> bool:
    """Open and release one index on a helper thread; a hanging driver costs ``timeout`` at most."""
    quiet_opencv()
    result: list[bool] = []

    def attempt() -> None:
        capture = cv2.VideoCapture(index)
        result.append(bool(capture.isOpened()))
        capture.release()

    thread = threading.Thread(target=attempt, name=f"camera-probe-{index}", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])
