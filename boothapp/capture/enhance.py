"""Contrast and sharpness fixes tried on crops that did not read as they were."""

from __future__ import annotations

import cv2
import numpy as np

from boothapp.capture.types import Frame

_CLAHE = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(4, 4))


def clahe(grey: Frame) -> Frame:
    """Local contrast: lifts a badge out of shadow or a dim hall."""
    return _CLAHE.apply(grey)  # type: ignore[return-value]


def sharpen(grey: Frame) -> Frame:
    """Unsharp mask: recovers module edges softened by defocus or mild motion blur."""
    soft = cv2.GaussianBlur(grey, (0, 0), 2.0)
    return cv2.addWeighted(grey, 1.8, soft, -0.8, 0)  # type: ignore[return-value]


def smooth(grey: Frame) -> Frame:
    """A light blur: JPEG blocks and sensor noise otherwise split modules apart."""
    return cv2.GaussianBlur(grey, (3, 3), 0)  # type: ignore[return-value]


def binarise(grey: Frame) -> Frame:
    """Adaptive threshold: uneven light across the badge (glare on one side)."""
    block = max(15, (min(grey.shape[:2]) // 8) | 1)
    return cv2.adaptiveThreshold(  # type: ignore[return-value]
        grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5
    )


def pad(grey: Frame, border: int = 16, value: int = 255) -> Frame:
    """A quiet zone for symbols cropped or printed to the edge."""
    return cv2.copyMakeBorder(  # type: ignore[return-value]
        grey, border, border, border, border, cv2.BORDER_CONSTANT, value=value
    )


def sharpness(grey: Frame) -> float:
    """Variance of the Laplacian: low on blurred images."""
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def saturated_fraction(grey: Frame) -> float:
    return float(np.count_nonzero(grey >= 250)) / max(grey.size, 1)
