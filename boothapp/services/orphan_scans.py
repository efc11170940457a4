"""Scans without a lead: "unfinished visitors".

A scan is stored before its lead, in its own transaction, so a crash (or kill -9) between the
two leaves a scan that no lead points to (issue #18: 7 of 744 in an attack run). A scan the
staff closed without saving looks the same. This module lists them for ``boothapp db check``
and the booth, and sets one aside with an audit record; the scan row itself is kept (no scan
is ever lost) and a set-aside scan is simply not listed again. Resuming one into a lead goes
through the lead service like any other scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from boothapp.core.i18n import _
from boothapp.services.audit import AuditAction, record
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.store.bulk import in_chunks
from boothapp.store.db import Database
from boothapp.store.tables import AuditRow, LeadRow, ScanRow


@dataclass(frozen=True, slots=True)
class OrphanScan:
    id: str
    event_id: str
    payload: str
    symbology: str
    source: str
    staff_id: str
    device_id: str
    created_at: datetime
    # A lead of the same event holding this exact payload (the visitor was scanned again and
    # saved): the scan is a leftover, not a lost visitor.
    matching_lead_id: str | None


class OrphanScanService:
    def __init__(self, db: Database, device_id: str = "") -> None:
        self._db = db
        self._device_id = device_id

    def list(self, event_id: str | None = None, *, match_leads: bool = True) -> list[OrphanScan]:
        """Scans with no lead, oldest first, minus those set aside; ``match_leads=False``
        leaves ``matching_lead_id`` None (it reads every lead of the event).

        Read at every sign-in on a pool thread, whose Python competes with the GUI thread's
        first paints (issue 23): each query goes through an index, and the set-aside and
        saved-later look-ups run only when there is something unfinished (at 50,000 leads
        the event's every scan, audit row and lead were read, 130-330 ms)."""
        with self._db.read() as s:
            # lead_id IS NULL through its index: filtered by event in SQL, SQLite walked the
            # event's every scan instead.
            q = select(ScanRow).where(ScanRow.lead_id.is_(None)).order_by(ScanRow.created_at)
            scans = [row for row in s.scalars(q) if not event_id or row.event_id == event_id]
            if not scans:
                return []
            # A set-aside record names no lead (its scan has none), so the lead_id index
            # leaves out the audit trail of every lead.
            discarded = {
                str((row.detail or {}).get("scan_id", ""))
                for row in s.scalars(
                    select(AuditRow).where(
                        AuditRow.lead_id.is_(None),
                        AuditRow.action == AuditAction.SCAN_DISCARDED.value,
                    )
                )
            }
            scans = [row for row in scans if row.id not in discarded]
            # One pass over the leads for every payload at once (raw_payload has no index:
            # one query a scan was one pass each).
            matches: dict[tuple[str, str], str] = {}
            payloads = sorted({row.payload for row in scans if row.payload and match_leads})
            for chunk in in_chunks(payloads):
                for lead_id, lead_event, payload in s.execute(
                    select(LeadRow.id, LeadRow.event_id, LeadRow.raw_payload).where(
                        LeadRow.raw_payload.in_(chunk)
                    )
                ):
                    matches.setdefault((lead_event, payload), lead_id)
            return [
                OrphanScan(
                    id=scan.id,
                    event_id=scan.event_id,
                    payload=scan.payload,
                    symbology=scan.symbology,
                    source=scan.source,
                    staff_id=scan.staff_id,
                    device_id=scan.device_id,
                    created_at=scan.created_at,
                    matching_lead_id=matches.get((scan.event_id, scan.payload))
                    if scan.payload
                    else None,
                )
                for scan in scans
            ]

    def discard(self, scan_id: str, *, staff_id: str = "", reason: str = "") -> None:
        """Set one unfinished visitor aside; the audit log keeps who, when and why."""
        with self._db.session() as s:
            scan = s.get(ScanRow, scan_id)
            if scan is None:
                raise NotFoundError(_("no scan {scan}").format(scan=scan_id))
            if scan.lead_id is not None:
                raise ValidationError(
                    _("scan {scan} belongs to lead {lead}").format(scan=scan_id, lead=scan.lead_id)
                )
            record(
                s,
                AuditAction.SCAN_DISCARDED,
                event_id=scan.event_id,
                staff_id=staff_id,
                device_id=self._device_id,
                detail={"scan_id": scan.id, "reason": reason},  # no payload: personal data
            )
