"""Which barcode symbologies an event enables, and how each backend names them.

Every enabled symbology costs decode time on every frame, so the scanner searches only the
ones the event's badges use. Names users type (CLI, event config) are the enum values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import zxingcpp

# The decoder libraries a frame can be read with alone (``decoders.make_backend``); here, not
# beside the decoders, so the CLI names them without loading OpenCV and numpy (~0.4 s).
BACKENDS = ("zxing", "pyzbar", "opencv")


class Symbology(enum.StrEnum):
    QR = "qr"
    MICRO_QR = "microqr"
    PDF417 = "pdf417"
    DATA_MATRIX = "datamatrix"
    AZTEC = "aztec"
    CODE128 = "code128"
    CODE39 = "code39"
    CODE93 = "code93"
    EAN_UPC = "ean-upc"
    ITF = "itf"
    CODABAR = "codabar"


ALL_SYMBOLOGIES: frozenset[Symbology] = frozenset(Symbology)

# What badges carry (BADGES.md): QR first, then the 1D and stacked/matrix codes.
BADGE_SYMBOLOGIES: frozenset[Symbology] = frozenset(
    {
        Symbology.QR,
        Symbology.PDF417,
        Symbology.DATA_MATRIX,
        Symbology.AZTEC,
        Symbology.CODE128,
        Symbology.CODE39,
    }
)

MATRIX_SYMBOLOGIES: frozenset[Symbology] = frozenset(
    {Symbology.QR, Symbology.MICRO_QR, Symbology.DATA_MATRIX, Symbology.AZTEC}
)

_ALIASES: dict[str, Symbology] = {
    "qrcode": Symbology.QR,
    "qr-code": Symbology.QR,
    "micro-qr": Symbology.MICRO_QR,
    "pdf-417": Symbology.PDF417,
    "data-matrix": Symbology.DATA_MATRIX,
    "dm": Symbology.DATA_MATRIX,
    "code-128": Symbology.CODE128,
    "code-39": Symbology.CODE39,
    "code-93": Symbology.CODE93,
    "ean": Symbology.EAN_UPC,
    "upc": Symbology.EAN_UPC,
    "eanupc": Symbology.EAN_UPC,
    "ean/upc": Symbology.EAN_UPC,
}

_F = zxingcpp.BarcodeFormat
_ZXING: dict[Symbology, tuple[zxingcpp.BarcodeFormat, ...]] = {
    Symbology.QR: (_F.QRCode,),
    Symbology.MICRO_QR: (_F.MicroQRCode,),
    Symbology.PDF417: (_F.PDF417,),
    Symbology.DATA_MATRIX: (_F.DataMatrix,),
    Symbology.AZTEC: (_F.Aztec,),
    Symbology.CODE128: (_F.Code128,),
    # Plain and full-ASCII Code 39 only: the Code39 family also holds Code 32 and PZN (pharma),
    # which re-interpret a badge's 6-digit id as a different number.
    Symbology.CODE39: (_F.Code39Std, _F.Code39Ext),
    Symbology.CODE93: (_F.Code93,),
    Symbology.EAN_UPC: (_F.EANUPC,),
    Symbology.ITF: (_F.ITF,),
    Symbology.CODABAR: (_F.Codabar,),
}

# pyzbar (zbar) type names; zbar reads no Data Matrix, Aztec or Micro QR.
_ZBAR: dict[Symbology, tuple[str, ...]] = {
    Symbology.QR: ("QRCODE",),
    Symbology.PDF417: ("PDF417",),
    Symbology.CODE128: ("CODE128",),
    Symbology.CODE39: ("CODE39",),
    Symbology.CODE93: ("CODE93",),
    Symbology.EAN_UPC: ("EAN13", "EAN8", "UPCA", "UPCE", "ISBN10", "ISBN13"),
    Symbology.ITF: ("I25",),
    Symbology.CODABAR: ("CODABAR",),
}

# Result names are zxing-cpp's format names (DecodeResult.symbology), whatever the backend.
_ZBAR_TO_NAME: dict[str, str] = {
    "QRCODE": "QRCode",
    "PDF417": "PDF417",
    "CODE128": "Code128",
    "CODE39": "Code39",
    "CODE93": "Code93",
    "EAN13": "EAN13",
    "EAN8": "EAN8",
    "UPCA": "UPCA",
    "UPCE": "UPCE",
    "ISBN10": "EAN13",
    "ISBN13": "EAN13",
    "I25": "ITF",
    "CODABAR": "Codabar",
}

_NAME_TO_SYMBOLOGY: dict[str, Symbology] = {
    "QRCode": Symbology.QR,
    "QRCodeModel2": Symbology.QR,
    "MicroQRCode": Symbology.MICRO_QR,
    "PDF417": Symbology.PDF417,
    "DataMatrix": Symbology.DATA_MATRIX,
    "Aztec": Symbology.AZTEC,
    "AztecCode": Symbology.AZTEC,
    "Code128": Symbology.CODE128,
    "Code39": Symbology.CODE39,
    "Code39Std": Symbology.CODE39,
    "Code39Ext": Symbology.CODE39,
    "Code93": Symbology.CODE93,
    "EAN13": Symbology.EAN_UPC,
    "EAN8": Symbology.EAN_UPC,
    "UPCA": Symbology.EAN_UPC,
    "UPCE": Symbology.EAN_UPC,
    "ISBN": Symbology.EAN_UPC,
    "ITF": Symbology.ITF,
    "ITF14": Symbology.ITF,
    "Codabar": Symbology.CODABAR,
}


def parse_symbology(name: str) -> Symbology:
    """One user-typed name ("qr", "PDF417", "ean-upc") to its Symbology."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return Symbology(key)
    except ValueError:
        pass
    if key in _ALIASES:
        return _ALIASES[key]
    valid = ", ".join(s.value for s in Symbology)
    raise ValueError(f"unknown symbology {name!r}; choose from: {valid}")


def parse_symbologies(text: str) -> frozenset[Symbology]:
    """A comma-separated list ("qr,pdf417") to a set; "all" enables every symbology."""
    names = [part for part in (p.strip() for p in text.split(",")) if part]
    if not names:
        raise ValueError("no symbology given")
    if any(n.lower() == "all" for n in names):
        return ALL_SYMBOLOGIES
    return frozenset(parse_symbology(n) for n in names)


def zxing_formats(symbologies: Iterable[Symbology]) -> list[zxingcpp.BarcodeFormat]:
    return [fmt for s in sorted(symbologies) for fmt in _ZXING[s]]


def zbar_types(symbologies: Iterable[Symbology]) -> list[str]:
    return [t for s in sorted(symbologies) for t in _ZBAR.get(s, ())]


def zbar_result_name(zbar_type: str) -> str:
    return _ZBAR_TO_NAME.get(zbar_type, zbar_type)


def symbology_of(result_name: str) -> Symbology | None:
    """The Symbology of a DecodeResult.symbology name (zxing-cpp format name)."""
    return _NAME_TO_SYMBOLOGY.get(result_name)
