"""Guards the PySide6 pin: 6.12.0 on Python 3.11 leaks a reference to True on every
``emit`` and aborts the process after a few thousand (a 30 fps preview dies in a minute)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_emitting_does_not_leak_references(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emitter.fired.emit(i)
    assert len(received) == 500
    assert sys.getrefcount(True) - before < 50  # the broken build leaks exactly one per emit
