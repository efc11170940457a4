"""One person's data (issue 18, finding 9): export it, erase it, and keep leads no longer than
the event says.

* ``export_person(email)``: every record about the person as JSON-ready values: their leads
  with consent, answers and notes, each lead's history, scans, follow-ups (the mails planned
  and sent), CRM queue rows and audit entries; their roster rows; scans of their badge that
  never became a lead.
* ``erase_person(email)``: all of that removed through the lead door (``LeadTransaction.erase``)
  in one transaction; roster rows and unlinked scans deleted; a tombstone (``tombstones.py``)
  so a roster re-import, a device merge or a hub pull does not bring them back; a delete
  request queued for each CRM that received them, sent by ``send_crm_erasures``.
* ``retain``: leads neither synced nor converted (won) are erased ``privacy.retain_days``
  after capture, with a dry run.

A person is matched by e-mail folded as ``core.textfold.fold_email`` does (case-folded, the
domain IDNA-normalised: ``lower()`` misses ``ß``/``SS`` and IDN domains), and by the badge ids
their leads and roster rows carry. Every export and erase is audited (who, when, how many;
the person appears there only as their tombstone hash).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from boothapp.core.i18n import _
from boothapp.core.models import Stage, SyncState
from boothapp.core.textfold import fold_email
from boothapp.services.audit import AuditAction, record
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.services.event_config import EventConfigService
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges
from boothapp.services.tombstones import Kind, bury, digest, salt_of
from boothapp.store.db import Database
from boothapp.store.tables import (
    AttendeeRow,
    AuditRow,
    CrmErasureRow,
    EventRow,
    FollowUpRow,
    LeadChangeRow,
    LeadRow,
    OutboxRow,
    ScanRow,
)
from boothapp.sync.crm.erase import Erasable, EraseOutcome

log = logging.getLogger(__name__)

# A badge id shorter than this is not searched for inside unlinked scans' payloads: "12"
# would match strangers.
_MIN_BADGE_IN_PAYLOAD = 4
# CRMs that cannot take a delete request: their copy is the manager's to remove.
_MANUAL_CRMS = frozenset({"csvdrop"})


class ErasureState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # the CRM refused; a retry will not change its mind
    MANUAL = "manual"  # the target cannot delete (a CSV folder): remove it by hand


@dataclass(frozen=True, slots=True)
class ErasureSummary:
    leads: int
    scans: int
    attendees: int
    followups: int
    history: int
    crm_requests: tuple[str, ...]  # "bottlecrm", ... one per CRM record queued for deletion
    already_erased: bool  # nothing found, the person was erased before
    images: int = 0  # badge and card photos deleted from the photos folder


@dataclass(frozen=True, slots=True)
class CrmErasure:
    id: str
    crm: str
    remote_id: str
    event_id: str
    state: ErasureState
    attempts: int
    last_error: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RetentionItem:
    lead_id: str
    event_id: str
    event_name: str
    captured_at: datetime
    retain_days: int


AdapterFor = Any  # (event_id) -> CrmAdapter; SyncService.adapter


class PrivacyService:
    def __init__(
        self,
        db: Database,
        changes: LeadChanges,
        configs: EventConfigService,
        device_id: str = "",
        adapter_for: AdapterFor | None = None,
    ) -> None:
        self._db = db
        self._changes = changes
        self._configs = configs
        self._device_id = device_id
        # SyncService.adapter: builds the event's CRM adapter with its keyring secrets.
        self.adapter_for = adapter_for

    # -- finding a person -----------------------------------------------------------------
    @staticmethod
    def _check_email(email: str) -> str:
        folded = fold_email(email)
        if "@" not in folded or folded.startswith("@") or folded.endswith("@"):
            raise ValidationError(
                _("not an e-mail address: {text!r}").format(text=email.strip()[:80])
            )
        return folded

    def _find(self, s: Session, folded: str) -> tuple[list[LeadRow], list[AttendeeRow]]:
        """Leads and roster rows of the person: by e-mail, then by the badge ids those
        carry (a second scan without the roster has the badge but no address)."""
        lead_ids = [
            lid for lid, mail in s.execute(select(LeadRow.id, LeadRow.email))
            if mail and fold_email(mail) == folded
        ]  # fmt: skip
        att_ids = [
            aid for aid, mail in s.execute(select(AttendeeRow.id, AttendeeRow.email))
            if mail and fold_email(mail) == folded
        ]  # fmt: skip
        leads = [s.get(LeadRow, i) for i in lead_ids]
        attendees = [s.get(AttendeeRow, i) for i in att_ids]
        badges = {(r.event_id, r.badge_id) for r in [*leads, *attendees] if r and r.badge_id}
        for event_id, badge in badges:
            for row in s.scalars(
                select(LeadRow).where(LeadRow.event_id == event_id, LeadRow.badge_id == badge)
            ):
                if row.id not in lead_ids:
                    lead_ids.append(row.id)
                    leads.append(row)
            for arow in s.scalars(
                select(AttendeeRow).where(
                    AttendeeRow.event_id == event_id, AttendeeRow.badge_id == badge
                )
            ):
                if arow.id not in att_ids:
                    att_ids.append(arow.id)
                    attendees.append(arow)
        return [r for r in leads if r is not None], [a for a in attendees if a is not None]

    @staticmethod
    def _unlinked_scans(
        s: Session, folded: str, badge_ids: Iterable[str], lead_payloads: Iterable[str]
    ) -> list[ScanRow]:
        """Scans with no lead that carry the person's address, badge id or a payload one of
        their leads holds (an unfinished visitor scanned again and saved)."""
        needles = [folded, *(b.casefold() for b in badge_ids if len(b) >= _MIN_BADGE_IN_PAYLOAD)]
        payloads = {p for p in lead_payloads if p}
        found = []
        for scan in s.scalars(select(ScanRow).where(ScanRow.lead_id.is_(None))):
            body = scan.payload.casefold()
            if scan.payload in payloads or any(n in body for n in needles):
                found.append(scan)
        return found

    # -- export ---------------------------------------------------------------------------
    def export_person(self, email: str, staff_id: str = "") -> dict[str, Any]:
        """Everything held about the person, JSON-ready (``json.dumps`` takes it as is)."""
        folded = self._check_email(email)
        with self._db.session() as s:
            leads, attendees = self._find(s, folded)
            badges = _badges(leads, attendees)
            scans = self._unlinked_scans(s, folded, badges, [r.raw_payload for r in leads])
            out: dict[str, Any] = {
                "subject": email.strip(),
                "exported_at": datetime.now(UTC).isoformat(),
                "leads": [self._lead_export(s, row) for row in leads],
                "roster": [_row_dict(a) for a in attendees],
                "unlinked_scans": [_row_dict(scan) for scan in scans],
            }
            record(
                s,
                AuditAction.PERSON_EXPORT,
                staff_id=staff_id,
                device_id=self._device_id,
                detail={"subject": self._subject(s, folded), "leads": len(leads),
                        "roster": len(attendees), "scans": len(scans)},
            )  # fmt: skip
            return out

    @staticmethod
    def _lead_export(s: Session, row: LeadRow) -> dict[str, Any]:
        event = s.get(EventRow, row.event_id)
        data = _row_dict(row)
        data["event"] = event.name if event is not None else ""
        data["consent"] = {
            "text": row.consent_text,
            "given_at": _jsonable(row.consent_given_at),
            "unsubscribed_at": _jsonable(row.unsubscribed_at),
        }
        data["history"] = [
            _row_dict(h)
            for h in s.scalars(
                select(LeadChangeRow)
                .where(LeadChangeRow.lead_id == row.id)
                .order_by(LeadChangeRow.created_at)
            )
        ]
        data["scans"] = [
            _row_dict(x) for x in s.scalars(select(ScanRow).where(ScanRow.lead_id == row.id))
        ]
        data["followups"] = [
            _row_dict(f)
            for f in s.scalars(
                select(FollowUpRow)
                .where(FollowUpRow.lead_id == row.id)
                .order_by(FollowUpRow.due_at)
            )
        ]
        data["crm_queue"] = [
            _row_dict(o) for o in s.scalars(select(OutboxRow).where(OutboxRow.lead_id == row.id))
        ]
        data["audit"] = [
            {"action": a.action, "at": _jsonable(a.created_at), "staff_id": a.staff_id}
            for a in s.scalars(
                select(AuditRow).where(AuditRow.lead_id == row.id).order_by(AuditRow.created_at)
            )
        ]
        return data

    # -- erase ----------------------------------------------------------------------------
    def erase_person(self, email: str, staff_id: str = "") -> ErasureSummary:
        """Remove every record about the person (one transaction) and leave a tombstone;
        delete requests for the CRMs are queued (``send_crm_erasures`` sends them)."""
        folded = self._check_email(email)
        with self._changes.transaction(ChangeOrigin.ERASE, staff_id) as tx:
            s = tx.session
            _secure_delete(s)
            leads, attendees = self._find(s, folded)
            badges = _badges(leads, attendees)
            scans = self._unlinked_scans(s, folded, badges, [r.raw_payload for r in leads])
            counts = self._erase_leads(tx, leads)
            for arow in attendees:
                s.delete(arow)
            for scan in scans:
                if scan.image_path:
                    counts["images"].append(scan.image_path)
                s.delete(scan)
            subject = self._subject(s, folded)
            new = bury(s, emails=[folded], badge_ids=badges, staff_id=staff_id)
            summary = ErasureSummary(
                leads=len(leads),
                scans=counts["scans"] + len(scans),
                attendees=len(attendees),
                followups=counts["followups"],
                history=counts["history"],
                crm_requests=tuple(counts["crm"]),
                already_erased=not (leads or attendees or scans) and new == 0,
                images=len(counts["images"]),
            )
            record(
                s,
                AuditAction.ERASE,
                staff_id=staff_id,
                device_id=self._device_id,
                detail={"subject": subject, "leads": summary.leads, "scans": summary.scans,
                        "roster": summary.attendees, "crm": list(summary.crm_requests)},
            )  # fmt: skip
        self._compact()
        _remove_files(counts["images"])
        return summary

    def erase_lead(self, lead_id: str, staff_id: str = "", *, reason: str = "") -> ErasureSummary:
        """Erase one lead (a please-delete review's verdict, retention); no tombstone: the
        person did not ask to be forgotten, the lead was junk or kept too long."""
        with self._changes.transaction(ChangeOrigin.ERASE, staff_id) as tx:
            s = tx.session
            _secure_delete(s)
            row = s.get(LeadRow, lead_id)
            if row is None:
                raise NotFoundError(_("no lead {lead}").format(lead=lead_id))
            event_id = row.event_id
            counts = self._erase_leads(tx, [row])
            record(
                s,
                AuditAction.ERASE,
                event_id=event_id,
                lead_id=lead_id,
                staff_id=staff_id,
                device_id=self._device_id,
                detail={"reason": reason, "crm": counts["crm"]},
            )
        self._compact()
        _remove_files(counts["images"])
        return ErasureSummary(1, counts["scans"], 0, counts["followups"], counts["history"],
                              tuple(counts["crm"]), False, len(counts["images"]))  # fmt: skip

    def _erase_leads(self, tx: Any, leads: list[LeadRow]) -> dict[str, Any]:
        s: Session = tx.session
        counts: dict[str, Any] = {"scans": 0, "followups": 0, "history": 0, "crm": [], "images": []}
        for row in leads:
            counts["images"] += [
                p
                for p in s.scalars(select(ScanRow.image_path).where(ScanRow.lead_id == row.id))
                if p
            ]
            counts["scans"] += len(
                s.scalars(select(ScanRow.id).where(ScanRow.lead_id == row.id)).all()
            )
            counts["followups"] += len(
                s.scalars(select(FollowUpRow.id).where(FollowUpRow.lead_id == row.id)).all()
            )
            counts["history"] += len(
                s.scalars(select(LeadChangeRow.id).where(LeadChangeRow.lead_id == row.id)).all()
            )
            for crm, remote in sorted((row.crm_ids or {}).items()):
                if not remote:
                    continue
                self._queue_crm_erasure(s, str(crm), str(remote), row.event_id)
                counts["crm"].append(str(crm))
            tx.erase(row)
        return counts

    @staticmethod
    def _queue_crm_erasure(s: Session, crm: str, remote_id: str, event_id: str) -> None:
        known = s.scalar(
            select(CrmErasureRow).where(
                CrmErasureRow.crm == crm, CrmErasureRow.remote_id == remote_id
            )
        )
        if known is not None:
            return
        state = ErasureState.MANUAL if crm in _MANUAL_CRMS else ErasureState.PENDING
        note = "the CSV folder cannot delete: remove the lead from its files" if (
            state is ErasureState.MANUAL
        ) else ""  # fmt: skip
        s.add(
            CrmErasureRow(
                crm=crm, remote_id=remote_id, event_id=event_id, state=state.value,
                last_error=note,
            )
        )  # fmt: skip

    def _subject(self, s: Session, folded: str) -> str:
        """The person as the audit log names them: a short tombstone hash, not the address."""
        return digest(salt_of(s), Kind.EMAIL, folded)[:16]

    def _compact(self) -> None:
        """Erased text must not linger in SQLite's spare pages, the search index's segments
        or the write-ahead log (issue 18: "leaves nothing")."""
        if self._db.engine.dialect.name != "sqlite":
            return
        try:
            with self._db.engine.connect() as conn:
                conn.execute(text("INSERT INTO lead_search(lead_search) VALUES('optimize')"))
                conn.commit()
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        except Exception as exc:  # the erase is committed; compaction is a bonus
            log.warning("after erase, compaction failed: %s", exc)

    # -- CRM delete requests --------------------------------------------------------------
    def crm_erasures(self) -> list[CrmErasure]:
        with self._db.read() as s:
            rows = s.scalars(select(CrmErasureRow).order_by(CrmErasureRow.created_at))
            return [_erasure(r) for r in rows]

    def send_crm_erasures(self) -> list[CrmErasure]:
        """Send every pending delete request to its CRM; returns the requests tried."""
        if self.adapter_for is None:
            return []
        with self._db.read() as s:
            pending = [
                (r.id, r.crm, r.remote_id, r.event_id)
                for r in s.scalars(
                    select(CrmErasureRow).where(CrmErasureRow.state == ErasureState.PENDING.value)
                )
            ]
        tried: list[CrmErasure] = []
        adapters: dict[str, Any] = {}
        for item_id, crm, remote_id, event_id in pending:
            outcome = self._send_one(adapters, crm, remote_id, event_id)
            with self._db.session() as s:
                row = s.get(CrmErasureRow, item_id)
                if row is None:
                    continue
                row.attempts += 1
                if outcome.ok:
                    row.state, row.last_error = ErasureState.DONE.value, ""
                else:
                    row.last_error = outcome.message
                    if not outcome.transient:
                        row.state = ErasureState.FAILED.value
                record(
                    s,
                    AuditAction.CRM_ERASE,
                    event_id=event_id,
                    device_id=self._device_id,
                    detail={"crm": crm, "ok": outcome.ok, "message": outcome.message[:200]},
                )
                s.flush()
                tried.append(_erasure(row))
        return tried

    def _send_one(
        self, adapters: dict[str, Any], crm: str, remote_id: str, event_id: str
    ) -> EraseOutcome:
        assert self.adapter_for is not None
        if event_id not in adapters:
            try:
                adapters[event_id] = self.adapter_for(event_id)
            except Exception as exc:  # not configured any more, a secret missing
                adapters[event_id] = EraseOutcome(False, str(exc), True)
        adapter = adapters[event_id]
        if isinstance(adapter, EraseOutcome):
            return adapter
        if getattr(adapter, "name", "") != crm or not isinstance(adapter, Erasable):
            return EraseOutcome(False, f"the event no longer syncs to {crm}", True)
        return adapter.erase(remote_id)

    # -- retention ------------------------------------------------------------------------
    def retention_due(self, now: datetime | None = None) -> list[RetentionItem]:
        """Leads past their event's ``privacy.retain_days`` that were neither synced to a
        CRM nor converted (won), oldest first."""
        now = now or datetime.now(UTC)
        with self._db.read() as s:
            events = s.scalars(select(EventRow)).all()
            found: list[RetentionItem] = []
            for event in events:
                days = self._configs.get(event.id).privacy.retain_days
                if days is None:
                    continue
                cutoff = now - timedelta(days=days)
                for row in s.scalars(
                    select(LeadRow)
                    .where(LeadRow.event_id == event.id, LeadRow.created_at < cutoff)
                    .order_by(LeadRow.created_at)
                ):
                    if row.crm_ids or row.sync_state == SyncState.SYNCED.value:
                        continue
                    if row.stage == Stage.WON.value:
                        continue
                    found.append(RetentionItem(row.id, event.id, event.name, row.created_at, days))
            return found

    def retain(
        self, *, dry_run: bool = False, staff_id: str = "", now: datetime | None = None
    ) -> list[RetentionItem]:
        due = self.retention_due(now)
        if dry_run or not due:
            return due
        images: list[str] = []
        with self._changes.transaction(ChangeOrigin.ERASE, staff_id) as tx:
            s = tx.session
            _secure_delete(s)
            by_event: dict[str, int] = {}
            for item in due:
                row = s.get(LeadRow, item.lead_id)
                if row is None:
                    continue
                images += self._erase_leads(tx, [row])["images"]
                by_event[item.event_id] = by_event.get(item.event_id, 0) + 1
            for event_id, n in by_event.items():
                record(
                    s,
                    AuditAction.RETENTION,
                    event_id=event_id,
                    staff_id=staff_id,
                    device_id=self._device_id,
                    detail={"erased": n},
                )
        self._compact()
        _remove_files(images)
        return due


def _badges(leads: list[LeadRow], attendees: list[AttendeeRow]) -> set[str]:
    return {r.badge_id for r in leads if r.badge_id} | {a.badge_id for a in attendees if a.badge_id}


def _remove_files(paths: Iterable[str]) -> None:
    """The photos of erased scans (a badge, a business card): after the commit, so a failed
    erase never leaves a lead without its photo."""
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:  # the rows are gone; say so, do not undo
            log.warning("erased scan's photo not removed: %s", exc.strerror or exc)


def _secure_delete(s: Session) -> None:
    """SQLite overwrites deleted content with zeros from here on (this connection)."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("PRAGMA secure_delete = ON"))


def _erasure(r: CrmErasureRow) -> CrmErasure:
    return CrmErasure(
        id=r.id,
        crm=r.crm,
        remote_id=r.remote_id,
        event_id=r.event_id,
        state=ErasureState(r.state),
        attempts=r.attempts,
        last_error=r.last_error,
        updated_at=r.updated_at,
    )


def _row_dict(row: Any) -> dict[str, Any]:
    return {c.key: _jsonable(getattr(row, c.key)) for c in row.__mapper__.column_attrs}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value
