"""``boothapp decode IMAGE...``: read badge barcodes from image files, one JSON line each.

Uses the same pipeline as the live scanner (with a file's larger time budget), so a badge
that reads here reads at the booth. Each image prints ``{"file", "symbology", "text", "ms"}``;
an image with several symbols prints one line per symbol, an image with none prints
``"text": null``. A missing or unreadable file prints a line with ``"error"``; the other files
are still processed and the exit code is 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from boothapp.capture.symbologies import BACKENDS, BADGE_SYMBOLOGIES, Symbology, parse_symbologies
from boothapp.cli.errors import CliError
from boothapp.core.i18n import Language, using
from boothapp.core.i18n import gettext as _

if TYPE_CHECKING:
    from boothapp.capture.types import FrameDecoder


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "decode",
        help="read barcodes in image files (one JSON line per image)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (png, jpg, ...)")
    parser.add_argument(
        "--symbologies",
        default=",".join(sorted(s.value for s in BADGE_SYMBOLOGIES)),
        help="comma-separated symbologies to search, or 'all' "
        f"({', '.join(s.value for s in Symbology)}); default: the badge set",
    )
    parser.add_argument(
        "--backend",
        choices=("pipeline", *BACKENDS),
        default="pipeline",
        help="the app's pipeline (default) or one decoder library alone",
    )
    parser.set_defaults(func=run)


def make_decoder(backend: str, symbologies: frozenset[Symbology]) -> FrameDecoder:
    # OpenCV and numpy load here, not with the CLI: every other command started ~0.4 s
    # later for them (the CLI imports each command to list it).
    from boothapp.capture.decoders import make_backend
    from boothapp.capture.imagefile import FILE_BUDGET_MS
    from boothapp.capture.pipeline import DecodePipeline

    if backend == "pipeline":
        return DecodePipeline(symbologies, budget_ms=FILE_BUDGET_MS)
    return make_backend(backend, symbologies)


def run(args: argparse.Namespace) -> int:
    try:
        symbologies = parse_symbologies(args.symbologies)
    except ValueError as exc:
        raise CliError(_("--symbologies: {reason}").format(reason=exc)) from None
    decoder = make_decoder(args.backend, symbologies)
    from boothapp.capture.imagefile import DecodeFileError, load_image

    reset = getattr(decoder, "reset", None)
    failures = 0
    for path in args.images:
        try:
            with using(Language.EN):  # the JSON line's "error" is machine output: English
                image = load_image(path)
        except DecodeFileError as exc:
            failures += 1
            _emit({"file": path, "symbology": None, "text": None, "ms": None, "error": str(exc)})
            continue
        if reset is not None:
            reset()  # each file is its own scene: no region carried over from the last one
        try:
            outcome = decoder.decode(image)
        except Exception as exc:  # one bad image must not end the batch with a traceback
            failures += 1
            reason = f"{path}: could not decode: {type(exc).__name__}: {exc}".splitlines()[0]
            _emit({"file": path, "symbology": None, "text": None, "ms": None, "error": reason})
            continue
        ms = round(outcome.ms, 1)
        if not outcome.results:
            _emit({"file": path, "symbology": None, "text": None, "ms": ms})
        for result in outcome.results:
            _emit({"file": path, "symbology": result.symbology, "text": result.text, "ms": ms})
    return 1 if failures else 0


def _emit(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
