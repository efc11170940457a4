"""A fault nobody foresaw, met while the window runs: kept, told in one line, the window goes on.

PySide6 hands an exception raised in a slot or an event handler to ``sys.excepthook`` and
returns to the event loop. Python's own hook printed its traceback to a terminal the booth
never sees (and a database error's traceback quotes the rows it could not write). Here the
traceback goes to a private crash file (``boothapp.crash``) and the status bar says what
happened and where that file is, until the next message replaces it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow

from boothapp.crash import keep_crash
from boothapp.paths import AppPaths

log = logging.getLogger(__name__)
Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def keep_faults(paths: AppPaths, window: QMainWindow | None) -> Hook:
    """Install the hook; returns the one it replaced (to put back). ``window``: whose status
    bar tells staff; None on the kiosk, where a visitor would read it (the file only)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        kept = keep_crash(paths, exc)
        log.error("unexpected %s in the window; details in %s", kind.__name__, kept)
        if window is None:
            return
        # Left-to-right marks round the name and the path: in a Persian sentence the path
        # keeps its leading slash where it belongs.
        fault, where = f"\u200e{kind.__name__}\u200e", f"\u200e{kept or '-'}\u200e"
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "Faults", "Something went wrong ({0}); what was saved is safe. Details: {1}"
            ).format(fault, where)
        )

    sys.excepthook = hook
    return previous
