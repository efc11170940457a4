"""``boothapp scan-image IMAGE --event E``: decode a badge photo, keep the scan and the lead.

A photo without a barcode is read as a business card (issue 20): its fields become the lead
and the photo is kept as the scan's image.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from boothapp.cli.context import find_event, open_context
from boothapp.cli.errors import CliError
from boothapp.cli.lead_format import lead_as_json
from boothapp.core.i18n import gettext as _
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
        return _card_fallback(args, path)
    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        for result in results:
            lead, created = ctx.leads.capture_scan(
                event.id, result.text, symbology=result.symbology, source=LeadSource.BADGE_SCAN
            )
            print(lead_as_json(lead))
            if not created:
                print(_("(scanned before: existing lead {id})").format(id=lead.id))
        return 0
    finally:
        ctx.close()


def _card_fallback(args: argparse.Namespace, path: Path) -> int:
    import shutil
    from datetime import datetime

    from boothapp.capture.imagefile import load_image
    from boothapp.capture.ocr.card_locate import NoCardFound
    from boothapp.capture.ocr.card_reader import read_card
    from boothapp.capture.ocr.engines import make_reader
    from boothapp.capture.ocr.types import OcrUnavailable
    from boothapp.services.leads import card_draft

    ctx = open_context(args)
    try:
        event = find_event(ctx, args.event)
        try:
            reading = read_card(load_image(path), make_reader(), regions=[event.country])
        except (NoCardFound, OcrUnavailable) as exc:
            raise CliError(
                _("no barcode found in {path}, and {reason}").format(path=path, reason=exc),
                exit_code=3,
            ) from exc
        # kept under the data folder, as the scan page keeps its card photos: the lead's
        # photo must not go when the file given here is moved or deleted (issue 20)
        kept = ctx.paths.photos_dir / f"card-{datetime.now():%Y%m%d-%H%M%S-%f}{path.suffix.lower()}"
        shutil.copyfile(path, kept)
        outcome = ctx.leads.record_scan(
            event.id, "", image_path=str(kept), source=LeadSource.MANUAL
        )
        lines = [ln.text for ln in reading.page.lines]
        offer = ctx.leads.card_in_roster(event.id, lines, reading.fields.contact.email)
        if offer is not None and offer.existing is not None:
            lead = ctx.leads.save_lead(ctx.leads.draft_of(offer.existing), scan_id=outcome.scan.id)
            print(lead_as_json(lead))
            print(_("(scanned before: existing lead {id})").format(id=lead.id))
            return 0
        lead = ctx.leads.save_lead(card_draft(outcome.draft, reading.fields.contact, offer),
                                   scan_id=outcome.scan.id)  # fmt: skip
        print(lead_as_json(lead))
        print(_("(no barcode: read as a business card, photo kept as {path})").format(path=kept))
        if offer is not None:
            print(_("(found in the roster: {name})").format(name=offer.attendee.contact.full_name))
        return 0
    finally:
        ctx.close()
