"""Row ids: time-ordered (UUIDv7 layout) so a build appends to its indexes, still random."""

from __future__ import annotations

import os
import time
import uuid

from boothapp.store.types import new_id


def test_ids_are_version_7_uuids_with_their_creation_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    parsed = uuid.UUID(made)
    assert str(parsed) == made  # the canonical 36-character text the id columns hold
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= after


def test_an_id_made_later_sorts_after_an_earlier_one() -> None:
    earlier = [new_id() for _ in range(50)]
    time.sleep(0.002)  # the next millisecond at least
    later = [new_id() for _ in range(50)]
    # As stored text, which is what the indexes compare.
    assert max(earlier) < min(later)


def test_a_burst_of_ids_is_unique_and_keeps_74_random_bits() -> None:
    burst = [new_id() for _ in range(200_000)]
    assert len(set(burst)) == len(burst)
    # Many ids share a millisecond in a burst; their random bits still differ, and every
    # one of the 74 random bit positions takes both values.
    rand_mask = ((1 << 12) - 1) << 64 | ((1 << 62) - 1)
    rands = [uuid.UUID(i).int & rand_mask for i in burst]
    assert len(set(rands)) == len(rands)
    ones = 0
    zeros = 0
    for r in rands[:2000]:
        ones |= r
        zeros |= ~r & rand_mask
    assert ones == rand_mask and zeros == rand_mask


def test_a_forked_child_makes_ids_of_its_own() -> None:
    new_id()  # the parent holds spare random bits now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its ids to the parent, then out without any clean-up
        os.write(write, "\n".join(new_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split("\n"))
    parent = {new_id() for _ in range(100)}
    rand_mask = ((1 << 12) - 1) << 64 | ((1 << 62) - 1)
    # Same millisecond or not, no random bits are drawn by both.
    assert len(child) == 100
    assert not {uuid.UUID(i).int & rand_mask for i in child} & {
        uuid.UUID(i).int & rand_mask for i in parent
    }
