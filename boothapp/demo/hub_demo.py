"""The booth demo on an event hub (issue 19): two laptops' data folders, each with the demo
event, its staff and its badge video, joined to one hub as "laptop 1" and "laptop 2".

``boothapp demo --hub`` prepares them here and opens one app window per laptop (each its own
process, as two laptops are); a badge saved on one is "Scanned before by Deniz Aksoy ...
(laptop 1)" when the other scans it. The hub is a throwaway PostgreSQL on loopback
(``loopback_pg``) unless a URL is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from boothapp.app import build_context
from boothapp.demo.build import build_demo
from boothapp.services.hub import HubService
from boothapp.settings import NO_CAMERA

LAPTOPS = ("laptop 1", "laptop 2")


@dataclass(frozen=True, slots=True)
class DemoLaptop:
    name: str
    data_dir: Path
    event_name: str


def prepare_laptops(
    root: Path, hub_url: str, names: tuple[str, ...] = LAPTOPS, video: bool = True
) -> list[DemoLaptop]:
    """One data folder per laptop under ``root``, with the demo event (and its badge video as
    the camera), joined to the hub (``hub init`` first: it is idempotent). Preparing again
    reuses what is there."""
    HubService.init(hub_url)
    laptops = []
    for name in names:
        data = root / name.replace(" ", "-")
        data.mkdir(parents=True, exist_ok=True)
        ctx = build_context(str(data))
        try:
            summary = build_demo(ctx, video=video)
            if ctx.settings.camera != NO_CAMERA and summary.video is not None:
                ctx.settings.camera = str(summary.video)
            if not ctx.hub.joined:
                ctx.hub.join(hub_url, summary.event.id, name)
            ctx.save_settings()
            laptops.append(DemoLaptop(name, data, summary.event.name))
        finally:
            ctx.close()
    return laptops
