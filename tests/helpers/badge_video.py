"""Write small camera-like videos and image folders in which a QR badge comes and goes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import segno

from boothapp.capture.types import Frame


@dataclass(frozen=True, slots=True)
class Appearance:
    payload: str
    first_frame: int  # first frame index (0-based) in which the badge is visible
    last_frame: int  # last frame index in which it is visible (inclusive)


def qr_image(payload: str, scale: int = 5) -> Frame:
    buffer = io.BytesIO()
    segno.make(payload, micro=False, error="m").save(buffer, kind="png", scale=scale, border=4)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return np.asarray(image, dtype=np.uint8)


def background(width: int, height: int, seed: int = 7) -> Frame:
    """A textured grey scene (so frames are not trivially compressible or decodable)."""
    rng = np.random.default_rng(seed)
    base = np.full((height, width, 3), 150, np.uint8)
    noise = rng.integers(0, 40, size=(height // 8, width // 8, 1), dtype=np.uint8)
    blotches = cv2.resize(noise, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.asarray(cv2.add(base, cv2.merge([blotches, blotches, blotches])), dtype=np.uint8)


def badge_frame(scene: Frame, badge: Frame | None, offset: tuple[int, int]) -> Frame:
    frame = scene.copy()
    if badge is not None:
        x, y = offset
        frame[y : y + badge.shape[0], x : x + badge.shape[1]] = badge
    return frame


def write_badge_video(
    path: Path,
    frame_count: int,
    appearances: list[Appearance],
    size: tuple[int, int] = (640, 360),
    fps: float = 30.0,
    scale: int = 5,
) -> Path:
    """An MJPG .avi (or mp4v .mp4) with each appearance's QR pasted over the scene."""
    width, height = size
    fourcc = "MJPG" if path.suffix.lower() == ".avi" else "mp4v"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path}")
    scene = background(width, height)
    badges = {a.payload: qr_image(a.payload, scale) for a in appearances}
    try:
        for index in range(frame_count):
            shown = next((a for a in appearances if a.first_frame <= index <= a.last_frame), None)
            badge = badges[shown.payload] if shown else None
            # Drift the badge a little each frame, as a hand-held badge does.
            offset = (width // 3 + (index % 5) * 2, height // 5 + (index % 3) * 2)
            writer.write(badge_frame(scene, badge, offset))
    finally:
        writer.release()
    return path


def write_image_folder(folder: Path, payloads: list[str | None], size: tuple[int, int]) -> Path:
    """One PNG per entry: a badge with that payload, or just the scene for None."""
    folder.mkdir(parents=True, exist_ok=True)
    width, height = size
    scene = background(width, height)
    for index, payload in enumerate(payloads):
        badge = qr_image(payload) if payload else None
        frame = badge_frame(scene, badge, (20, 20))
        cv2.imwrite(str(folder / f"frame_{index:03d}.png"), frame)
    return folder
