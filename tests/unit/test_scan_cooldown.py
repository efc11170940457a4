"""One badge in view is one scan; the newest frame wins in the decode mailbox."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from boothapp.workers.frame_mailbox import FrameMailbox, StampedFrame
from boothapp.workers.scan_cooldown import ScanCooldown


def test_badge_held_in_view_counts_once_and_again_after_it_left_for_the_cooldown() -> None:
    cooldown = ScanCooldown(3.0)
    # Held for ten seconds, seen every 100 ms: one scan.
    sightings = [cooldown.is_new("QRCode", "B-1", t / 10) for t in range(100)]
    assert sightings.count(True) == 1 and sightings[0]
    # Left view at 9.9 s; back at 12.0 s (2.1 s later): still the same scan.
    assert not cooldown.is_new("QRCode", "B-1", 12.0)
    # Left at 12.0 s; back at 15.5 s: a new scan.
    assert cooldown.is_new("QRCode", "B-1", 15.5)


def test_another_badge_is_a_new_scan_at_once() -> None:
    cooldown = ScanCooldown(3.0)
    assert cooldown.is_new("QRCode", "B-1", 0.0)
    assert cooldown.is_new("QRCode", "B-2", 0.1)
    assert cooldown.is_new("PDF417", "B-1", 0.2)  # same text, other symbology
    with pytest.raises(ValueError, match="negative"):
        ScanCooldown(-1)


def test_mailbox_hands_out_the_newest_frame_and_counts_the_dropped() -> None:
    box = FrameMailbox()
    for index in range(5):
        box.put(StampedFrame(np.zeros((2, 2), np.uint8), index, float(index)))
    taken = box.take(timeout=0)
    assert taken is not None and taken.index == 4
    assert box.dropped == 4
    assert box.take(timeout=0.01) is None


def test_mailbox_close_wakes_a_waiting_taker_and_keeps_the_last_frame() -> None:
    box = FrameMailbox()
    box.put(StampedFrame(np.zeros((2, 2), np.uint8), 1, 0.0))
    box.close()
    last = box.take(timeout=0)
    assert last is not None and last.index == 1
    assert box.take(timeout=5) is None  # returns at once: closed and empty
    waiting = FrameMailbox()
    got: list[object] = []
    taker = threading.Thread(target=lambda: got.append(waiting.take(timeout=5)))
    taker.start()
    waiting.close(discard=True)
    taker.join(1)
    assert not taker.is_alive() and got == [None]
