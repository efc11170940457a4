"""A generated camera feed: badges held up to a webcam one after another (1280x720 MJPG).

The demo plays this file through the same video-file source as a real camera recording, so
the whole scan path (source -> decode worker -> lead form) is exercised without a camera.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from boothapp.demo.people import DemoPerson
from boothapp.reports.pdf_text import FONT, FONT_BOLD, FONT_DIR, visual

WIDTH, HEIGHT, FPS = 1280, 720, 30


def _qr(text: str, size: int) -> np.ndarray:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    img = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=4, add_quiet_zones=True))
    return cv2.resize(img, (size, size), interpolation=cv2.INTER_NEAREST)


# The badge's lines: (y, font, size, RGB colour). Printed with DejaVu, which has Turkish,
# Greek and the Persian presentation forms: OpenCV's Hershey fonts know ASCII only, so
# Greek and Persian companies came out blank and names folded to "Visitor" (issue 21).
_HEADER = (22, FONT_BOLD, 30, (255, 255, 255))
_NAME = (108, FONT_BOLD, 28, (20, 20, 20))
_COMPANY = (150, FONT, 20, (70, 70, 70))
_MARGIN, _TEXT_WIDTH = 18, 344


@functools.lru_cache(maxsize=64)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: the text arrives shaped and in visual order (reports.pdf_text.visual);
    # raqm would reorder it a second time.
    return ImageFont.truetype(
        str(FONT_DIR / f"{name}.ttf"), size, layout_engine=ImageFont.Layout.BASIC
    )


def _line(
    draw: ImageDraw.ImageDraw, text: str, spec: tuple[int, str, int, tuple[int, ...]]
) -> None:
    """One line, shrunk to fit the badge; right-to-left text set from the right edge."""
    y, name, size, colour = spec
    shown = visual(text.strip())
    font = _font(name, size)
    while size > 12 and draw.textlength(shown, font=font) > _TEXT_WIDTH:
        size -= 1
        font = _font(name, size)
    x = _MARGIN
    if shown != text.strip():  # shaped and reordered: a right-to-left line
        x = _MARGIN + _TEXT_WIDTH - int(draw.textlength(shown, font=font))
    draw.text((x, y), shown, font=font, fill=colour)


def _badge_card(person: DemoPerson, payload: str, event_name: str) -> np.ndarray:
    card = Image.new("RGB", (380, 520), (250, 250, 250))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 379, 89), fill=(20, 70, 140))
    _line(draw, event_name, _HEADER)
    _line(draw, person.contact.full_name, _NAME)
    _line(draw, person.contact.company, _COMPANY)
    bgr = cv2.cvtColor(np.asarray(card), cv2.COLOR_RGB2BGR)
    qr = cv2.cvtColor(_qr(payload, 300), cv2.COLOR_GRAY2BGR)
    bgr[195:495, 40:340] = qr
    return bgr


def _background(rng: np.random.Generator) -> np.ndarray:
    # A dim exhibition hall: a gradient, some blurry blobs and sensor noise.
    y = np.linspace(60, 120, HEIGHT, dtype=np.float32)[:, None]
    frame = np.repeat(np.repeat(y, WIDTH, axis=1)[:, :, None], 3, axis=2)
    for _ in range(12):
        center = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        color = tuple(float(c) for c in rng.integers(40, 200, 3))
        cv2.circle(frame, center, int(rng.integers(30, 120)), color, -1)
    blurred = cv2.GaussianBlur(frame, (0, 0), 25)
    return blurred.astype(np.uint8)


def write_badge_video(
    path: Path,
    people: Sequence[DemoPerson],
    payloads: Sequence[str],
    event_name: str,
    seconds_per_badge: float = 4.0,
    seed: int = 3,
    card: np.ndarray | None = None,
    card_after: int = 1,
    card_seconds: float = 10.0,
) -> Path:
    """Write the demo feed: each badge slides in, is held still, then leaves the view.
    ``card``: a business-card photo held up after the ``card_after``-th badge for
    ``card_seconds``, so "Card" (F6) on the demo camera has a card to read (issue 20)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    rng = np.random.default_rng(seed)
    background = _background(rng)
    frames_per_badge = int(seconds_per_badge * FPS)
    # Sensor noise from a small pool: per-frame noise is realistic, generating it is not cheap.
    noises = [rng.normal(0, 4, (HEIGHT, WIDTH, 3)).astype(np.int16) for _ in range(6)]
    held = None if card is None else cv2.resize(card, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    try:
        for i, (person, payload) in enumerate(zip(people, payloads, strict=True)):
            if held is not None and i == card_after:
                for f in range(int(card_seconds * FPS)):
                    noise = noises[f % len(noises)]
                    writer.write(np.clip(held.astype(np.int16) + noise, 0, 255).astype(np.uint8))
            card = _badge_card(person, payload, event_name)
            h, w = card.shape[:2]
            for f in range(frames_per_badge):
                frame = background.copy()
                t = f / frames_per_badge
                # in (0-0.2), hold (0.2-0.75), out (0.75-1.0)
                if t < 0.2:
                    x = int(WIDTH - (WIDTH - (WIDTH - w) // 2) * (t / 0.2))
                elif t < 0.75:
                    x = (WIDTH - w) // 2
                else:
                    x = int((WIDTH - w) // 2 - ((WIDTH + w) // 2) * ((t - 0.75) / 0.25))
                y = (HEIGHT - h) // 2
                x0, x1 = max(x, 0), min(x + w, WIDTH)
                if x1 > x0:
                    frame[y : y + h, x0:x1] = card[:, x0 - x : x1 - x]
                noise = noises[f % len(noises)]
                frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
                writer.write(frame)
    finally:
        writer.release()
    return path
