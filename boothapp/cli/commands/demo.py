"""``boothapp demo``: a demo event with a generated roster and badge video as the camera."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.context import open_context
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.settings import NO_CAMERA


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="try BoothApp on a demo event (no camera needed)")
    parser.add_argument("--no-gui", action="store_true", help="build the demo data and exit")
    parser.add_argument("--leads", type=int, default=0, help="add N realistic leads")
    parser.add_argument("--quit-after", type=float, default=0, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
            staff=summary.staff,
            attendees=summary.attendees,
            leads=summary.leads,
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
