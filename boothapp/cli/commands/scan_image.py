"""``boothapp scan-image IMAGE --event E``: decode a badge photo, keep the scan and the lead."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.lead_format import lead_as_json
from boothapp.core.models import LeadSource


def register(sub: Any) -> None:
    parser = sub.add_parser("scan-image", help="decode a badge image and store the lead")
    parser.add_argument("image", help="photo or scan of the badge")
    parser.add_argument("--event", required=True, help="event id or name")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from boothapp.capture.imagefile import DecodeFileError, decode_image_file

    path = Path(args.image)
    try:
        results = decode_image_file(path)
    except DecodeFileError as exc:
        raise CliError(str(exc)) from exc
    if not results:
        raise CliError(f"no barcode found in {path}", exit_code=3)
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        for result in results:
            lead, created = ctx.leads.capture_scan(
                event.id, result.text, symbology=result.symbology, source=LeadSource.BADGE_SCAN
            )
            print(lead_as_json(lead))
            if not created:
                print(f"(scanned before: existing lead {lead.id})")
        return 0
    finally:
        ctx.close()
