"""``boothapp leads list|reroute|review --event E``."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.lead_format import lead_as_json, lead_as_line
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_number
from boothapp.services.errors import ServiceError


def register(sub: Any) -> None:
    parser = sub.add_parser("leads", help="list leads")
    verbs = parser.add_subparsers(dest="leads_command", metavar="ACTION", required=True)
    lst = verbs.add_parser("list", help="list the leads of an event")
    lst.add_argument("--event", required=True, help="event id or name")
    lst.add_argument("--search", default="", help="name, company, email or notes contain this")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.set_defaults(func=run_list)
    rr = verbs.add_parser("reroute", help="route every open lead again under the current rules")
    rr.add_argument("--event", required=True, help="event id or name")
    rr.add_argument("--dry-run", action="store_true", help="show the changes, store nothing")
    rr.set_defaults(func=run_reroute)
    rv = verbs.add_parser(
        "review", help="the leads flagged 'please delete', or a verdict on one (manager)"
    )
    rv.add_argument("--event", required=True, help="event id or name")
    rv.add_argument("lead", nargs="?", help="lead id; without it, list the flagged leads")
    verdict = rv.add_mutually_exclusive_group()
    verdict.add_argument("--junk", action="store_true", help="junk: closed, record kept")
    verdict.add_argument("--keep", action="store_true", help="a real visitor: unflag, follow up")
    rv.set_defaults(func=run_review)


def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        for lead in ctx.leads.list_leads(event.id, search=args.search):
            print(lead_as_json(lead) if args.format == "json" else lead_as_line(lead))
        return 0
    finally:
        ctx.close()


def run_reroute(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        if not args.dry_run:
            require_manager(ctx, args, "leads reroute", event.id)
        changes = ctx.routing.reroute(event.id, dry_run=args.dry_run)
        for change in changes:
            print(
                f"{change.lead_id}\t{change.old_owner or '-'} -> {change.new_owner}\t"
                f"{change.reason.words(translated=True)}"
            )
        count = len(changes)
        if args.dry_run:
            line = ngettext("{count} owner would change", "{count} owners would change", count)
        else:
            line = ngettext("{count} owner changed", "{count} owners changed", count)
        print(line.format(count=format_number(count)))
        return 0
    finally:
        ctx.close()


def run_review(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        if not args.lead:
            flagged = [lead for lead in ctx.leads.list_leads(event.id) if lead.please_delete]
            for lead in flagged:
                print(lead_as_line(lead))
            print(
                ngettext(
                    "{count} lead flagged for deletion",
                    "{count} leads flagged for deletion",
                    len(flagged),
                ).format(count=format_number(len(flagged)))
            )
            return 0
        if not (args.junk or args.keep):
            raise CliError(_("say --junk or --keep"))
        actor = require_manager(ctx, args, "leads review", event.id)
        try:
            lead = ctx.leads.review_deletion(args.lead, junk=args.junk, staff_id=actor.staff_id)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        if args.junk:
            verdict = _("{name}: closed as junk (record kept)")
        else:
            verdict = _("{name}: kept and unflagged")
        print(verdict.format(name=lead.display_name))
        return 0
    finally:
        ctx.close()
