"""``boothapp import ROSTER --event E``: load the organiser's attendee list for offline lookup."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from boothapp.capture.roster import ColumnMapping, RosterError, read_roster
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext


def register(sub: Any) -> None:
    parser = sub.add_parser("import", help="import the attendee roster (CSV or XLSX)")
    parser.add_argument("roster", help="CSV (any delimiter and encoding) or XLSX file")
    parser.add_argument("--event", required=True, help="event id or name")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="override the guessed column, e.g. --map badge_id='Reg No' (repeatable)",
    )
    parser.add_argument("--encoding", help="force the text encoding, e.g. cp1254")
    parser.add_argument("--delimiter", help="force the CSV delimiter")
    parser.add_argument("--dry-run", action="store_true", help="check the file, store nothing")
    parser.set_defaults(func=run)


def _mapping(pairs: list[str], guessed: ColumnMapping) -> ColumnMapping:
    mapping = guessed
    known = set(ColumnMapping.__dataclass_fields__)
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or field.strip() not in known:
            raise CliError(
                _("--map needs FIELD=HEADER with FIELD one of {fields}").format(
                    fields=", ".join(sorted(known))
                )
            )
        mapping = replace(mapping, **{field.strip(): header.strip()})
    return mapping


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        try:
            first = read_roster(args.roster, event_id=event.id, encoding=args.encoding,
                                delimiter=args.delimiter)  # fmt: skip
            result = first
            if args.map:
                result = read_roster(
                    args.roster, _mapping(args.map, first.mapping), event_id=event.id,
                    encoding=args.encoding, delimiter=args.delimiter,
                )  # fmt: skip
        except RosterError as exc:
            raise CliError(str(exc)) from None
        mapped = ", ".join(f"{k}={v!r}" for k, v in result.mapping.to_dict().items() if v)
        print(_("columns: {columns}").format(columns=mapped))
        for warning in result.warnings:
            print(_("warning: {message}").format(message=warning), file=sys.stderr)
        for rejected in result.rejected[:50]:
            print(
                _("line {line}: {reason}").format(line=rejected.line, reason=rejected.reason),
                file=sys.stderr,
            )
        if len(result.rejected) > 50:
            more = len(result.rejected) - 50
            print(
                ngettext(
                    "... and {count} more rejected row", "... and {count} more rejected rows", more
                ).format(count=more),
                file=sys.stderr,
            )
        if args.dry_run:
            print(
                _(
                    "{count} attendees would be imported, {rejected} rows rejected "
                    "(dry run, nothing stored)"
                ).format(count=len(result.rows), rejected=len(result.rejected))
            )
            return 0
        summary = ctx.attendees.import_attendees(event.id, result.rows, source_name=args.roster)
        print(
            _(
                "{added} attendees added, {updated} updated, {rejected} rows rejected; "
                "{total} in the roster now"
            ).format(
                added=summary.inserted,
                updated=summary.replaced,
                rejected=len(result.rejected),
                total=summary.total,
            )
        )
        return 0
    finally:
        ctx.close()
