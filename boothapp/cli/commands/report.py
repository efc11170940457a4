"""``boothapp report --event E -o FILE.pdf`` and ``boothapp lead-sheet LEAD -o FILE.pdf``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.core.i18n_format import format_number
from boothapp.services.errors import ServiceError


def register(sub: Any) -> None:
    parser = sub.add_parser("report", help="write the post-show PDF report")
    parser.add_argument("--event", required=True, help="event id or name")
    parser.add_argument("-o", "--output", required=True, help="PDF file to write")
    parser.add_argument("--logo", help="your logo (PNG or JPEG) for the cover")
    parser.set_defaults(func=run_report)
    sheet = sub.add_parser("lead-sheet", help="one-page PDF of a lead for the rep taking it over")
    sheet.add_argument("lead", help="lead id")
    sheet.add_argument("-o", "--output", required=True, help="PDF file to write")
    sheet.set_defaults(func=run_sheet)


def run_report(args: argparse.Namespace) -> int:
    path = Path(args.output)
    if not path.parent.exists():
        raise CliError(_("folder {folder} does not exist").format(folder=path.parent))
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        actor = require_manager(ctx, args, "report", event.id)
        bar = ProgressBar(_("Report for {event}").format(event=event.name))
        try:
            count = ctx.exports.report(
                event.id, path, logo=Path(args.logo) if args.logo else None, progress=bar,
                staff_id=actor.staff_id,
            )  # fmt: skip
        except (ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
        finally:
            bar.done()
    finally:
        ctx.close()
    print(
        ngettext(
            "report on {count} lead written to {path}",
            "report on {count} leads written to {path}",
            count,
        ).format(count=format_number(count), path=path)
    )
    return 0


def run_sheet(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        try:
            lead = ctx.leads.get_lead(args.lead)
            evaluation = ctx.leads.evaluate(ctx.leads.draft_of(lead))
            lines = tuple(f"{f.description}: {f.points:+d}" for f in evaluation.score.fired)
            ctx.exports.lead_sheet(lead, Path(args.output), score_lines=lines)
        except ServiceError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(str(exc)) from None
    finally:
        ctx.close()
    print(_("lead sheet written to {path}").format(path=args.output))
    return 0
