"""``boothapp read-card IMAGE... [--format json]``: read business cards from photos.

Each image prints one record: file, name, title, company, email, phone (E.164), website,
address, country, the confidence of each field (0..1) and ms. A photo without a card prints
``"error": "no card found: ..."``; the other files are still read and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from boothapp.cli.errors import CliError
from boothapp.core.i18n import Language, using

CARD_KEYS = ("name", "title", "company", "email", "phone", "website", "address", "country")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "read-card",
        help="read business cards in photos (one record per image)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="photos of business cards")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--region", default="", help="country of the event (ISO code) for phone numbers"
    )
    parser.add_argument("--engine", choices=("auto", "tesseract", "rapidocr"), default="auto")
    parser.set_defaults(func=run)


def card_record(path: str, reading: Any) -> dict[str, object]:
    """The JSON record of one read card (also printed by ``scan-image``)."""
    fields = reading.fields
    c = fields.contact
    values = {"name": c.full_name, "title": c.title, "company": c.company, "email": c.email,
              "phone": c.phone, "website": c.website, "address": fields.address,
              "country": c.country}  # fmt: skip
    confidence = {
        key: fields.confidence_of("first_name" if key == "name" else key) for key in CARD_KEYS
    }
    return {"file": path, **values, "confidence": confidence, "ms": round(reading.ms, 1)}


def run(args: argparse.Namespace) -> int:
    from boothapp.capture.imagefile import DecodeFileError, load_image
    from boothapp.capture.ocr.card_locate import NoCardFound
    from boothapp.capture.ocr.card_reader import read_card
    from boothapp.capture.ocr.engines import make_reader
    from boothapp.capture.ocr.types import OcrUnavailable

    try:
        reader = make_reader(args.engine)
    except OcrUnavailable as exc:
        raise CliError(str(exc)) from exc
    regions = [args.region.upper()] if args.region else []
    failures = 0
    for path in args.images:
        # A JSON line is machine output: its "error" stays English; text is for people.
        try:
            with using(Language.EN if args.format == "json" else None):
                record = card_record(path, read_card(load_image(path), reader, regions=regions))
        except (DecodeFileError, NoCardFound) as exc:
            failures += 1
            record = {"file": path, "error": str(exc)}
        _emit(record, args.format)
    return 1 if failures else 0


def _emit(record: dict[str, object], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif "error" in record:
        sys.stdout.write(f"{record['file']}: {record['error']}\n")
    else:
        conf = record["confidence"]
        assert isinstance(conf, dict)
        sys.stdout.write(f"{record['file']} ({record['ms']} ms)\n")
        for key in CARD_KEYS:
            if record[key]:
                mark = "  ?" if conf.get(key, 0) < 0.6 else ""
                sys.stdout.write(f"  {key:8} {record[key]}{mark}\n")
    sys.stdout.flush()
