"""The in-repo subset of the real badge-photo corpus (tests/fixtures/badges-real, see its README):
third-party images of the six badge symbologies, each with its expected payload."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "badges-real"


@dataclass(frozen=True, slots=True)
class CorpusImage:
    file: str  # relative to CORPUS, e.g. "qrcode/zxing-qrcode-2/11.png"
    format: str  # qrcode, pdf417, code128, code39, datamatrix, aztec
    kind: str  # "clean" (generated) or "photo"
    payload_file: str


@cache
def images() -> tuple[CorpusImage, ...]:
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            CorpusImage(r["file"], r["format"], r["kind"], r["expected_payload_file"])
            for r in csv.DictReader(fh)
        )


def read_payload(payload_file: str) -> str:
    """A payload as the symbol holds it: .txt is UTF-8, .bin ISO-8859-1; CR LF kept as printed."""
    path = CORPUS / payload_file
    encoding = "utf-8" if path.suffix == ".txt" else "iso-8859-1"
    with path.open(encoding=encoding, newline="") as fh:
        return fh.read()


def expected_payload(image: str) -> str:
    row = next(i for i in images() if i.file == image)
    return read_payload(row.payload_file).strip()
