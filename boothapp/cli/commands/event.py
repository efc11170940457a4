"""``boothapp event create|list``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, Literal

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.config.errors import ConfigError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_counts, format_number
from boothapp.services.errors import ServiceError
from boothapp.services.events import NewEvent


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: Any) -> None:
    parser = sub.add_parser("event", help="create and list events")
    verbs = parser.add_subparsers(dest="event_command", metavar="ACTION", required=True)
    create = verbs.add_parser("create", help="create an event")
    create.add_argument("--name", required=True)
    create.add_argument("--timezone", default="UTC", help="IANA zone of the venue")
    create.add_argument("--venue", default="")
    create.add_argument("--booth", default="")
    create.add_argument("--country", default="", help="ISO code of the venue country")
    create.add_argument("--start", type=_date, help="first show day, YYYY-MM-DD")
    create.add_argument("--end", type=_date, help="last show day, YYYY-MM-DD")
    create.set_defaults(func=run_create)
    lst = verbs.add_parser("list", help="list events, one a line, id first")
    lst.set_defaults(func=run_list)
    exp = verbs.add_parser("export", help="write the event configuration (YAML or JSON)")
    exp.add_argument("--event", required=True, help="event id or name")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    exp.add_argument("--format", choices=("yaml", "json"), help="default: from the file name")
    exp.set_defaults(func=run_export)
    imp = verbs.add_parser("import", help="validate and apply an event configuration file")
    imp.add_argument("file", help="YAML or JSON configuration")
    imp.add_argument("--event", required=True, help="event id or name")
    imp.set_defaults(func=run_import)


def run_create(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = ctx.events.create_event(
            NewEvent(
                name=args.name,
                timezone=args.timezone,
                venue=args.venue,
                booth=args.booth,
                country=args.country,
                starts_on=args.start,
                ends_on=args.end,
            )
        )
    except ServiceError as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    print(f"{event.id}\t{event.name}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        for ev in ctx.events.list_events():
            days = f"{ev.starts_on or ''}..{ev.ends_on or ''}" if ev.starts_on else ""
            print("\t".join([ev.id, ev.name, ev.timezone, ev.venue, days]).rstrip())
    finally:
        ctx.close()
    return 0


def run_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        fmt: Literal["yaml", "json"] = args.format or (
            "json" if (args.output or "").endswith(".json") else "yaml"
        )
        text = ctx.configs.export_text(event.id, fmt)
    finally:
        ctx.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(_("wrote {path}").format(path=args.output))
    else:
        sys.stdout.write(text)
    return 0


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(_("no such file: {path}").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) from None
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        actor = require_manager(ctx, args, "event import", event.id)
        try:
            cfg = ctx.configs.import_text(event.id, text, path.name, staff_id=actor.staff_id)
        except ConfigError as exc:
            # Every problem on its own line, so all can be fixed in one go; nothing changed.
            for problem in exc.problems:
                print(f"{path.name}: {problem}", file=sys.stderr)
            raise CliError(
                ngettext(
                    "{file} has {count} problem; the configuration was not changed",
                    "{file} has {count} problems; the configuration was not changed",
                    len(exc.problems),
                ).format(file=path.name, count=format_number(len(exc.problems)))
            ) from None
    finally:
        ctx.close()
    questions, scoring, routing = (
        len(cfg.questions), len(cfg.scoring.rules), len(cfg.routing.rules)
    )  # fmt: skip
    counts = format_counts(
        (ngettext("{count} question", "{count} questions", questions), questions),
        (ngettext("{count} scoring rule", "{count} scoring rules", scoring), scoring),
        (ngettext("{count} routing rule", "{count} routing rules", routing), routing),
    )
    print(
        _("{event}: configuration revision {revision} applied ({counts})").format(
            event=event.name, revision=format_number(cfg.revision), counts=counts
        )
    )
    return 0
