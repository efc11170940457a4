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
from collections.abc import Iterator, Sequence

from boothapp import __version__
from boothapp.cli import commands
from boothapp.cli.acting import add_acting_option
from boothapp.cli.errors import CliError
from boothapp.core import i18n
from boothapp.core.i18n import Language, from_environment, set_current
from boothapp.core.i18n import gettext as _
from boothapp.crash import keep_crash
from boothapp.paths import resolve_paths


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


def speak_argparse() -> None:
    """argparse's own words ("usage:", "error:", "the following arguments are required",
    "invalid choice") from the core catalogue, in the current language (issue 21).

    argparse ships no catalogue: it looks its words up through the module's ``_`` and
    ``ngettext`` (``gettext``'s global default domain) each time it writes. Pointing those
    two names at ``core.i18n`` keeps the change inside argparse, follows ``--lang`` and
    needs no compiled ``.mo`` on disk; binding the global domain instead would route every
    library's gettext calls through our catalogue. A subclass could not reach the words
    argparse's help formatter and actions look up themselves. The msgids are extracted
    from argparse's own source (``scripts/i18n_core.py``), so they match the running Python.
    """
    argparse._ = i18n.gettext  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def parser_texts(parser: argparse.ArgumentParser) -> Iterator[tuple[object, str, str]]:
    """(owner, attribute, English) of every text a person reads in ``parser``'s help:
    descriptions, each option's and verb's help, the placeholders (metavars). Command
    modules write them in English; ``translate_parser`` rewords them, ``scripts/i18n_core.py``
    extracts them. Option strings, choices and dests stay as typed."""
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> Iterator[tuple[object, str, str]]:
        if id(p) in seen:
            return
        seen.add(id(p))
        for attr in ("description", "epilog"):
            if isinstance(getattr(p, attr), str):
                yield p, attr, getattr(p, attr)
        for action in p._actions:
            if isinstance(action.help, str) and action.help != argparse.SUPPRESS:
                yield action, "help", action.help
            if isinstance(action.metavar, str):
                yield action, "metavar", action.metavar
            elif action.choices is None and action.nargs != 0:
                # argparse's own defaults: DEST for an option, dest for a positional.
                yield (
                    action,
                    "metavar",
                    (action.dest.upper() if action.option_strings else action.dest),
                )
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if isinstance(choice.help, str):
                        yield choice, "help", choice.help
                for child in action.choices.values():
                    yield from walk(child)

    yield from walk(parser)


def translate_parser(parser: argparse.ArgumentParser) -> None:
    """Reword ``parser``'s help in the current language (English stays as written)."""
    if i18n.current() is Language.EN:
        return
    for owner, attr, text in parser_texts(parser):
        setattr(owner, attr, _(text))


def _language_of(argv: Sequence[str]) -> Language:
    """``--lang`` before the parser is built (its help is worded in it), else the OS's."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        parsed = Language.parse(value)
        if parsed is not None:
            return parsed
    return from_environment()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_current(_language_of(argv))
    speak_argparse()
    parser = build_parser()
    translate_parser(parser)
    args = parser.parse_args(argv)
    set_current(getattr(args, "lang", None) or from_environment())
    if not getattr(args, "func", None):
        # No verb: start the desktop app, as a double-click would.
        args = parser.parse_args([*argv, "gui"])
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
    except Exception as exc:  # the last line of defence: one line, the details kept
        paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "db", None))
        kept = keep_crash(paths, exc)
        fault = type(exc).__name__
        if kept is None:
            print(_("boothapp: error: unexpected {fault}").format(fault=fault), file=sys.stderr)
        else:
            print(
                _("boothapp: error: unexpected {fault}; details in {file}").format(
                    fault=fault, file=kept
                ),
                file=sys.stderr,
            )
        return 70  # EX_SOFTWARE: our fault, not the user's input
