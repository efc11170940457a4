"""``boothapp event create|list``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from boothapp.cli.context import open_context
from boothapp.cli.errors import CliError
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
