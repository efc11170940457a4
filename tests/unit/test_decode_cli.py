"""``boothapp decode IMAGE...`` end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
import zxingcpp

from boothapp.cli import main


def _qr(text: str, scale: int = 6) -> np.ndarray:
    matrix = np.array(segno.make_qr(text, error="m").matrix, dtype=np.uint8)
    sym = np.where(matrix > 0, 0, 255).astype(np.uint8)
    return cv2.resize(sym, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)


def _code128(text: str) -> np.ndarray:
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    return np.array(zxingcpp.write_barcode_to_image(code, scale=3), dtype=np.uint8)


@pytest.fixture()
def images(tmp_path: Path) -> dict[str, Path]:
    badge = np.full((400, 600), 255, np.uint8)
    qr = _qr("MECARD:N:Doe,Jane;EMAIL:jane@example.com;;")
    badge[40 : 40 + qr.shape[0], 40 : 40 + qr.shape[1]] = qr
    two = np.full((480, 700), 255, np.uint8)
    small_qr = _qr("ID-7", scale=5)
    two[20 : 20 + small_qr.shape[0], 20 : 20 + small_qr.shape[1]] = small_qr
    bars = _code128("SBpax001")
    two[310 : 310 + bars.shape[0], 40 : 40 + bars.shape[1]] = bars
    paths = {
        "badge": tmp_path / "badge.png",
        "two": tmp_path / "two.jpg",
        "blank": tmp_path / "blank.png",
        "broken": tmp_path / "broken.png",
    }
    cv2.imwrite(str(paths["badge"]), badge)
    cv2.imwrite(str(paths["two"]), two, [cv2.IMWRITE_JPEG_QUALITY, 95])
    cv2.imwrite(str(paths["blank"]), np.full((100, 100, 3), 180, np.uint8))
    paths["broken"].write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    return paths


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_one_json_line_per_image_with_text_or_null(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["decode", str(images["badge"]), str(images["blank"])])
    lines = _lines(capsys.readouterr().out)
    assert code == 0
    assert [(x["file"], x["symbology"], x["text"]) for x in lines] == [
        (str(images["badge"]), "QRCode", "MECARD:N:Doe,Jane;EMAIL:jane@example.com;;"),
        (str(images["blank"]), None, None),
    ]
    assert all(isinstance(x["ms"], float) for x in lines)


def test_an_image_with_two_symbols_prints_two_lines(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decode", str(images["two"])]) == 0
    lines = _lines(capsys.readouterr().out)
    assert sorted((x["symbology"], x["text"]) for x in lines) == [
        ("Code128", "SBpax001"),
        ("QRCode", "ID-7"),
    ]


def test_symbologies_option_limits_what_is_read(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decode", "--symbologies", "code128", str(images["two"])]) == 0
    lines = _lines(capsys.readouterr().out)
    assert [(x["symbology"], x["text"]) for x in lines] == [("Code128", "SBpax001")]


@pytest.mark.parametrize("backend", ["pipeline", "zxing", "pyzbar", "opencv"])
def test_every_backend_can_be_chosen(
    backend: str, images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decode", "--backend", backend, str(images["badge"])]) == 0
    lines = _lines(capsys.readouterr().out)
    assert [x["text"] for x in lines] == ["MECARD:N:Doe,Jane;EMAIL:jane@example.com;;"]


def test_missing_and_broken_files_get_an_error_line_and_exit_non_zero(
    images: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.png"
    code = main(["decode", str(missing), str(images["broken"]), str(images["badge"])])
    captured = capsys.readouterr()
    lines = _lines(captured.out)
    assert code == 1
    assert lines[0]["file"] == str(missing) and "no such file" in str(lines[0]["error"])
    assert lines[0]["text"] is None
    assert "not a readable image" in str(lines[1]["error"])
    assert lines[2]["text"] == "MECARD:N:Doe,Jane;EMAIL:jane@example.com;;"  # still processed
    assert "Traceback" not in captured.err


def test_an_unknown_symbology_is_a_one_line_error(
    images: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["decode", "--symbologies", "qr,telex", str(images["badge"])])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "boothapp: error: --symbologies: unknown symbology 'telex'; choose from: qr, microqr, "
        "pdf417, datamatrix, aztec, code128, code39, code93, ean-upc, itf, codabar"
    ]
