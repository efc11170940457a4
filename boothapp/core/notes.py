"""Notes are appended, never overwritten: each entry says who wrote it and when (issue 15)."""

from __future__ import annotations

from datetime import datetime

from boothapp.core.clock import event_time


def append_note(notes: str, text: str, author: str, at: datetime, zone: str) -> str:
    """``notes`` with ``text`` added under "— Deniz, Tue 18 Nov 18:28"; earlier notes kept.

    Blank ``text`` changes nothing (a stray Save must not add an empty stamp).
    """
    entry = text.strip()
    if not entry:
        return notes
    stamp = f"— {author.strip() or 'someone'}, {event_time(at, zone)}"
    block = f"{stamp}\n{entry}"
    return f"{notes.rstrip()}\n\n{block}" if notes.strip() else block
