"""Entry script for the frozen app (PyInstaller needs a file, not a module path)."""

import multiprocessing

from boothapp.__main__ import main

if __name__ == "__main__":
    # A worker process of the frozen app (a big demo build evaluates leads in one, issue 23)
    # runs its task here instead of starting the app again.
    multiprocessing.freeze_support()
    main()
