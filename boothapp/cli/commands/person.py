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
from boothapp.core.i18n import N_, ngettext
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n_format import format_counts, format_number, native_digits
from boothapp.services.errors import ServiceError
from boothapp.services.privacy import ErasureState


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
            raise CliError(
                _("cannot write {path}: {reason}").format(
                    path=args.output, reason=exc.strerror or exc
                )
            ) from None
        args.output.chmod(0o600)  # personal data: the user's own eyes only
        counts = format_counts(
            (ngettext("{count} lead", "{count} leads", len(data["leads"])), len(data["leads"])),
            (
                ngettext("{count} roster row", "{count} roster rows", len(data["roster"])),
                len(data["roster"]),
            ),
        )
        print(_("{counts} -> {path}").format(counts=counts, path=args.output))
        return 0
    finally:
        ctx.close()


def run_erase(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        actor = require_manager(ctx, args, "person erase")
        if not args.yes and sys.stdin is not None and sys.stdin.isatty():
            answer = input(
                _("Erase everything about {email}? This cannot be undone [y/N] ").format(
                    email=args.email
                )
            )
            if answer.strip().lower() not in ("y", "yes"):
                print(_("nothing erased"))
                return 1
        try:
            done = ctx.privacy.erase_person(args.email, staff_id=actor.staff_id)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        if done.already_erased:
            print(_("nothing held about that address (erased before, or never captured)"))
            return 0
        counts = format_counts(
            (ngettext("{count} lead", "{count} leads", done.leads), done.leads),
            (ngettext("{count} scan", "{count} scans", done.scans), done.scans),
            (ngettext("{count} roster row", "{count} roster rows", done.attendees), done.attendees),
            (ngettext("{count} follow-up", "{count} follow-ups", done.followups), done.followups),
            (ngettext("{count} history entry", "{count} history entries", done.history),
             done.history),
        )  # fmt: skip
        print(_("erased: {counts}").format(counts=counts))
        if done.images:
            print(
                ngettext(
                    "{count} badge/card photo deleted", "{count} badge/card photos deleted",
                    done.images,
                ).format(count=format_number(done.images))
            )  # fmt: skip
        older = []
        if backups := _files_in(ctx.paths.backups_dir):
            older.append(
                ngettext("{count} backup in {folder}", "{count} backups in {folder}", backups)
                .format(count=format_number(backups), folder=ctx.paths.backups_dir)
            )  # fmt: skip
        if exports := _files_in(ctx.paths.exports_dir):
            older.append(
                ngettext(
                    "{count} export file in {folder}", "{count} export files in {folder}", exports
                ).format(count=format_number(exports), folder=ctx.paths.exports_dir)
            )
        if older:
            # Copies made before the erase are files this command does not rewrite: say so.
            files = (
                older[0]
                if len(older) == 1
                else _("{first} and {second}").format(first=older[0], second=older[1])
            )
            print(
                _("note: {files} were written before and may still hold them").format(files=files)
            )
        if done.crm_requests:
            sent = ctx.privacy.send_crm_erasures()
            for item in sent:
                note = f" - {item.last_error}" if item.last_error else ""
                print(f"  {item.crm}: {item.state.value}{note}")
            print(
                _("CRM delete requests: {count}; `boothapp person crm-deletes`").format(
                    count=format_number(len(done.crm_requests))
                )
            )
        return 0
    finally:
        ctx.close()


def run_retain(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        actor = require_manager(ctx, args, "person retain")
        due = ctx.privacy.retain(dry_run=args.dry_run, staff_id=actor.staff_id)
        if args.dry_run:
            line = ngettext(
                "would erase {count} lead past their event's retention",
                "would erase {count} leads past their event's retention",
                len(due),
            )
        else:
            line = ngettext(
                "erased {count} lead past their event's retention",
                "erased {count} leads past their event's retention",
                len(due),
            )
        print(line.format(count=format_number(len(due))))
        for item in due:
            when = native_digits(item.captured_at.strftime("%Y-%m-%d"))
            days = ngettext("{count} day", "{count} days", item.retain_days).format(
                count=format_number(item.retain_days)
            )
            print(
                "  "
                + _("{id}  captured {when}  {event} ({days})").format(
                    id=item.lead_id, when=when, event=item.event_name, days=days
                )
            )
        return 0
    finally:
        ctx.close()


# What a manager reads for a CRM delete request's state (the stored value stays English).
ERASURE_WORDS = {
    ErasureState.PENDING: N_("waiting to be sent"),
    ErasureState.DONE: N_("deleted in the CRM"),
    ErasureState.FAILED: N_("refused by the CRM"),
    ErasureState.MANUAL: N_("delete it by hand"),
}


def run_crm_deletes(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        require_manager(ctx, args, "person crm-deletes")
        if args.send:
            ctx.privacy.send_crm_erasures()
        items = ctx.privacy.crm_erasures()
        print(
            ngettext(
                "{count} CRM delete request", "{count} CRM delete requests", len(items)
            ).format(count=format_number(len(items)))
        )
        for item in items:
            note = f"  {item.last_error}" if item.last_error else ""
            tries = _("tries {count}").format(count=format_number(item.attempts))
            state = _(ERASURE_WORDS[item.state])
            print(f"  {item.crm}  {item.remote_id}  {state}  {tries}{note}")
        return 0
    finally:
        ctx.close()


def _files_in(folder: Path) -> int:
    return sum(1 for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
