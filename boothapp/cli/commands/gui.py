"""``boothapp gui`` (the default): start the desktop app."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.context import open_context


def register(sub: Any) -> None:
    parser = sub.add_parser("gui", help="start the desktop app (default)")
    parser.add_argument(
        "--quit-after", type=float, default=0, help=argparse.SUPPRESS
    )  # seconds; for smoke tests and screenshots
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        from boothapp.ui.shell import run_desktop

        return run_desktop(ctx, quit_after=args.quit_after)
    finally:
        ctx.close()
