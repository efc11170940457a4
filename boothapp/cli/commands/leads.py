"""``boothapp leads list --event E``."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.context import find_event, open_context
from boothapp.cli.lead_format import lead_as_json, lead_as_line


def register(sub: Any) -> None:
    parser = sub.add_parser("leads", help="list leads")
    verbs = parser.add_subparsers(dest="leads_command", metavar="ACTION", required=True)
    lst = verbs.add_parser("list", help="list the leads of an event")
    lst.add_argument("--event", required=True, help="event id or name")
    lst.add_argument("--search", default="", help="name, company, email or notes contain this")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        for lead in ctx.leads.list_leads(event.id, search=args.search):
            print(lead_as_json(lead) if args.format == "json" else lead_as_line(lead))
        return 0
    finally:
        ctx.close()
