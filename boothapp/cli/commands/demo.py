"""``boothapp demo``: a demo event with a generated roster and badge video as the camera.

``boothapp demo --hub [URL]``: the same on an event hub (issue 19), two app windows ("laptop
1" and "laptop 2", each its own process and data folder) joined to one hub: a throwaway
PostgreSQL on loopback, or the server at URL (a role that may create roles, as for ``hub
init``). Save a badge on one window, scan it on the other: "Scanned before by ...".
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from boothapp.cli.context import open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number, native_digits
from boothapp.settings import NO_CAMERA

LOOPBACK = "loopback"


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="try BoothApp on a demo event (no camera needed)")
    parser.add_argument("--no-gui", action="store_true", help="build the demo data and exit")
    parser.add_argument("--leads", type=int, default=0, metavar="N", help="add N realistic leads")
    parser.add_argument(
        "--hub", nargs="?", const=LOOPBACK, metavar="URL",
        help="two app windows on one event hub: a PostgreSQL started on loopback for the "
        "demo, or the one at URL",
    )  # fmt: skip
    parser.add_argument(
        "--hub-dir", type=Path,
        help="keep the two laptops' data folders here (default: a temporary folder, removed "
        "at the end)",
    )  # fmt: skip
    parser.add_argument("--quit-after", type=float, default=0, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.hub is not None:
        return _run_hub(args)
    from boothapp.demo.build import build_demo

    ctx = open_context(args)
    try:
        bar = ProgressBar(_("Adding demo leads"))
        summary = build_demo(ctx, leads=max(0, args.leads), video=not args.no_gui, progress=bar)
        bar.done()
        text = _(
            "{event}: {staff} staff (PINs 1111, 2222, 3333), {attendees} attendees, "
            "{leads} leads added"
        ).format(
            event=summary.event.name,
            staff=format_number(summary.staff),  # "۳" in Persian; the PINs stay as typed
            attendees=format_number(summary.attendees),
            leads=format_number(summary.leads),
        )
        print(f"{summary.event.id}\t{text}")  # fmt: skip
        if args.no_gui:
            return 0
        from boothapp.ui.shell import run_desktop

        if ctx.settings.camera != NO_CAMERA:  # "No camera" picked before stays picked
            ctx.settings.camera = str(summary.video)
        return run_desktop(ctx, quit_after=args.quit_after)
    finally:
        ctx.close()


def _run_hub(args: argparse.Namespace) -> int:
    from boothapp.demo.hub_demo import prepare_laptops
    from boothapp.demo.loopback_pg import start_loopback
    from boothapp.services.errors import ServiceError
    from boothapp.sync.hub.client import HubError

    root = args.hub_dir or Path(tempfile.mkdtemp(prefix="boothapp-demo-hub-"))
    server = None
    try:
        if args.hub == LOOPBACK:
            # A folder of its own in the system's temporary folder: as root the server runs
            # as ``postgres``, which could not reach a folder inside a private one.
            server = start_loopback()
            print(
                _("PostgreSQL for the hub on 127.0.0.1:{port} ({folder})").format(
                    port=server.port, folder=server.root
                )
            )
            url = server.create_database("booth")
        else:
            url = args.hub
        laptops = prepare_laptops(root / "laptops", url, video=not args.no_gui)
        for laptop in laptops:
            print(
                _("{laptop}: {event}, data folder {folder}").format(
                    laptop=laptop.name, event=laptop.event_name, folder=laptop.data_dir
                )
            )
        if args.no_gui:
            return 0
        print(
            _(
                "Two windows: sign in on each (PINs 1111, 2222, 3333), save a badge on one, "
                "scan it on the other. Close both windows to end the demo."
            )
        )
        windows = [_open_window(laptop.data_dir, args.quit_after) for laptop in laptops]
        try:
            codes = [window.wait() for window in windows]
        finally:  # Ctrl+C here: the windows go too, not left on a hub that is gone
            for window in windows:
                if window.poll() is None:
                    window.terminate()
                    window.wait(10)
        _say_who_was_there(url)
        return max(codes)
    except (ServiceError, HubError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        if server is not None:
            server.stop()
        if args.hub_dir is None:
            shutil.rmtree(root, ignore_errors=True)


def _open_window(data_dir: Path, quit_after: float) -> subprocess.Popen[bytes]:
    """One laptop's app window, in a process of its own (its own keyboard wedge, its own
    replicator), as on two laptops."""
    me = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "boothapp"]
    cmd = [*me, "--data-dir", str(data_dir), "demo"]
    if quit_after:
        cmd += ["--quit-after", str(quit_after)]
    return subprocess.Popen(cmd)


def _say_who_was_there(url: str) -> None:
    """Which laptops the hub saw, and when last (the replicators ran)."""
    from boothapp.sync.hub import client

    try:
        with client.connect(client.conninfo(url)) as conn:
            for device in client.devices(conn):
                seen = f"{device.last_seen:%H:%M:%S}" if device.last_seen else _("never")
                print(
                    _("hub: {device} last seen {seen}, pushed {seq}").format(
                        device=device.name, seen=native_digits(seen), seq=device.last_pushed_seq
                    )
                )
    except Exception as exc:  # only a farewell line; the demo itself is over
        print(_("hub: not reachable at the end ({reason})").format(reason=exc))
