"""``boothapp db upgrade``: migrate the database to this version's schema.
``boothapp db check``: SQLite's integrity check and the scans that have no lead, which it can
resume into their lead or set aside.
``boothapp db recovery-key`` / ``restore-key``: print this device's database key for the
manager, type it back on another machine. ``boothapp db encrypt`` / ``decrypt``: convert an
existing SQLite database (a backup first; issue #18)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

from boothapp.cli.acting import require_manager
from boothapp.cli.context import open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.paths import AppPaths, resolve_paths
from boothapp.secrets import SecretStore
from boothapp.services.errors import ServiceError
from boothapp.services.orphan_scans import OrphanScanService
from boothapp.store.cipher import FileState, file_state
from boothapp.store.db import DatabaseError
from boothapp.store.keys import KeyStore, key_for_file, restore_key
from boothapp.store.migrate import ConvertReport, convert_sqlite, sqlite_file_of


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
    check.add_argument(
        "--resume", metavar="SCAN_ID", action="append", default=[],
        help="make an unfinished visitor's scan into their lead (badge and roster pre-fill)",
    )  # fmt: skip
    check.add_argument("--reason", default="", help="why, for the audit log (with --discard)")
    check.set_defaults(func=run_check)
    show = verbs.add_parser(
        "recovery-key", help="print the database recovery key (keep it on paper, for the manager)"
    )
    show.set_defaults(func=run_recovery_key)
    restore = verbs.add_parser(
        "restore-key", help="give this device the database key from a printed recovery key"
    )
    restore.add_argument("key", nargs="?", help="the recovery key (asked for when left out)")
    restore.add_argument(
        "--force", action="store_true",
        help="replace another key this device already holds",
    )  # fmt: skip
    restore.set_defaults(func=run_restore_key)
    enc = verbs.add_parser(
        "encrypt", help="encrypt an existing plain database with this device's key (close the app)"
    )
    enc.set_defaults(func=run_encrypt)
    dec = verbs.add_parser(
        "decrypt", help="turn the encrypted database back into a plain SQLite file (close the app)"
    )
    dec.set_defaults(func=run_decrypt)


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
        for scan_id in args.resume:
            try:
                lead = ctx.leads.resume_scan(scan_id)
            except ServiceError as exc:
                raise CliError(str(exc)) from None
            print(
                _("scan {id} resumed: lead {lead} {name}").format(
                    id=scan_id, lead=lead.id, name=lead.display_name
                )
            )
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


def _key_paths(args: argparse.Namespace) -> tuple[AppPaths, KeyStore, Path]:
    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "db", None))
    db_file = sqlite_file_of(paths.db_url)
    if db_file is None:
        raise CliError(_("the database is not an SQLite file: SQLCipher keys apply to SQLite only"))
    paths.ensure()
    return paths, KeyStore(SecretStore(paths.secrets_file)), db_file


def _manager_only(args: argparse.Namespace, action: str) -> None:
    """The key verbs hand over every lead: a manager's (issue 18). ``restore-key`` is not
    gated: it needs the printed key already, and the database cannot open without it."""
    ctx = open_context(args)
    try:
        require_manager(ctx, args, action)
    finally:
        ctx.close()


def run_recovery_key(args: argparse.Namespace) -> int:
    _paths, keys, db_file = _key_paths(args)
    if keys.get() is not None:
        _manager_only(args, "db recovery-key")
    key = keys.get()
    if key is None:
        raise CliError(
            _(
                "this device has no database key ({file} is not encrypted); "
                "`boothapp db encrypt` makes one"
            ).format(file=db_file)
        )
    print(key.recovery_text)
    print(
        _(
            "Recovery key of {file}, kept in {where}. Print it and keep it apart from "
            "the laptop: without it an encrypted database cannot be opened on another machine."
        ).format(file=db_file, where=keys.where()),
        file=sys.stderr,
    )
    return 0


def run_restore_key(args: argparse.Namespace) -> int:
    _paths, keys, db_file = _key_paths(args)
    text = args.key if args.key is not None else input(_("Recovery key: "))
    held = keys.get()
    try:
        key = restore_key(keys, db_file, text, force=args.force)
    except DatabaseError as exc:
        raise CliError(str(exc)) from None
    if held == key:
        print(_("this device already holds that key ({where})").format(where=keys.where()))
    else:
        print(
            _("database key stored in {where}; {file} opens with it").format(
                where=keys.where(), file=db_file
            )
        )
    return 0


def run_encrypt(args: argparse.Namespace) -> int:
    paths, keys, db_file = _key_paths(args)
    state = file_state(db_file)
    if state is FileState.ENCRYPTED:
        raise CliError(_("{file} is already encrypted").format(file=db_file))
    if state is FileState.MISSING:
        raise CliError(
            _("{file}: no such database (a new one is encrypted from the start)").format(
                file=db_file
            )
        )
    _manager_only(args, "db encrypt")
    key = keys.get_or_create()
    report = _convert(db_file, paths, None, key.raw)
    print(
        _("encrypted {file} ({rows} rows); the key is kept in {where}").format(
            file=db_file, rows=report.rows, where=keys.where()
        )
    )
    print(
        _("plain backup: {path} (not encrypted: delete it once the app opens the db)").format(
            path=report.backup
        )
    )
    print(_("print the recovery key for the manager: boothapp db recovery-key"))
    return 0


def run_decrypt(args: argparse.Namespace) -> int:
    paths, keys, db_file = _key_paths(args)
    if file_state(db_file) is not FileState.ENCRYPTED:
        raise CliError(_("{file} is not encrypted").format(file=db_file))
    _manager_only(args, "db decrypt")
    try:
        key = key_for_file(db_file, keys, encrypt_new=False)
    except DatabaseError as exc:
        raise CliError(str(exc)) from None
    assert key is not None
    report = _convert(db_file, paths, key.raw, None)
    print(
        _("decrypted {file} ({rows} rows): any local user who can read it sees every lead").format(
            file=db_file, rows=report.rows
        )
    )
    print(_("encrypted backup: {path}").format(path=report.backup))
    return 0


def _convert(db_file: Path, paths: AppPaths, src: bytes | None, dst: bytes | None) -> ConvertReport:
    try:
        report = convert_sqlite(db_file, paths.backups_dir, src, dst)
    except DatabaseError as exc:
        raise CliError(str(exc)) from None
    paths.tighten()
    return report
