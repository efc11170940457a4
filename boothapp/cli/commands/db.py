"""``boothapp db upgrade``: migrate the database to this version's schema.
``boothapp db check``: SQLite's integrity check and the scans that have no lead."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import text

from boothapp.cli.context import open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.services.errors import ServiceError
from boothapp.services.orphan_scans import OrphanScanService


def register(sub: Any) -> None:
    parser = sub.add_parser("db", help="database maintenance")
    verbs = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = verbs.add_parser("upgrade", help="upgrade the database schema (backs the file up first)")
    up.set_defaults(func=run_upgrade)
    check = verbs.add_parser(
        "check", help="check the database and list scans without a lead (unfinished visitors)"
    )
    check.add_argument(
        "--discard", metavar="SCAN_ID", action="append", default=[],
        help="set an unfinished visitor's scan aside (kept, audited, no longer listed)",
    )  # fmt: skip
    check.add_argument("--reason", default="", help="why, for the audit log (with --discard)")
    check.set_defaults(func=run_check)


def run_upgrade(args: argparse.Namespace) -> int:
    ctx = open_context(args)  # opening migrates, after a backup
    try:
        rep = ctx.upgrade
        if rep.from_revision == rep.to_revision:
            print(
                _("database already at schema {revision}: {url}").format(
                    revision=rep.to_revision, url=ctx.paths.db_url
                )
            )
        else:
            print(
                _("database upgraded {old} -> {new}").format(
                    old=rep.from_revision or _("empty"), new=rep.to_revision
                )
            )
            if rep.backup:
                print(_("backup: {path}").format(path=rep.backup))
        return 0
    finally:
        ctx.close()


def run_check(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        problems = 0
        if ctx.db.engine.dialect.name == "sqlite":
            with ctx.db.engine.connect() as conn:
                rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems += len(rows)
                for row in rows[:20]:
                    print(_("integrity: {problem}").format(problem=row))
            else:
                print(_("integrity: ok"))
        orphans = OrphanScanService(ctx.db, ctx.settings.device_id)
        for scan_id in args.discard:
            try:
                orphans.discard(scan_id, reason=args.reason)
            except ServiceError as exc:
                raise CliError(str(exc)) from None
            print(_("scan {id} set aside").format(id=scan_id))
        found = orphans.list()
        print(
            ngettext(
                "{count} scan without a lead (unfinished visitor)",
                "{count} scans without a lead (unfinished visitors)",
                len(found),
            ).format(count=len(found))
        )
        for scan in found:
            when = scan.created_at.strftime("%Y-%m-%d %H:%M:%S")
            payload = scan.payload.replace("\r", " ").replace("\n", " ")
            payload = payload if len(payload) <= 60 else payload[:59] + "…"
            also = (
                "  " + _("(lead {id} has the same badge)").format(id=scan.matching_lead_id)
                if scan.matching_lead_id
                else ""
            )
            event_word = _("event {id}").format(id=scan.event_id)
            print(f"  {scan.id}  {when} UTC  {event_word}  {payload!r}{also}")
        return 1 if problems else 0
    finally:
        ctx.close()
