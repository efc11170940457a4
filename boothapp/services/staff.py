"""Booth staff: add with a PIN, sign in, list."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from boothapp.core.models import MANAGER_ROLE, STAFF_ROLE, Staff
from boothapp.core.pins import hash_pin, validate_pin, verify_pin
from boothapp.services.audit import AuditAction, record
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.store.db import Database
from boothapp.store.mappers import staff_from_row
from boothapp.store.tables import StaffRow


class StaffService:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id

    def add_staff(
        self, event_id: str, name: str, pin: str, email: str = "", role: str = STAFF_ROLE
    ) -> Staff:
        name = name.strip()
        if not name:
            raise ValidationError("staff member needs a name")
        problem = validate_pin(pin)
        if problem:
            raise ValidationError(problem)
        if role not in (STAFF_ROLE, MANAGER_ROLE):
            raise ValidationError(f"unknown role {role!r}: staff or manager")
        with self._db.session() as s:
            clash = s.scalar(
                select(StaffRow.id).where(StaffRow.event_id == event_id, StaffRow.name == name)
            )
            if clash:
                raise ValidationError(f"{name} is already on this event's staff")
            row = StaffRow(
                event_id=event_id,
                name=name,
                email=email.strip(),
                pin_hash=hash_pin(pin),
                role=role,
                device_id=self._device_id,
            )
            s.add(row)
            s.flush()
            return staff_from_row(row)

    def with_role(self, staff: Staff) -> Staff:
        """``staff`` as a manager when the event has no manager yet and they were added first:
        events set up before roles existed keep one person who can change the settings."""
        if staff.is_manager:
            return staff
        with self._db.read() as s:
            rows = s.execute(
                select(StaffRow.id, StaffRow.role).where(StaffRow.event_id == staff.event_id)
                .order_by(StaffRow.created_at, StaffRow.name)
            ).all()  # fmt: skip
        if rows and not any(role == MANAGER_ROLE for _, role in rows) and rows[0][0] == staff.id:
            return replace(staff, role=MANAGER_ROLE)
        return staff

    def list_staff(self, event_id: str) -> list[Staff]:
        with self._db.read() as s:
            rows = s.scalars(
                select(StaffRow).where(StaffRow.event_id == event_id).order_by(StaffRow.name)
            )
            return [staff_from_row(r) for r in rows]

    def verify_any(self, event_id: str, pin: str) -> Staff | None:
        """The staff member of the event whose PIN this is (kiosk exit), or None."""
        with self._db.read() as s:
            rows = s.scalars(
                select(StaffRow).where(StaffRow.event_id == event_id, StaffRow.active.is_(True))
            ).all()
            for row in rows:
                if verify_pin(pin, row.pin_hash):
                    return staff_from_row(row)
        return None

    def sign_in(self, staff_id: str, pin: str) -> Staff:
        """The staff member when the PIN matches; ValidationError otherwise."""
        with self._db.session() as s:
            row = s.get(StaffRow, staff_id)
            if row is None or not row.active:
                raise NotFoundError("unknown staff member")
            if not verify_pin(pin, row.pin_hash):
                raise ValidationError("wrong PIN")
            record(
                s,
                AuditAction.LOGIN,
                event_id=row.event_id,
                staff_id=row.id,
                device_id=self._device_id,
            )
            member = staff_from_row(row)
        return self.with_role(member)
