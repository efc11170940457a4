"""Open emails per send slot, kept across the chunks of one bulk capture (issue 23).

Each save's capacity pass (``core.followups.capacity``) counts the open emails of the slots
its new emails may take. A bulk capture's chunks asked the database again for every chunk,
and each count walks the slot's entries of ``ix_followups_due``: the later chunks of a
50,000-lead build counted up to 200,000 planned touches each (~0.6 s of the build). With a
book, a slot is counted from the database once, the first time a chunk's emails may land
there, and the emails the capture plans itself are added here as they are inserted.

The counts are exact while nothing else plans emails for the event during the capture
(a demo build, one device's import). A save on another connection meanwhile is not seen by
the later chunks: a slot may then take a few more emails than its limit, which spreads the
mail less evenly and loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.models import Channel


class SlotBook:
    """The open emails per due time of one event, as one bulk capture knows them."""

    def __init__(self) -> None:
        self._counts: dict[datetime, int] = {}

    def counts(
        self, slots: set[datetime], read: Callable[[set[datetime]], dict[datetime, int]]
    ) -> dict[datetime, int]:
        """How many open emails keep each of ``slots``; ``read`` counts those not known yet
        in the database (the capture's transaction: what the earlier chunks committed)."""
        missing = slots - self._counts.keys()
        if missing:
            found = read(missing)
            for slot in missing:
                self._counts[slot] = found.get(slot, 0)
        return {slot: n for slot in slots if (n := self._counts[slot])}

    def add(self, touches: Iterable[PlannedTouch]) -> None:
        """``touches`` were inserted, planned: their emails keep their slots from now on.
        A slot not counted yet is left to the database (it has them once committed)."""
        counts = self._counts
        for t in touches:
            if t.channel is Channel.EMAIL and t.due_utc in counts:
                counts[t.due_utc] += 1
