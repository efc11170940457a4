"""Field-level merge of a CRM's owner/stage into a booth lead (last writer wins per field).

A field the booth changed (``lead_changes``) after the CRM record's last update keeps the booth's
value: it goes out with the next sync. Otherwise the CRM's value is taken and recorded as a
change by ``crm:<name>``, so the lead's history shows where it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from boothapp.store.db import Database
from boothapp.store.tables import LeadChangeRow, LeadRow
from boothapp.sync.pull import RemoteLead


def merge_remote(
    db: Database, device_id: str, lead_id: str, crm: str, remote: RemoteLead, remote_at: datetime
) -> tuple[int, int]:
    wanted = {"stage": remote.stage.value if remote.stage else None, "owner": remote.owner}
    updated = kept = 0
    with db.session() as s:
        row = s.get(LeadRow, lead_id)
        if row is None:
            return 0, 0
        for name, value in wanted.items():
            if value is None or getattr(row, name) == value:
                continue
            local_at = s.scalar(
                select(func.max(LeadChangeRow.created_at)).where(
                    LeadChangeRow.lead_id == lead_id, LeadChangeRow.field == name
                )
            )
            if local_at is not None and local_at > remote_at:
                kept += 1  # the booth changed it after the CRM did: ours goes out next sync
                continue
            s.add(
                LeadChangeRow(
                    lead_id=lead_id,
                    staff_id=f"crm:{crm}",
                    field=name,
                    old_value=getattr(row, name),
                    new_value=value,
                    device_id=device_id,
                    created_by=f"crm:{crm}",
                )
            )
            setattr(row, name, value)
            row.updated_at = datetime.now(UTC)
            updated += 1
    return updated, kept
