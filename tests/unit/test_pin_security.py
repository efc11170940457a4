"""Staff PINs (issue 14): Argon2id hashes, older hashes upgraded on sign-in, 5 wrong PINs in a
row lock the pad for 30 s (doubling), kept across a restart, lifted by a manager's PIN."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boothapp.app import AppContext, build_context
from boothapp.core.models import StaffRole
from boothapp.services.events import NewEvent
from boothapp.services.staff import PinStatus
from boothapp.store.keys import connect_file


class FakeClock:
    """Stands in for the wall clock so a 30 s wait is crossed without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _hashes(data_dir: Path) -> dict[str, str]:
    con = connect_file(data_dir / "boothapp.db")
    try:
        return dict(con.execute("SELECT name, pin_hash FROM staff").fetchall())
    finally:
        con.close()


def test_five_wrong_pins_lock_for_30_s_and_the_lock_survives_a_restart(
    ctx: AppContext, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event = ctx.events.create_event(NewEvent(name="Lock Show"))
    ayla = ctx.staff.add_staff(event.id, "Ayla", "4321")
    clock = FakeClock()
    ctx.staff.clock = clock
    tries = [ctx.staff.sign_in(ayla.id, "1111") for _ in range(5)]
    assert [t.status for t in tries] == [PinStatus.WRONG] * 5
    assert [t.tries_left for t in tries[:4]] == [4, 3, 2, 1]
    assert tries[4].locked_for_s == 30
    clock.advance(10)
    sixth = ctx.staff.sign_in(ayla.id, "4321")  # right, but within the wait
    assert sixth.status is PinStatus.LOCKED and sixth.staff is None
    assert sixth.locked_for_s == 20

    # Quitting the app does not lift the wait: a new context on the same data folder.
    ctx.close()
    again = build_context(str(data_dir))
    try:
        again.staff.clock = clock
        assert again.staff.seconds_locked(ayla.id) == 20
        assert again.staff.sign_in(ayla.id, "4321").status is PinStatus.LOCKED
        clock.advance(20)
        accepted = again.staff.sign_in(ayla.id, "4321")
        assert accepted.status is PinStatus.ACCEPTED
        assert accepted.staff is not None and accepted.staff.id == ayla.id
        # The next run of wrong PINs starts from zero again after a right one.
        assert again.staff.sign_in(ayla.id, "0000").tries_left == 4
    finally:
        again.close()
    # A wrong PIN is an answer, not an error: nothing like a traceback was logged.
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


def test_each_further_run_of_wrong_pins_doubles_the_wait(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Double Show"))
    member = ctx.staff.add_staff(event.id, "Can", "2468")
    clock = FakeClock()
    ctx.staff.clock = clock
    waits = []
    for _ in range(3):
        for _ in range(5):
            last = ctx.staff.sign_in(member.id, "9999")
        waits.append(last.locked_for_s)
        clock.advance(last.locked_for_s)
    assert waits == [30, 60, 120]


def test_a_managers_pin_lifts_the_wait_and_a_staff_pin_does_not(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Manager Show"))
    member = ctx.staff.add_staff(event.id, "Can", "2468")
    other = ctx.staff.add_staff(event.id, "Ece", "1357")
    boss = ctx.staff.add_staff(event.id, "Deniz", "8642", role=StaffRole.MANAGER)
    assert boss.role is StaffRole.MANAGER and other.role is StaffRole.STAFF
    ctx.staff.clock = FakeClock()
    for _ in range(5):
        ctx.staff.sign_in(member.id, "0000")
    assert ctx.staff.sign_in(member.id, "2468").status is PinStatus.LOCKED
    assert ctx.staff.unlock(member.id, "1357").status is PinStatus.WRONG  # not a manager
    lifted = ctx.staff.unlock(member.id, "8642")
    assert lifted.accepted and lifted.staff == boss
    assert ctx.staff.seconds_locked(member.id) == 0
    assert ctx.staff.sign_in(member.id, "2468").staff == member


def test_pins_are_stored_as_argon2id_and_old_hashes_upgrade_on_sign_in(
    ctx: AppContext, data_dir: Path
) -> None:
    event = ctx.events.create_event(NewEvent(name="Hash Show"))
    ctx.staff.add_staff(event.id, "Ayla", "4321")
    maria = ctx.staff.add_staff(event.id, "Maria", "2222")
    stored = _hashes(data_dir)
    assert stored["Ayla"].startswith("$argon2id$v=19$") and "4321" not in stored["Ayla"]
    # Per-staff salt: the same PIN never gives the same hash twice.
    assert ctx.staff.add_staff(event.id, "Twin", "4321") is not None
    assert _hashes(data_dir)["Twin"] != stored["Ayla"]
    # A database from before issue 14 holds PBKDF2 hashes; they still sign in, once.
    salt = "00" * 16
    digest = hashlib.pbkdf2_hmac("sha256", b"2222", bytes.fromhex(salt), 1000).hex()
    con = connect_file(data_dir / "boothapp.db")
    con.execute(
        "UPDATE staff SET pin_hash=? WHERE name='Maria'", (f"pbkdf2_sha256$1000${salt}${digest}",)
    )
    con.commit()
    con.close()
    assert ctx.staff.sign_in(maria.id, "0000").status is PinStatus.WRONG
    assert _hashes(data_dir)["Maria"].startswith("pbkdf2_sha256$")  # a wrong PIN changes none
    assert ctx.staff.sign_in(maria.id, "2222").staff == maria
    assert _hashes(data_dir)["Maria"].startswith("$argon2id$")
    assert ctx.staff.sign_in(maria.id, "2222").staff == maria


def test_kiosk_exit_pin_names_whoever_typed_it_and_locks_too(ctx: AppContext) -> None:
    event = ctx.events.create_event(NewEvent(name="Exit Show"))
    ctx.staff.add_staff(event.id, "Ayla", "4321")
    maria = ctx.staff.add_staff(event.id, "Maria", "2222")
    ctx.staff.clock = clock = FakeClock()
    assert ctx.staff.sign_in_any(event.id, "2222").staff == maria
    for _ in range(5):
        assert ctx.staff.sign_in_any(event.id, "1111").status is PinStatus.WRONG
    assert ctx.staff.sign_in_any(event.id, "2222").status is PinStatus.LOCKED
    clock.advance(30)
    assert ctx.staff.sign_in_any(event.id, "2222").staff == maria
