"""``boothapp audit list``: who did what, when (issue 18: every export, erase and settings
change). A manager verb."""

from __future__ import annotations

import argparse
import json
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.audit_words import action_text, detail_text
from boothapp.core.i18n import gettext as _
from boothapp.services.audit import AuditAction


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help="the audit log (manager)")
    verbs = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    lst = verbs.add_parser("list", help="list audit entries, newest last")
    lst.add_argument("--event", help="only this event (name or id)")
    lst.add_argument(
        "--action", action="append", default=[],
        help=f"only these actions: {', '.join(a.value for a in AuditAction)}",
    )  # fmt: skip
    lst.add_argument("--limit", type=int, default=200, help="the newest N (default 200)")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    try:
        actions = frozenset(AuditAction(a) for a in args.action)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.limit < 1:
        raise CliError(_("--limit must be at least 1"))
    ctx = open_context(args)
    try:
        event_id = find_event(ctx, args.event).id if args.event else None
        require_manager(ctx, args, "audit list", event_id)
        entries = ctx.audit.entries(event_id, actions=actions, limit=args.limit)
        for e in entries:
            who = e.staff_name or e.staff_id or "-"
            if args.format == "json":
                print(json.dumps({
                    "at": e.created_at.isoformat(), "action": e.action.value, "who": who,
                    "event_id": e.event_id, "lead_id": e.lead_id, "detail": e.detail,
                }, ensure_ascii=False))  # fmt: skip
                continue
            when = e.created_at.strftime("%Y-%m-%d %H:%M:%S")
            lead = " " + _("lead {id}").format(id=e.lead_id) if e.lead_id else ""
            action = action_text(e.action)
            detail = detail_text(e.detail, isolate=False)  # the audit page's words too
            print(f"{when} UTC  {action:<16} {who:<16}{lead} {detail}".rstrip())
        return 0
    finally:
        ctx.close()
