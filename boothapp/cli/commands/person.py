"""``boothapp person export|erase|retain|crm-deletes``: one person's data (issue 18, GDPR).

All are manager verbs (``--as`` a manager, or a mapped OS user; see ``cli/acting.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import open_context
from boothapp.cli.errors import CliError
from boothapp.services.errors import ServiceError


def register(sub: Any) -> None:
    parser = sub.add_parser("person", help="export or erase one person's data (GDPR)")
    verbs = parser.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    exp = verbs.add_parser("export", help="every record about a person, as JSON")
    exp.add_argument("email", metavar="EMAIL")
    exp.add_argument("-o", "--output", type=Path, help="write to this file (default: stdout)")
    exp.set_defaults(func=run_export)
    era = verbs.add_parser(
        "erase", help="erase a person: leads, scans, roster row, history, mails; CRM delete"
    )
    era.add_argument("email", metavar="EMAIL")
    era.add_argument("--yes", action="store_true", help="do not ask to confirm")
    era.set_defaults(func=run_erase)
    ret = verbs.add_parser(
        "retain", help="erase leads past the event's privacy.retain_days (not synced, not won)"
    )
    ret.add_argument("--dry-run", action="store_true", help="list them, change nothing")
    ret.set_defaults(func=run_retain)
    crm = verbs.add_parser("crm-deletes", help="the delete requests sent to the CRMs")
    crm.add_argument("--send", action="store_true", help="send the pending ones now")
    crm.set_defaults(func=run_crm_deletes)


def run_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        actor = require_manager(ctx, args, "person export")
        try:
            data = ctx.privacy.export_person(args.email, staff_id=actor.staff_id)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if args.output is None:
            print(text)
            return 0
        try:
            args.output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        args.output.chmod(0o600)  # personal data: the user's own eyes only
        print(f"{len(data['leads'])} lead(s), {len(data['roster'])} roster row(s) -> {args.output}")
        return 0
    finally:
        ctx.close()


def run_erase(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        actor = require_manager(ctx, args, "person erase")
        if not args.yes and sys.stdin is not None and sys.stdin.isatty():
            answer = input(f"Erase everything about {args.email}? This cannot be undone [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing erased")
                return 1
        try:
            done = ctx.privacy.erase_person(args.email, staff_id=actor.staff_id)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        if done.already_erased:
            print("nothing held about that address (erased before, or never captured)")
            return 0
        print(
            f"erased: {done.leads} lead(s), {done.scans} scan(s), {done.attendees} roster "
            f"row(s), {done.followups} follow-up(s), {done.history} history entr(ies)"
        )
        if done.images:
            print(f"{done.images} badge/card photo(s) deleted")
        older = [
            f"{n} {what} in {folder}"
            for what, folder in (("backup(s)", ctx.paths.backups_dir),
                                 ("export file(s)", ctx.paths.exports_dir))
            if folder.is_dir() and (n := sum(1 for f in folder.iterdir() if f.is_file()))
        ]  # fmt: skip
        if older:
            # Copies made before the erase are files this command does not rewrite: say so.
            print(f"note: {' and '.join(older)} were written before and may still hold them")
        if done.crm_requests:
            sent = ctx.privacy.send_crm_erasures()
            for item in sent:
                note = f" - {item.last_error}" if item.last_error else ""
                print(f"  {item.crm}: {item.state.value}{note}")
            print(f"CRM delete request(s): {len(done.crm_requests)}; `boothapp person crm-deletes`")
        return 0
    finally:
        ctx.close()


def run_retain(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        actor = require_manager(ctx, args, "person retain")
        due = ctx.privacy.retain(dry_run=args.dry_run, staff_id=actor.staff_id)
        verb = "would erase" if args.dry_run else "erased"
        print(f"{verb} {len(due)} lead(s) past their event's retention")
        for item in due:
            when = item.captured_at.strftime("%Y-%m-%d")
            print(f"  {item.lead_id}  captured {when}  {item.event_name} ({item.retain_days} days)")
        return 0
    finally:
        ctx.close()


def run_crm_deletes(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        require_manager(ctx, args, "person crm-deletes")
        if args.send:
            ctx.privacy.send_crm_erasures()
        items = ctx.privacy.crm_erasures()
        print(f"{len(items)} CRM delete request(s)")
        for item in items:
            note = f"  {item.last_error}" if item.last_error else ""
            print(
                f"  {item.crm}  {item.remote_id}  {item.state.value}  tries {item.attempts}{note}"
            )
        return 0
    finally:
        ctx.close()
