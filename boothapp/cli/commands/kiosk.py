"""``boothapp kiosk``: the full-screen self-registration shell (exit needs a staff PIN)."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.settings import NO_CAMERA


def register(sub: Any) -> None:
    parser = sub.add_parser("kiosk", help="full-screen kiosk where visitors register themselves")
    parser.add_argument("--event", help="event id or name (default: the current event)")
    parser.add_argument("--camera", help="camera index, video file or stream URL")
    parser.add_argument("--idle", type=float, default=30.0, help="idle reset after N seconds")
    parser.add_argument("--windowed", action="store_true", help="not full screen (trying out)")
    parser.add_argument("--quit-after", type=float, default=0, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        if args.event:
            event = find_event(ctx, args.event)
        else:
            events = ctx.events.list_events()
            current = next((e for e in events if e.id == ctx.settings.current_event_id), None)
            if current is None:
                raise CliError(_("no event yet: create one first ('boothapp event create')"))
            event = current
        if not ctx.staff.list_staff(event.id):
            raise CliError(
                _(
                    "{event} has no staff: add one first, their PIN is the way out of the kiosk"
                ).format(event=event.name)
            )
        if args.idle < 5:
            raise CliError(_("--idle must be at least 5 seconds"))
        from boothapp.ui.kiosk.shell import run_kiosk

        saved = "" if ctx.settings.camera == NO_CAMERA else ctx.settings.camera
        return run_kiosk(ctx, event, camera=args.camera or saved or "",
                         idle_timeout_s=args.idle, windowed=args.windowed,
                         quit_after=args.quit_after)  # fmt: skip
    finally:
        ctx.close()
