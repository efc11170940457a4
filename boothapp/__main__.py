"""``python -m boothapp`` and the ``boothapp`` entry point."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    # No cyclic collections while the app imports: their passes walked the modules' objects
    # again and again, ~0.1 s of every start (issue 23). What the imports made stays alive
    # as long as the process: frozen, later passes leave it out too.
    gc.disable()
    try:
        # First of all: a big demo build starts its worker process (issue 23).
        from boothapp.demo.early import start_early

        start_early(sys.argv[1:])
        from boothapp.cli import main as cli_main
    finally:
        gc.freeze()
        gc.enable()
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
