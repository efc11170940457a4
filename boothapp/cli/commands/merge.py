"""``boothapp merge DEVICE.db [DEVICE.db ...] --event E [--from-event NAME] [--dry-run]``:
bring every booth laptop's leads into this database after the show (see
``boothapp.services.device_merge``). Exit 1 when a file could not be merged."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boothapp.app import AppContext
from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.services.device_merge import merge_device_file
from boothapp.services.errors import ServiceError
from boothapp.store.db import DatabaseError
from boothapp.store.keys import keys_from_file


def register(sub: Any) -> None:
    parser = sub.add_parser("merge", help="merge other booth laptops' database files")
    parser.add_argument("files", nargs="+", type=Path, help="the other devices' boothapp.db")
    parser.add_argument("--event", required=True, help="event id or name here")
    parser.add_argument("--from-event", help="the event's name on the devices (default: same)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change")
    parser.add_argument(
        "--key-file", type=Path, action="append", default=[],
        help="a file with the other laptops' recovery keys, one a line (boothapp db recovery-key "
        "on each), for encrypted files made with another key; this device's key is always tried",
    )  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    failed = 0
    try:
        event = find_event(ctx, args.event)
        if not args.dry_run:
            require_manager(ctx, args, "merge", event.id)
        keys = _merge_keys(ctx, args.key_file)
        for path in args.files:
            bar = ProgressBar(_("Merging {file}").format(file=path.name))
            try:
                report = merge_device_file(
                    ctx.changes, event.id, path, args.from_event, args.dry_run, progress=bar,
                    keys=keys,
                )  # fmt: skip
            except ServiceError as exc:
                bar.done()
                print(_("{file}: not merged: {reason}").format(file=path, reason=exc))
                failed += 1
                continue
            bar.done()
            print(report.text)
        if not args.dry_run and len(args.files) > failed:
            print(
                _("merged leads are planned for follow-up and queued for the CRM (boothapp sync)")
            )
    finally:
        ctx.close()
    return 1 if failed else 0


def _merge_keys(ctx: AppContext, key_files: list[Path]) -> list[bytes]:
    keys: list[bytes] = []
    for key_file in key_files:
        try:
            keys.extend(key.raw for key in keys_from_file(key_file))
        except DatabaseError as exc:
            raise CliError(str(exc)) from None
    own = ctx.db_key or ctx.keys.get()
    return [*keys, own.raw] if own else keys
