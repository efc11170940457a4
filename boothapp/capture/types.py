"""Values the capture layer hands upward: decoded symbols and reader hints."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]  # BGR (H, W, 3) or grey (H, W), as OpenCV delivers it
Point = tuple[float, float]


class Hint(enum.StrEnum):
    """What to tell staff when a symbol is seen but cannot be read yet."""

    NONE = ""
    MOVE_CLOSER = "Move the badge closer"
    HOLD_STILL = "Hold still"
    TOO_DARK = "More light, please"
    GLARE = "Tilt the badge to avoid glare"


@dataclass(frozen=True, slots=True)
class DecodeResult:
    symbology: str  # e.g. "QRCode", "PDF417", "Code128" (zxing-cpp format names)
    text: str
    corners: tuple[Point, ...] = ()  # in full-frame pixel coordinates, clockwise from top-left
    backend: str = ""  # which decoder produced it: "zxing", "pyzbar", "opencv"
    ms: float = 0.0


@dataclass(frozen=True, slots=True)
class DecodeOutcome:
    results: tuple[DecodeResult, ...] = ()
    hint: Hint = Hint.NONE
    ms: float = 0.0
    candidates: tuple[tuple[Point, ...], ...] = field(default=())  # seen but unread regions


class FrameDecoder(Protocol):
    """Anything that turns one frame into decoded symbols (the pipeline or one backend)."""

    def decode(self, frame: Frame) -> DecodeOutcome: ...
