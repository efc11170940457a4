"""Webcam-like 1280x720 frames of a printed badge, each with the payload it carries.

A badge card (coloured header, name, company, one symbol) is placed on a cluttered booth
background with perspective tilt, at a distance, then degraded the way a laptop webcam does:
motion or defocus blur, low light with sensor noise, a glare spot from lamination, JPEG.
Deterministic by seed, so tests can name the frames they assert on.

    python bench/synthetic_frames.py --out /tmp/frames --count 20   # writes PNGs to look at
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import segno
import zxingcpp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boothapp.capture.symbologies import Symbology

WIDTH, HEIGHT = 1280, 720

SYNTHETIC_SYMBOLOGIES: tuple[Symbology, ...] = (
    Symbology.QR,
    Symbology.PDF417,
    Symbology.CODE128,
    Symbology.CODE39,
    Symbology.DATA_MATRIX,
    Symbology.AZTEC,
)

_FIRST = ["Jane", "Amit", "Sofia", "Lars", "Mei", "Omar", "Chloe", "Diego", "Ines", "Kofi"]
_LAST = ["Doe", "Patel", "Rossi", "Berg", "Chen", "Haddad", "Martin", "Lopez", "Silva", "Mensah"]
_ORG = ["Acme Corp", "Globex", "Initech", "Umbrella AG", "Stark Ind.", "Wayne Ent.", "Hooli"]


@dataclass(frozen=True, slots=True)
class Conditions:
    module_px: float  # frame pixels per module (distance; printed module size is fixed)
    tilt: float  # 0..1 perspective strength
    roll_deg: float  # in-plane rotation
    motion_px: float  # motion blur length
    defocus: float  # Gaussian sigma
    light: float  # 1.0 normal, 0.25 dim hall
    noise: float  # sensor noise sigma
    glare: bool
    jpeg_quality: int

    def labels(self) -> tuple[str, ...]:
        out = []
        if self.module_px < 1.7:
            out.append("far")
        if self.tilt >= 0.25:
            out.append("tilt")
        if self.motion_px > 0:
            out.append("motion")
        if self.defocus > 0.7:
            out.append("defocus")
        if self.light < 0.5:
            out.append("dark")
        if self.glare:
            out.append("glare")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class SyntheticFrame:
    seed: int
    symbology: Symbology
    text: str
    image: np.ndarray  # BGR uint8 (720, 1280, 3)
    quad: tuple[tuple[float, float], ...]  # symbol corners in the frame, clockwise from top-left
    conditions: Conditions


def payload(symbology: Symbology, rng: np.random.Generator) -> str:
    first, last = _FIRST[rng.integers(len(_FIRST))], _LAST[rng.integers(len(_LAST))]
    org = _ORG[rng.integers(len(_ORG))]
    num = int(rng.integers(1000, 999999))
    if symbology in (Symbology.CODE39,):
        return f"{num:06d}"
    if symbology is Symbology.CODE128:
        return f"SBpax{num:06d}"
    kind = int(rng.integers(3))
    if kind == 0:
        return f"MECARD:N:{last},{first};EMAIL:{first.lower()}@example.com;ORG:{org};;"
    if kind == 1:
        return f"{num}^{first}^{last}^{first.lower()}@example.com^{org}"
    return f"https://reg.example.com/t/at/{rng.bytes(8).hex()}/"


def render_symbol(symbology: Symbology, text: str) -> np.ndarray:
    """The symbol at one pixel per module, with a quiet zone, grey uint8 (black on white)."""
    if symbology is Symbology.QR:
        matrix = np.array(segno.make_qr(text, error="m").matrix, dtype=np.uint8)
        img = np.where(matrix > 0, 0, 255).astype(np.uint8)
        quiet = 4
    else:
        fmt = {
            Symbology.PDF417: zxingcpp.BarcodeFormat.PDF417,
            Symbology.CODE128: zxingcpp.BarcodeFormat.Code128,
            Symbology.CODE39: zxingcpp.BarcodeFormat.Code39,
            Symbology.DATA_MATRIX: zxingcpp.BarcodeFormat.DataMatrix,
            Symbology.AZTEC: zxingcpp.BarcodeFormat.Aztec,
        }[symbology]
        code = zxingcpp.create_barcode(text, fmt)
        img = np.array(zxingcpp.write_barcode_to_image(code, scale=1), dtype=np.uint8)
        quiet = 10 if symbology in (Symbology.CODE128, Symbology.CODE39) else 2
    return cv2.copyMakeBorder(img, quiet, quiet, quiet, quiet, cv2.BORDER_CONSTANT, value=255)


def _badge(
    symbol: np.ndarray, text_rng: np.random.Generator, module: int
) -> tuple[np.ndarray, np.ndarray]:
    """A badge card in BGR with the symbol printed at ``module`` px per module; symbol quad."""
    sym = cv2.resize(symbol, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    sh, sw = sym.shape
    card_w = max(420, sw + 60)
    card_h = 260 + sh + 40
    card = np.full((card_h, card_w, 3), (238, 240, 242), np.uint8)
    colour = tuple(int(c) for c in text_rng.integers(40, 200, 3))
    card[:90] = colour
    cv2.putText(card, "EXPO 2026", (20, 62), cv2.FONT_HERSHEY_DUPLEX, 1.6, (255, 255, 255), 3)
    name = f"{_FIRST[text_rng.integers(len(_FIRST))]} {_LAST[text_rng.integers(len(_LAST))]}"
    cv2.putText(card, name, (20, 160), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 3)
    org = _ORG[text_rng.integers(len(_ORG))]
    cv2.putText(card, org, (20, 215), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (70, 70, 70), 2)
    x0, y0 = (card_w - sw) // 2, 250
    card[y0 : y0 + sh, x0 : x0 + sw] = np.minimum(card[y0 : y0 + sh, x0 : x0 + sw], sym[..., None])
    quad = np.array([[x0, y0], [x0 + sw, y0], [x0 + sw, y0 + sh], [x0, y0 + sh]], np.float32)
    return card, quad


def _background(rng: np.random.Generator) -> np.ndarray:
    """A booth: gradient wall, posters, shelves, text, a hand-ish blob; smooth like a lens."""
    bg = np.zeros((HEIGHT, WIDTH, 3), np.float32)
    top, bottom = rng.uniform(60, 200, 3), rng.uniform(40, 180, 3)
    ramp = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None, None]
    bg[:] = top * (1 - ramp) + bottom * ramp
    bg = bg.astype(np.uint8)  # OpenCV draws text on 8-bit images only
    for _ in range(int(rng.integers(12, 28))):
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        w, h = int(rng.integers(30, 400)), int(rng.integers(20, 300))
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        cv2.rectangle(bg, (x, y), (x + w, y + h), colour, -1 if rng.random() < 0.7 else 3)
    for _ in range(int(rng.integers(5, 15))):
        p1 = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        p2 = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        cv2.line(
            bg, p1, p2, tuple(float(c) for c in rng.uniform(0, 255, 3)), int(rng.integers(1, 6))
        )
    for _ in range(int(rng.integers(3, 8))):
        org = (int(rng.integers(0, WIDTH - 200)), int(rng.integers(30, HEIGHT)))
        word = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(4, 12))))
        cv2.putText(
            bg,
            word,
            org,
            cv2.FONT_HERSHEY_SIMPLEX,
            float(rng.uniform(0.6, 2.0)),
            tuple(float(c) for c in rng.uniform(0, 255, 3)),
            2,
        )
    return cv2.GaussianBlur(bg, (0, 0), 1.2).astype(np.float32)


DEGRADATIONS = ("far", "tilt", "motion", "defocus", "dark", "glare")


def _conditions(rng: np.random.Generator, hard: bool) -> Conditions:
    """One to three webcam troubles at once (hard), or mostly none (easy)."""
    count = int(rng.choice([1, 2, 2, 3] if hard else [0, 0, 0, 1]))
    chosen = set(rng.choice(DEGRADATIONS, size=count, replace=False).tolist())
    return Conditions(
        module_px=float(rng.uniform(1.2, 1.7) if "far" in chosen else rng.uniform(2.0, 4.5)),
        tilt=float(rng.uniform(0.25, 0.5) if "tilt" in chosen else rng.uniform(0, 0.15)),
        roll_deg=float(rng.uniform(-25, 25)),
        motion_px=float(rng.uniform(2, 5)) if "motion" in chosen else 0.0,
        defocus=float(rng.uniform(0.8, 1.4)) if "defocus" in chosen else 0.4,
        light=float(rng.uniform(0.25, 0.45)) if "dark" in chosen else 1.0,
        noise=float(rng.uniform(4, 9)) if "dark" in chosen else float(rng.uniform(1, 4)),
        glare="glare" in chosen,
        jpeg_quality=int(rng.integers(50, 90)),
    )


def make_frame(
    seed: int,
    symbology: Symbology | None = None,
    *,
    conditions: Conditions | None = None,
    hard: bool = True,
    text: str | None = None,
) -> SyntheticFrame:
    """One frame, fully determined by its arguments."""
    rng = np.random.default_rng(seed)
    if symbology is None:
        symbology = SYNTHETIC_SYMBOLOGIES[int(rng.integers(len(SYNTHETIC_SYMBOLOGIES)))]
    cond = conditions or _conditions(rng, hard)
    text = text if text is not None else payload(symbology, rng)
    symbol = render_symbol(symbology, text)
    module = 6 if symbology in (Symbology.CODE128, Symbology.CODE39) else 8
    card, sym_quad = _badge(symbol, np.random.default_rng(seed + 7), module)
    ch, cw = card.shape[:2]

    # Where the card lands: the symbol gets symbol_px wide in the frame.
    scale = cond.module_px / module
    symbol_px = float(sym_quad[1, 0] - sym_quad[0, 0]) * scale
    out_w, out_h = cw * scale, ch * scale
    cx = float(rng.uniform(out_w / 2 + 20, max(out_w / 2 + 21, WIDTH - out_w / 2 - 20)))
    cy = float(rng.uniform(min(out_h / 2, HEIGHT / 2), max(HEIGHT / 2, HEIGHT - out_h / 2)))
    corners = np.array(
        [
            [-out_w / 2, -out_h / 2],
            [out_w / 2, -out_h / 2],
            [out_w / 2, out_h / 2],
            [-out_w / 2, out_h / 2],
        ],
        np.float32,
    )
    angle = np.deg2rad(cond.roll_deg)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    corners = corners @ rot.T
    # Perspective: one side of the card further from the camera than the other.
    shrink = cond.tilt * 0.5
    side = int(rng.integers(4))
    idx = [(0, 1), (1, 2), (2, 3), (3, 0)][side]
    for i in idx:
        corners[i] *= 1.0 - shrink
    corners += np.array([cx, cy], np.float32)
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    homography = cv2.getPerspectiveTransform(src, corners)

    frame = _background(rng)
    warped = cv2.warpPerspective(
        card.astype(np.float32), homography, (WIDTH, HEIGHT), flags=cv2.INTER_AREA
    )
    mask = cv2.warpPerspective(
        np.ones((ch, cw), np.float32), homography, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR
    )
    frame = frame * (1 - mask[..., None]) + warped * mask[..., None]
    quad = cv2.perspectiveTransform(sym_quad.reshape(-1, 1, 2), homography).reshape(-1, 2)

    if cond.glare:
        gx, gy = quad.mean(axis=0) + rng.uniform(-0.3, 0.3, 2) * symbol_px
        radius = symbol_px * float(rng.uniform(0.12, 0.3))
        yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
        spot = np.exp(-(((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * radius**2))).astype(np.float32)
        frame += spot[..., None] * 255.0 * float(rng.uniform(0.8, 1.4))
    frame *= cond.light
    if cond.defocus > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), cond.defocus)
    if cond.motion_px > 0:
        length = round(cond.motion_px)
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        rot_k = cv2.getRotationMatrix2D(
            (length / 2 - 0.5, length / 2 - 0.5), float(rng.uniform(0, 180)), 1.0
        )
        kernel = cv2.warpAffine(kernel, rot_k, (length, length))
        kernel /= max(float(kernel.sum()), 1e-6)
        frame = cv2.filter2D(frame, -1, kernel)
    frame += rng.normal(0, cond.noise, frame.shape).astype(np.float32)
    image = np.clip(frame, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, cond.jpeg_quality])
    image = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else image
    return SyntheticFrame(
        seed=seed,
        symbology=symbology,
        text=text,
        image=image,
        quad=tuple((float(x), float(y)) for x, y in quad),
        conditions=cond,
    )


def frames(count: int, start_seed: int = 0, hard: bool = True) -> Iterator[SyntheticFrame]:
    for seed in range(start_seed, start_seed + count):
        yield make_frame(seed, hard=hard)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for f in frames(args.count, args.seed):
        name = f"{f.seed:04d}-{f.symbology.value}-{'-'.join(f.conditions.labels()) or 'easy'}.png"
        cv2.imwrite(str(args.out / name), f.image)
        (args.out / name).with_suffix(".txt").write_text(f.text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
