"""What a demo build starts before the command's own imports (issue 23).

``python -m boothapp`` imports the whole app before it reads its arguments (~0.8 s: every
verb registers its parser). A big build (``boothapp demo --leads N`` over one chunk) needs
its worker process from its first chunk on, and the worker needs ~0.75 s to start (a new
interpreter, its imports, the templates compiled): started here, first thing, both run at
once on the two cores, and the worker is ready when the build is.
"""

from __future__ import annotations

from collections.abc import Sequence

from boothapp.services.bulk_worker import start_ahead

# Leads per transaction. Each commit rewrites every index page its inserts touched, and the
# keys (UUIDs, 22 field clocks a lead) land all over the indexes: 15,000 leads built in 43 s
# in chunks of 5,000 against 70 s in chunks of 1,000 (issue 23); ~350 MB at the peak.
DEMO_CHUNK = 5000


def demo_leads(argv: Sequence[str]) -> int:
    """The leads ``argv`` asks ``boothapp demo`` to add; 0 for any other command, for help,
    for the hub demo (it builds nothing here) or for what the parser will refuse. Read
    before the parser exists: a word for word look at the arguments the parser takes."""
    args = list(argv)
    if "demo" not in args or {"-h", "--help", "--hub"} & set(args):
        return 0
    if any(a.startswith("--hub=") for a in args):
        return 0
    for i, arg in enumerate(args):
        if arg.startswith("--leads="):
            value = arg.partition("=")[2]
        elif arg == "--leads" and i + 1 < len(args):
            value = args[i + 1]
        else:
            continue
        try:
            return max(0, int(value))
        except ValueError:
            return 0
    return 0


def start_early(argv: Sequence[str]) -> None:
    """Start the bulk worker now when ``argv`` builds a demo of more than one chunk."""
    if demo_leads(argv) > DEMO_CHUNK:
        start_ahead()
