"""``boothapp db upgrade``: migrate the database to this version's schema."""

from __future__ import annotations

import argparse
from typing import Any

from boothapp.cli.context import open_context


def register(sub: Any) -> None:
    parser = sub.add_parser("db", help="database maintenance")
    verbs = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = verbs.add_parser("upgrade", help="upgrade the database schema (backs the file up first)")
    up.set_defaults(func=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    ctx = open_context(args)  # opening migrates, after a backup
    try:
        rep = ctx.upgrade
        if rep.from_revision == rep.to_revision:
            print(f"database already at schema {rep.to_revision}: {ctx.paths.db_url}")
        else:
            print(f"database upgraded {rep.from_revision or 'empty'} -> {rep.to_revision}")
            if rep.backup:
                print(f"backup: {rep.backup}")
        return 0
    finally:
        ctx.close()
