"""A module imported when first used, not when its importer is (issue 23).

Every command imports the whole app before it reads its arguments, and a few libraries cost
much for the few commands that use them: psycopg (~60 ms) is only for the event hub.
``lazy_module`` gives a stand-in whose first attribute read imports the module (through the
import system: one import, whichever threads ask at once; the standard library's
``LazyLoader`` is not safe between threads before Python 3.12) and reads from it.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module ``name``; any attribute read imports it first."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{' (imported)' if self._module else ''}>"


def lazy_module(name: str) -> Any:
    """``name``, imported on first use; a module that is not installed fails here, at
    start (its code is not run, only found)."""
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return LazyModule(name)
