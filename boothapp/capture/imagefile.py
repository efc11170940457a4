"""Decode barcodes in image files (CLI ``decode``, photographed badges, tests)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from boothapp.capture.image_limits import image_too_large
from boothapp.capture.pipeline import DecodePipeline
from boothapp.capture.symbologies import BADGE_SYMBOLOGIES, Symbology
from boothapp.capture.types import DecodeResult, Frame, FrameDecoder
from boothapp.core.i18n import _

# An image file is decoded once, not 30 times a second: give it far more time than a frame.
FILE_BUDGET_MS = 1500.0


class DecodeFileError(Exception):
    """An image file that is missing or cannot be read as an image."""


def _unreadable(path: Path, why: str) -> str:
    return _("{file}: not a readable image ({why})").format(file=path, why=why)


def load_image(path: str | Path) -> Frame:
    """The file as a BGR or grey uint8 array; .gif/.webp/16-bit/alpha handled."""
    p = Path(path)
    if not p.exists():
        raise DecodeFileError(_("{file}: no such file").format(file=p))
    if not p.is_file():
        raise DecodeFileError(_("{file}: not a file").format(file=p))
    too_large = image_too_large(p)
    if too_large:
        raise DecodeFileError(_unreadable(p, too_large))
    data = np.fromfile(p, dtype=np.uint8)  # also works for non-ASCII paths on Windows
    # OpenCV logs its own warning for a truncated file ("PNG input buffer is incomplete");
    # ours is the one line below (issue #18), so its log is quiet for this call.
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    except cv2.error:
        image = None  # a header OpenCV refuses; Pillow gets its chance, then one line below
    finally:
        cv2.utils.logging.setLogLevel(level)
    if image is None:
        image = _load_with_pillow(p)  # OpenCV cannot read GIF
    if image is None:
        raise DecodeFileError(_unreadable(p, _("not an image format this app reads")))
    try:
        return _to_uint8(image)
    except (ValueError, MemoryError, cv2.error) as exc:
        raise DecodeFileError(_unreadable(p, type(exc).__name__)) from None


def decode_image_file(
    path: str | Path,
    symbologies: Iterable[Symbology] = BADGE_SYMBOLOGIES,
    decoder: FrameDecoder | None = None,
) -> list[DecodeResult]:
    """Every symbol read in the image; [] when none. Raises DecodeFileError for bad files."""
    image = load_image(path)
    if decoder is None:
        decoder = DecodePipeline(symbologies, budget_ms=FILE_BUDGET_MS)
    return list(decoder.decode(image).results)


def _load_with_pillow(path: Path) -> np.ndarray | None:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        return None
    try:
        with Image.open(path) as img:
            img.seek(0)  # first frame of an animated GIF
            return np.asarray(img.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError,
            Image.DecompressionBombError, MemoryError):  # fmt: skip
        return None


def _to_uint8(image: np.ndarray) -> Frame:
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        lo, hi = float(image.min()), float(image.max())
        image = ((image - lo) * (255.0 / max(hi - lo, 1e-9))).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        # Transparent pixels become white paper, not black: codes are dark on light.
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        rgb = image[:, :, :3].astype(np.float32)
        image = (rgb * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    elif (image.ndim == 3 and image.shape[2] == 1) or (image.ndim == 3 and image.shape[2] == 2):
        image = image[:, :, 0]
    return np.ascontiguousarray(image)
