"""``boothapp gui`` (the default): start the desktop app."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boothapp.app import AppContext, build_context
from boothapp.cli.errors import CliError
from boothapp.paths import resolve_paths
from boothapp.secrets import SecretStore
from boothapp.store.db import DatabaseError, DatabaseKeyMissingError
from boothapp.store.keys import KeyStore, restore_key
from boothapp.store.migrate import sqlite_file_of


def register(sub: Any) -> None:
    parser = sub.add_parser("gui", help="start the desktop app (default)")
    parser.add_argument(
        "--quit-after", type=float, default=0, help=argparse.SUPPRESS
    )  # seconds; for smoke tests and screenshots
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from boothapp.ui.shell import ask_recovery_key, run_desktop

    ctx = _open(args, ask_recovery_key)
    try:
        return run_desktop(ctx, quit_after=args.quit_after)
    finally:
        ctx.close()


def _open(args: argparse.Namespace, ask: Any) -> AppContext:
    """The context; an encrypted database whose key is missing asks for the recovery key in a
    dialog (the CLI verbs say ``db restore-key`` instead) and opens once it is given."""
    data_dir, db_url = getattr(args, "data_dir", None), getattr(args, "db", None)
    while True:
        try:
            return build_context(data_dir, db_url)
        except DatabaseKeyMissingError as exc:
            paths = resolve_paths(data_dir, db_url)
            db_file = sqlite_file_of(paths.db_url)
            keys = KeyStore(SecretStore(paths.secrets_file))
            if db_file is None or not ask(str(exc), _restorer(keys, db_file)):
                raise CliError(str(exc)) from exc
        except DatabaseError as exc:
            raise CliError(str(exc)) from exc


def _restorer(keys: KeyStore, db_file: Path) -> Callable[[str], object]:
    return lambda text: restore_key(keys, db_file, text)
