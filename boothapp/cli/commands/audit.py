"""``boothapp audit list``: who did what, when (issue 18: every export, erase and settings
change). A manager verb."""

from __future__ import annotations

import argparse
import json
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import N_, list_separator
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_number
from boothapp.services.audit import AuditAction

# What a manager reads in `audit list` (the stored ids stay as they are; --action and the
# JSON take them): the same words as the audit page (ui/audit_page.py), from this catalogue.
ACTION_WORDS = {
    AuditAction.LOGIN: N_("Sign-in"),
    AuditAction.LOGOUT: N_("Sign-out"),
    AuditAction.LEAD_CREATED: N_("Lead added"),
    AuditAction.LEAD_EDITED: N_("Lead edited"),
    AuditAction.PLEASE_DELETE: N_("Please-delete request"),
    AuditAction.CONSENT_CHANGED: N_("Consent changed"),
    AuditAction.EXPORT: N_("Export"),
    AuditAction.REPORT: N_("Report"),
    AuditAction.IMPORT: N_("Import"),
    AuditAction.SYNC: N_("Sync"),
    AuditAction.SCAN_DISCARDED: N_("Scan set aside"),
    AuditAction.PERSON_EXPORT: N_("Personal data export"),
    AuditAction.ERASE: N_("Erased"),
    AuditAction.CRM_ERASE: N_("CRM erase request"),
    AuditAction.RETENTION: N_("Retention"),
    AuditAction.SETTINGS_CHANGED: N_("Settings changed"),
    AuditAction.ROLE_CHANGED: N_("Role changed"),
    AuditAction.REFUSED: N_("Refused"),
}
DETAIL_WORDS = {
    "action": N_("action"),
    "added": N_("added"),
    "attendees": N_("attendees"),
    "crm": N_("CRM"),
    "erased": N_("erased"),
    "erased_skipped": N_("skipped (erased before)"),
    "file": N_("file"),
    "filter": N_("filter"),
    "flag": N_("marked"),
    "format": N_("format"),
    "given": N_("consent given"),
    "include_flagged": N_("with please-delete"),
    "leads": N_("leads"),
    "message": N_("message"),
    "ok": N_("done"),
    "os_user": N_("computer user"),
    "qualified_only": N_("qualified only"),
    "ratings": N_("ratings"),
    "reason": N_("reason"),
    "replaced": N_("replaced"),
    "review": N_("review"),
    "revision": N_("revision"),
    "role": N_("role"),
    "rows": N_("rows"),
    "roster": N_("roster entries"),
    "scan_id": N_("scan"),
    "scans": N_("scans"),
    "search": N_("search"),
    "sections": N_("sections"),
    "since": N_("from"),
    "staff": N_("staff"),
    "stages": N_("stages"),
    "subject": N_("person"),
    "text": N_("consent wording"),
    "until": N_("until"),
    "badge_field_map": N_("badge fields"),
    "consent_text": N_("consent wording"),
    "costs": N_("costs"),
    "followups": N_("follow-ups"),
    "kiosk_languages": N_("kiosk languages"),
    "language": N_("language"),
    "privacy": N_("privacy"),
    "qualification": N_("qualification"),
    "questions": N_("questions"),
    "rating": N_("rating"),
    "routing": N_("routing"),
    "scoring": N_("scoring"),
    "targets": N_("targets"),
    "version": N_("version"),
    "junk": N_("erased as junk"),
    "kept": N_("kept"),
}


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
            action = _(ACTION_WORDS[e.action])
            print(f"{when} UTC  {action:<16} {who:<16}{lead} {_detail(e.detail)}".rstrip())
        return 0
    finally:
        ctx.close()


def _detail(detail: dict[str, Any]) -> str:
    """'revision: 2 · sections: costs' in the reader's words; a key or value not named
    above shows as stored."""
    return " · ".join(
        f"{_word(key)}: {_value(value)}"
        for key, value in sorted(detail.items())
        if value not in (None, "", [], {})
    )


def _word(key: str) -> str:
    return _(DETAIL_WORDS[key]) if key in DETAIL_WORDS else key


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple):
        return list_separator().join(_value(v) for v in value)
    if isinstance(value, dict):
        return f"({_detail(value)})"
    text = str(value)
    return _word(text)
