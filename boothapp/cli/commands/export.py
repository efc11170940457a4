"""``boothapp export --event E --format csv|xlsx -o FILE [filters]``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_number
from boothapp.core.models import Rating, Stage
from boothapp.reports.columns import ColumnChoice, HeaderStyle
from boothapp.services.exports import ExportFormat, ExportRequest, LeadFilter


def _choices(enum_type: Any, text: str) -> tuple[Any, ...]:
    values = [v.strip().lower() for v in text.split(",") if v.strip()]
    known = {e.value for e in enum_type}
    bad = [v for v in values if v not in known]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown value(s) {', '.join(bad)}; choose from {', '.join(sorted(known))}"
        )
    return tuple(enum_type(v) for v in values)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rating",
        type=lambda t: _choices(Rating, t),
        default=(),
        help="only these ratings, e.g. hot,warm",
    )
    parser.add_argument(
        "--stage",
        type=lambda t: _choices(Stage, t),
        default=(),
        help="only these stages, e.g. to_contact,in_contact",
    )
    parser.add_argument("--staff", default="", help="only leads of these staff (comma list)")
    parser.add_argument("--qualified", action="store_true", help="only sales-qualified leads")
    parser.add_argument(
        "--exclude-flagged", action="store_true", help="leave out leads marked 'please delete'"
    )
    parser.add_argument("--since", type=_date, help="captured on or after this day")
    parser.add_argument("--until", type=_date, help="captured on or before this day")
    parser.add_argument("--search", default="", help="name, company, email or notes contain")


def filter_from(args: argparse.Namespace) -> LeadFilter:
    return LeadFilter(
        ratings=args.rating,
        stages=args.stage,
        staff_names=tuple(n.strip() for n in args.staff.split(",") if n.strip()),
        qualified_only=args.qualified,
        include_flagged=not args.exclude_flagged,
        since=args.since,
        until=args.until,
        search=args.search,
    )


def register(sub: Any) -> None:
    parser = sub.add_parser("export", help="export leads to CSV or XLSX")
    parser.add_argument("--event", required=True, help="event id or name")
    parser.add_argument(
        "--format", choices=[f.value for f in ExportFormat], help="default: from the file name"
    )
    parser.add_argument("-o", "--output", default="", help="file to write")
    parser.add_argument(
        "--columns", default="", help="column ids in order (comma list); remembered for the event"
    )
    parser.add_argument(
        "--list-columns", action="store_true", help="print the available column ids and exit"
    )
    parser.add_argument(
        "--headers",
        choices=[h.value for h in HeaderStyle],
        default=HeaderStyle.PEOPLE.value,
        help="people: column names in the --lang language; machine: stable column ids for "
        "CRM imports",
    )
    parser.add_argument("--bom", action="store_true", help="UTF-8 BOM so Excel reads accents")
    parser.add_argument("--delimiter", default=",", help="CSV delimiter: , ; | or tab")
    add_filter_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list_columns:
        ctx = open_context(args)
        try:
            event = find_event(ctx, args.event)
            saved = ctx.settings.export_columns.get(event.id)
            for cid, header in ctx.exports.available_columns(event.id):
                mark = "*" if saved is None or cid in saved else " "
                print(f"{mark} {cid}\t{header}")
        finally:
            ctx.close()
        return 0
    if not args.output:
        raise CliError(_("-o/--output FILE is required"))
    path = Path(args.output)
    fmt = args.format or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    if not path.parent.exists():
        raise CliError(_("folder {folder} does not exist").format(folder=path.parent))
    delimiter = "\t" if args.delimiter.lower() in ("tab", "\\t") else args.delimiter
    columns = None
    if args.columns:
        try:
            columns = ColumnChoice(tuple(c.strip() for c in args.columns.split(",") if c.strip()))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        actor = require_manager(ctx, args, "export", event.id)
        if columns is not None:
            ctx.settings.export_columns[event.id] = list(columns.column_ids)
        elif event.id in ctx.settings.export_columns:
            columns = ColumnChoice(tuple(ctx.settings.export_columns[event.id]))
        bar = ProgressBar(_("Exporting {event}").format(event=event.name))
        try:
            summary = ctx.exports.export(
                ExportRequest(
                    event_id=event.id, path=path, format=ExportFormat(fmt),
                    filter=filter_from(args), columns=columns, bom=args.bom,
                    delimiter=delimiter, staff_id=actor.staff_id,
                    headers=HeaderStyle(args.headers),
                ),
                progress=bar,
            )  # fmt: skip
        except (ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
        finally:
            bar.done()
        if args.columns:
            ctx.save_settings()  # remembered only once the choice has worked
    finally:
        ctx.close()
    print(
        ngettext(
            "{count} lead written to {path}", "{count} leads written to {path}", summary.rows
        ).format(count=format_number(summary.rows), path=summary.path)
    )
    return 0
