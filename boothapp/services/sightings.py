"""Who captured a visitor, on which device, when (issue 19): "Scanned before by Ayşe on Thu
03 Dec 10:31 (laptop 2)".

Read from the change log: every capture, this device's and the ones the event hub brought, is
a ``*`` entry naming the person and the device. A visitor captured on two devices is one lead
with the other capture's id as its alias, so both captures are found from either id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from boothapp.services.lead_changes import CREATED
from boothapp.store.tables import ChangeLogRow, LeadAliasRow


@dataclass(frozen=True, slots=True)
class Sighting:
    """One capture of a lead's visitor."""

    staff_name: str
    device_name: str  # "" for this device when it has no name (never joined a hub)
    at: datetime
    this_device: bool


def sightings_in(s: Session, lead_id: str, me: str, my_name: str = "") -> list[Sighting]:
    """Every capture of this lead's visitor on any device, first capture first."""
    ids = {lead_id, *s.scalars(select(LeadAliasRow.alias_id).where(
        LeadAliasRow.lead_id == lead_id
    ))}  # fmt: skip
    rows = s.scalars(
        select(ChangeLogRow)
        .where(ChangeLogRow.lead_id.in_(ids), ChangeLogRow.field == CREATED)
        .order_by(ChangeLogRow.hlc)
    ).all()
    return [
        Sighting(
            r.staff_name,
            r.device_name or (my_name if r.device_id == me else ""),
            r.at,
            r.device_id == me,
        )
        for r in rows
    ]
