"""How large an image file may be before it is decoded (issue #18 finding 5).

A 148 KB GIF claiming 20000x10000 took 49 s and 1.7 GB to decode; a PNG header claiming
100000x100000 made OpenCV raise out of the decode path. The claimed size is read from the
header (Pillow reads only the header on open for PNG, JPEG, GIF, BMP, TIFF and WebP) and a
file past these limits is refused before any pixel is decoded.
"""

from __future__ import annotations

from pathlib import Path

from boothapp.core.i18n import _

# A 48 MP phone photo of a badge is 8000x6000; past this a header lies or it is a bomb.
MAX_IMAGE_PIXELS = 50_000_000
MAX_FILE_BYTES = 100 * 1024 * 1024


def image_too_large(path: Path) -> str | None:
    """Why ``path`` must not be decoded, or None. A format Pillow does not know is left to
    OpenCV, whose own pixel limit then applies."""
    from PIL import Image

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _("file of {size} MB, at most {most} MB").format(
            size=size // 2**20, most=MAX_FILE_BYTES // 2**20
        )
    try:
        with Image.open(path) as img:
            width, height = img.size
    except Image.DecompressionBombError:  # Pillow's own limit (2 x 89 MP): over ours too
        return _("more than {most} megapixels claimed").format(most=MAX_IMAGE_PIXELS // 1_000_000)
    except Exception:
        return None
    if width * height > MAX_IMAGE_PIXELS:
        return _("more than {most} megapixels claimed ({width}x{height})").format(
            most=MAX_IMAGE_PIXELS // 1_000_000, width=width, height=height
        )
    return None
