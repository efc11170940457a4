"""``boothapp roi --event E [--compare E2 ...] [--format json|text|pdf] [-o FILE]``: was the
show worth it (issue 22). Funnel, money, speed-to-lead, first-touch timing and stages from the
event's own leads and the deals ``boothapp sync pull`` brought back.

JSON and text go to standard output or ``-o FILE``; PDF needs ``-o`` and holds the ROI pages
(the post-show report carries the same pages after its own).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from boothapp.cli.acting import require_manager
from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.progress import ProgressBar
from boothapp.core.i18n import gettext as _
from boothapp.core.i18n import ngettext
from boothapp.reports.roi_format import compare_text, results_text, results_tree
from boothapp.services.deals import DEAL_CRMS
from boothapp.services.errors import ServiceError


def register(sub: Any) -> None:
    parser = sub.add_parser("roi", help="was the show worth it: funnel, money, speed-to-lead")
    parser.add_argument("--event", required=True, help="event id or name")
    parser.add_argument(
        "--compare", nargs="+", default=[], metavar="EVENT", help="earlier events side by side"
    )
    parser.add_argument("--format", choices=["text", "json", "pdf"], default="text")
    parser.add_argument("-o", "--output", help="file to write (required for pdf)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output) if args.output else None
    if args.format == "pdf" and out is None:
        raise CliError(_("--format pdf needs -o FILE.pdf"))
    if out is not None and not out.parent.exists():
        raise CliError(_("folder {folder} does not exist").format(folder=out.parent))
    ctx = open_context(args)
    try:
        events = [find_event(ctx, ref) for ref in (args.event, *args.compare)]
        require_manager(ctx, args, "roi", events[0].id)  # the Results page is managers' too
        try:
            results = ctx.results.compare([e.id for e in events])
        except ServiceError as exc:
            raise CliError(str(exc)) from None
    finally:
        ctx.close()
    if args.format == "pdf":
        assert out is not None
        # reportlab loads for a PDF only: the CLI imports every command to list it, and
        # each command started ~0.2 s later for it.
        from boothapp.reports.pdf_roi import write_roi_pdf

        try:
            write_roi_pdf(results, out)
        except OSError as exc:
            raise CliError(str(exc)) from None
        print(
            ngettext(
                "results of {count} event written to {path}",
                "results of {count} events written to {path}",
                len(results),
            ).format(count=len(results), path=out)
        )
        return 0
    if args.format == "json":
        trees = [results_tree(r) for r in results]
        text = json.dumps(trees[0] if len(trees) == 1 else trees, indent=2, ensure_ascii=False)
        text += "\n"
    else:
        text = "\n".join(results_text(r) for r in results)
        if len(results) > 1:
            text += "\n" + _("Side by side") + "\n" + compare_text(results)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(_("results written to {path}").format(path=out))
    return 0


def pull_deals(ctx: Any, event_id: str, event_name: str) -> int:
    """``boothapp sync pull``'s second half: the deals of the synced leads (issue 22)."""
    settings = ctx.sync.settings(event_id)
    if settings is None or settings.name not in DEAL_CRMS:
        return 0  # BottleCRM and the push-only targets have no deals linked to leads
    bar = ProgressBar(_("Reading deals back from the CRM"))
    summary = ctx.deals.pull(event_id, event_name, progress=bar)
    bar.done()
    print(summary.message.split("; ")[0])
    for e in summary.errors:
        print(f"  {e}")
    return 1 if summary.errors else 0
