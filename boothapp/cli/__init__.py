"""Command line: one module per verb under ``boothapp.cli.commands``.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a callable ``(args) -> int``. Modules are discovered, so adding a verb never
touches this file. Errors a user can cause raise :class:`CliError`; ``main`` prints its
message as one line on stderr and exits non-zero, never with a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from boothapp import __version__
from boothapp.cli import commands
from boothapp.cli.acting import add_acting_option
from boothapp.cli.errors import CliError
from boothapp.core.i18n import Language, from_environment, set_current
from boothapp.core.i18n import gettext as _


def add_common_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--lang",
        default=default,
        choices=[lang.value for lang in Language],
        help="language of messages and export headers (env BOOTHAPP_LANG, else LANG; "
        "default en); JSON and ids are never translated",
    )
    parser.add_argument(
        "--data-dir",
        default=default,
        help="where the database and settings live (env BOOTHAPP_DATA_DIR)",
    )
    parser.add_argument(
        "--db", default=default, help="database URL, e.g. sqlite:///leads.db (env BOOTHAPP_DB)"
    )
    add_acting_option(parser, default)  # who acts: manager verbs check it (issue 18)


def _add_common_to_leaves(parser: argparse.ArgumentParser) -> None:
    """Accept --data-dir/--db after the verb too; SUPPRESS keeps a value given before it."""
    subactions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subactions:
        add_common_options(parser, argparse.SUPPRESS)
        return
    for action in subactions:
        for child in set(action.choices.values()):
            _add_common_to_leaves(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boothapp",
        description="BoothApp: scan badges, qualify visitors, sync leads, follow up on time.",
    )
    parser.add_argument("--version", action="version", version=f"boothapp {__version__}")
    add_common_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    for child in set(sub.choices.values()):
        _add_common_to_leaves(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_current(getattr(args, "lang", None) or from_environment())
    if not getattr(args, "func", None):
        # No verb: start the desktop app, as a double-click would.
        args = parser.parse_args([*(argv or sys.argv[1:]), "gui"])
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(_("boothapp: error: {message}").format(message=exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("boothapp: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`boothapp leads list | head`): not an error worth a message.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
