"""Where the bundled assets (templates, fonts, sounds, example configs) are.

They ship inside the package (``boothapp/assets``), so an editable install, a wheel and the
PyInstaller bundle (which keeps package data under ``sys._MEIPASS/boothapp``) all find them.
"""

from __future__ import annotations

from pathlib import Path

_ASSETS = Path(__file__).resolve().parent / "assets"


def assets_dir() -> Path:
    return _ASSETS


def asset(*parts: str) -> Path:
    return _ASSETS.joinpath(*parts)
