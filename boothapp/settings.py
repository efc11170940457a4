"""Device settings: declared once, typed, versioned, upgraded in steps.

Settings are per device (which camera, which theme, who signed in last); everything an event
shares across devices lives in the event configuration instead.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2
# "No camera" picked on purpose: kept across restarts, unlike "" which means "ask / pick one".
NO_CAMERA = "none"


@dataclass(slots=True)
class Settings:
    version: int = SETTINGS_VERSION
    device_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    device_name: str = ""
    current_event_id: str = ""
    last_staff_id: str = ""
    camera: str = ""  # "" = ask; "0" = webcam index; a path or URL otherwise; "none" (NO_CAMERA)
    theme: str = "light"  # light | dark
    beep: bool = True
    scan_cooldown_s: float = 3.0
    font_scale: float = 1.0
    # Screen privacy (issue 14): seconds after which the scan page hides the previous visitor's
    # name and company; 0 = off (the default).
    privacy_hide_after_s: int = 0
    # The event hub this device joined (issue 19): its own connection string, no password
    # (that is in the keyring); "" = not joined. A kiosk only pushes.
    hub_url: str = ""
    hub_push_only: bool = False
    # Export column choice and order, per event id (the event manager's last choice).
    export_columns: dict[str, list[str]] = field(default_factory=dict)
    # The window's language (issue 21): "" = the OS's; each staff member's own choice at sign-in
    # by staff id, so the laptop switches to it when they sign in again.
    language: str = ""
    staff_languages: dict[str, str] = field(default_factory=dict)


def _upgrade_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    # v1 stored the camera index as an int under "camera_index".
    index = data.pop("camera_index", None)
    if index is not None and "camera" not in data:
        data["camera"] = str(index)
    return data


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except (OSError, ValueError) as exc:
        # A broken settings file must never stop the booth: start from defaults, keep the file.
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    version = int(data.get("version", 1))
    while version < SETTINGS_VERSION:
        data = _UPGRADES[version](data)
        version += 1
    data["version"] = SETTINGS_VERSION
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in data.items() if k in known})


def save_settings(settings: Settings, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # private (issue #18)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(settings), indent=2, sort_keys=True))
    os.replace(tmp, path)  # atomic: a crash leaves the old or the new file, never half of one
