"""Booth staff: add with a PIN, sign in, list; wrong PINs lock the pad for a while.

A wrong PIN is an answer, not an error: every check returns a ``PinCheck`` and raises nothing,
so no traceback reaches a log or the terminal for a mistyped PIN (issue 14). Each PIN pad has
its own wrong-PIN counter in ``pin_locks`` (a staff member's sign-in, an event's kiosk exit,
an event's manager unlock), kept across restarts. PINs are checked off the GUI thread (Argon2id).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.core.i18n import _
from boothapp.core.models import Staff, StaffRole
from boothapp.core.pin_lockout import MAX_TRIES, LockState, after_wrong_pin
from boothapp.core.pins import hash_pin, needs_rehash, validate_pin, verify_pin
from boothapp.services.audit import AuditAction, record
from boothapp.services.errors import ValidationError
from boothapp.store.db import Database
from boothapp.store.mappers import staff_from_row
from boothapp.store.tables import PinLockRow, StaffOsUserRow, StaffRow

Clock = Callable[[], datetime]


class PinStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # refused without looking at the PIN: too many wrong ones
    UNKNOWN = "unknown"  # no such (active) staff member


@dataclass(frozen=True, slots=True)
class PinCheck:
    status: PinStatus
    staff: Staff | None = None  # who the PIN belongs to, when accepted
    locked_for_s: float = 0.0  # how long the pad waits now (LOCKED, or the 5th WRONG)
    tries_left: int = MAX_TRIES

    @property
    def accepted(self) -> bool:
        return self.status is PinStatus.ACCEPTED


def _staff_key(staff_id: str) -> str:
    return f"staff:{staff_id}"


def _kiosk_key(event_id: str) -> str:
    return f"kiosk:{event_id}"


def _manager_key(event_id: str) -> str:
    return f"manager:{event_id}"


def _with_role(s: Session, staff: Staff) -> Staff:
    """``staff`` as a manager when the event has no manager yet and they were added first:
    events set up before roles existed keep one person who can change the settings."""
    if staff.is_manager:
        return staff
    rows = s.execute(
        select(StaffRow.id, StaffRow.role)
        .where(StaffRow.event_id == staff.event_id)
        .order_by(StaffRow.created_at, StaffRow.name)
    ).all()
    first_is_them = bool(rows) and rows[0][0] == staff.id
    if first_is_them and not any(role == StaffRole.MANAGER for _, role in rows):
        return replace(staff, role=StaffRole.MANAGER)
    return staff


class StaffService:
    def __init__(self, db: Database, device_id: str = "", clock: Clock | None = None) -> None:
        self._db = db
        self._device_id = device_id
        # Tests set their own clock to cross a 30 s wait without sleeping.
        self.clock: Clock = clock or (lambda: datetime.now(UTC))

    def add_staff(
        self, event_id: str, name: str, pin: str, email: str = "",
        role: StaffRole = StaffRole.STAFF,
    ) -> Staff:  # fmt: skip
        name = name.strip()
        if not name:
            raise ValidationError(_("staff member needs a name"))
        problem = validate_pin(pin)
        if problem:
            raise ValidationError(problem)
        try:
            role = StaffRole(role)
        except ValueError:
            raise ValidationError(
                _("unknown role {role!r}: staff, manager or kiosk").format(role=role)
            ) from None
        with self._db.session() as s:
            clash = s.scalar(
                select(StaffRow.id).where(StaffRow.event_id == event_id, StaffRow.name == name)
            )
            if clash:
                raise ValidationError(
                    _("{name} is already on this event's staff").format(name=name)
                )
            row = StaffRow(
                event_id=event_id,
                name=name,
                email=email.strip(),
                pin_hash=hash_pin(pin),
                role=role.value,
                device_id=self._device_id,
            )
            s.add(row)
            s.flush()
            return staff_from_row(row)

    def list_staff(self, event_id: str) -> list[Staff]:
        with self._db.read() as s:
            rows = s.scalars(
                select(StaffRow).where(StaffRow.event_id == event_id).order_by(StaffRow.name)
            )
            return [staff_from_row(r) for r in rows]

    # -- PIN checks ------------------------------------------------------------------------
    def sign_in(self, staff_id: str, pin: str) -> PinCheck:
        """Sign a staff member in with their own PIN."""
        with self._db.session() as s:
            row = s.get(StaffRow, staff_id)
            if row is None or not row.active:
                return PinCheck(PinStatus.UNKNOWN)
            return self._check(s, _staff_key(row.id), pin, [row], row.event_id)

    def sign_in_any(self, event_id: str, pin: str) -> PinCheck:
        """The kiosk's way out: whichever staff member of the event this PIN belongs to is
        signed in as themself (nobody else's session resumes)."""
        with self._db.session() as s:
            # A kiosk stand's own account never opens the booth window (issue 18, roles).
            rows = [r for r in self._active(s, event_id) if r.role != StaffRole.KIOSK]
            return self._check(s, _kiosk_key(event_id), pin, rows, event_id)

    def unlock(self, staff_id: str, manager_pin: str) -> PinCheck:
        """A manager's PIN lifts a staff member's wait; the check names the manager."""
        with self._db.session() as s:
            row = s.get(StaffRow, staff_id)
            if row is None:
                return PinCheck(PinStatus.UNKNOWN)
            managers = [r for r in self._active(s, row.event_id) if r.role == StaffRole.MANAGER]
            result = self._check(
                s, _manager_key(row.event_id), manager_pin, managers, row.event_id, login=False
            )
            if result.accepted:
                self._save_lock(s, _staff_key(staff_id), LockState())
            return result

    def check_manager(self, event_id: str, pin: str) -> PinCheck:
        """A manager's PIN for a manager action (issue 18: export, settings, CRM, erase,
        the audit page); the check names the manager. Shares the manager pad's lockout."""
        with self._db.session() as s:
            rows = self._active(s, event_id)
            managers = [r for r in rows if r.role == StaffRole.MANAGER]
            if not managers and rows:  # an event set up before roles: its first member
                first = min(rows, key=lambda r: (r.created_at, r.name))
                managers = [first]
            return self._check(s, _manager_key(event_id), pin, managers, event_id, login=False)

    # -- who runs the command line (issue 18) ----------------------------------------------
    def find_by_name(self, name: str, event_id: str | None = None) -> list[Staff]:
        """Active staff called ``name`` (case-insensitive), in one event or in all."""
        wanted = name.strip().casefold()
        with self._db.read() as s:
            q = select(StaffRow).where(StaffRow.active.is_(True))
            if event_id:
                q = q.where(StaffRow.event_id == event_id)
            return [
                _with_role(s, staff_from_row(r)) for r in s.scalars(q)
                if r.name.casefold() == wanted
            ]  # fmt: skip

    def os_user_staff(self, os_user: str) -> Staff | None:
        """The staff member the manager tied this operating-system account to."""
        with self._db.read() as s:
            link = s.get(StaffOsUserRow, os_user)
            row = s.get(StaffRow, link.staff_id) if link is not None else None
            if row is None or not row.active:
                return None
            return _with_role(s, staff_from_row(row))

    def os_user_links(self) -> list[tuple[str, Staff]]:
        with self._db.read() as s:
            found = []
            for link in s.scalars(select(StaffOsUserRow).order_by(StaffOsUserRow.os_user)):
                row = s.get(StaffRow, link.staff_id)
                if row is not None:
                    found.append((link.os_user, _with_role(s, staff_from_row(row))))
            return found

    def map_os_user(self, os_user: str, staff_id: str, by: str = "") -> None:
        """From now on the command line run by ``os_user`` acts as this staff member, and
        manager verbs refuse anyone the manager has not mapped (or who gives no ``--as``)."""
        os_user = os_user.strip()
        if not os_user:
            raise ValidationError(_("name the operating-system user to map"))
        with self._db.session() as s:
            row = s.get(StaffRow, staff_id)
            if row is None:
                raise ValidationError(_("no staff member {staff}").format(staff=staff_id))
            link = s.get(StaffOsUserRow, os_user)
            if link is None:
                s.add(StaffOsUserRow(os_user=os_user, staff_id=staff_id, created_by=by))
            else:
                link.staff_id, link.created_by = staff_id, by
            record(
                s, AuditAction.ROLE_CHANGED, event_id=row.event_id, staff_id=by,
                device_id=self._device_id, detail={"os_user": os_user, "staff": row.name},
            )  # fmt: skip

    def cli_roles_enforced(self) -> bool:
        """Whether the command line checks who runs it: once the manager mapped an OS user,
        a manager verb run by anyone else needs ``--as`` a manager and their PIN."""
        with self._db.read() as s:
            return s.scalar(select(StaffOsUserRow.os_user).limit(1)) is not None

    def with_role(self, staff: Staff) -> Staff:
        with self._db.read() as s:
            return _with_role(s, staff)

    def seconds_locked(self, staff_id: str) -> float:
        """How long this staff member's sign-in pad still waits (0 when it does not)."""
        with self._db.read() as s:
            return self._lock(s, _staff_key(staff_id)).seconds_left(self.clock())

    def kiosk_seconds_locked(self, event_id: str) -> float:
        with self._db.read() as s:
            return self._lock(s, _kiosk_key(event_id)).seconds_left(self.clock())

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _active(s: Session, event_id: str) -> list[StaffRow]:
        return list(
            s.scalars(
                select(StaffRow).where(StaffRow.event_id == event_id, StaffRow.active.is_(True))
            )
        )

    def _check(
        self, s: Session, key: str, pin: str, rows: list[StaffRow], event_id: str,
        login: bool = True,
    ) -> PinCheck:  # fmt: skip
        now = self.clock()
        state = self._lock(s, key)
        left = state.seconds_left(now)
        if left > 0:
            return PinCheck(PinStatus.LOCKED, locked_for_s=left, tries_left=0)
        match = next((r for r in rows if verify_pin(pin, r.pin_hash)), None)
        if match is None:
            state = after_wrong_pin(state, now)
            self._save_lock(s, key, state)
            return PinCheck(
                PinStatus.WRONG, locked_for_s=state.seconds_left(now), tries_left=state.tries_left()
            )
        self._save_lock(s, key, LockState())
        if needs_rehash(match.pin_hash):
            match.pin_hash = hash_pin(pin)  # older PBKDF2 hashes become Argon2id in place
        if login:
            record(
                s, AuditAction.LOGIN, event_id=event_id, staff_id=match.id,
                device_id=self._device_id,
            )  # fmt: skip
        return PinCheck(PinStatus.ACCEPTED, staff=_with_role(s, staff_from_row(match)))

    @staticmethod
    def _lock(s: Session, key: str) -> LockState:
        row = s.get(PinLockRow, key)
        if row is None:
            return LockState()
        return LockState(row.failures, row.lockouts, row.locked_until)

    @staticmethod
    def _save_lock(s: Session, key: str, state: LockState) -> None:
        row = s.get(PinLockRow, key)
        if row is None:
            if state == LockState():
                return
            row = PinLockRow(key=key)
            s.add(row)
        row.failures, row.lockouts, row.locked_until = (
            state.failures, state.lockouts, state.locked_until,
        )  # fmt: skip
