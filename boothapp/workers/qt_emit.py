"""Emit Qt signals without PySide6 6.12.0's reference leak on ``True`` (Python 3.11).

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference. On
Python 3.12+ bools are immortal and nothing happens; on 3.11 every emit drops one reference to
``True`` until the interpreter aborts with "Fatal Python error: bool_dealloc" (after a few
thousand emits: a camera preview at 30 fps gets there in minutes). We measure the leak once at
import and hand the reference back after each emit only if it is there, so a fixed PySide6
costs nothing. Remove this module once PySide6 is pinned to a fixed release.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 64


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # pay back what the probe cost
    return lost >= _PROBE_EMITS * 3 // 4


EMIT_LEAKS_TRUE = _emit_drops_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, compensating the leak when this PySide6 has it."""
    # The stubs say emit returns None; 6.12.0 returns a bool, which is the whole problem.
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]
    if EMIT_LEAKS_TRUE and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
