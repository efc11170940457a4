"""Merge another booth laptop's database file into this one, after the show.

Each laptop captured offline into its own SQLite file. The event manager merges them:

* the device's event is the one with the same name (or ``from_event``); its staff come along
  (matched by name, so the same person on two laptops is one person);
* a lead already here (same UUID, e.g. merged before) keeps the newer version, and the edit
  history of both sides is kept: merging the same file twice changes nothing;
* a visitor scanned on two laptops (same badge) stays one lead: empty fields are filled from
  the other scan, notes are joined, and the change is recorded;
* every other lead is copied with its history.

Every change goes through the lead door (``lead_changes``): merged leads are planned and queued
for the CRM like any other new or changed lead.

The source file is opened read-only and must be at this version's schema. One transaction per
file: a file that fails merges nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from boothapp.core.i18n import _
from boothapp.core.models import CONTACT_FIELDS, SyncState
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.services.lead_changes import (
    LEAD_COLUMNS,
    ChangeOrigin,
    LeadChanges,
    LeadTransaction,
)
from boothapp.services.tombstones import Graveyard
from boothapp.store.cipher import FileState, file_state
from boothapp.store.db import DatabaseError, WrongDatabaseKeyError, check_sqlite_file, make_engine
from boothapp.store.migrate import current_revision, head_revision
from boothapp.store.tables import EventRow, LeadChangeRow, LeadRow, StaffRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MergeReport:
    source: str
    added: int = 0  # leads new to this database
    updated: int = 0  # leads here already, the device's version was newer
    combined: int = 0  # the same badge scanned on both: one lead, gaps filled
    # Here already with nothing newer or new to fill in: the file was merged before. Counted
    # so a second merge of the same file does not read "0" in every bucket (issue #18).
    already_merged: int = 0
    staff_added: int = 0
    dry_run: bool = False

    @property
    def text(self) -> str:
        verb = "would merge" if self.dry_run else "merged"
        return (
            f"{self.source}: {verb} {self.added} new lead(s), {self.updated} updated, "
            f"{self.combined} scanned on both devices combined, already merged "
            f"{self.already_merged}; "
            f"{self.staff_added} staff member(s) added"
        )


def merge_device_file(
    changes: LeadChanges,
    target_event_id: str,
    source: Path,
    from_event: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    keys: Sequence[bytes] = (),
) -> MergeReport:
    """``keys`` open an encrypted device file: each laptop's key (from its recovery key) and
    this device's own; the one that opens the file is used."""
    src_engine = _open_source(source, keys)
    try:
        with Session(src_engine) as src, changes.transaction(ChangeOrigin.MERGE, "merge") as tx:
            target = tx.session.get(EventRow, target_event_id)
            if target is None:
                raise NotFoundError(_("no event {event}").format(event=target_event_id))
            src_event = _source_event(src, from_event or target.name, source)
            report = _merge(src, tx, src_event, target, str(source), progress)
            if dry_run:
                tx.discard()
                return replace(report, dry_run=True)
            return report
    finally:
        src_engine.dispose()


def _key_of(path: Path, keys: Sequence[bytes]) -> bytes:
    for key in keys:
        try:
            check_sqlite_file(str(path), key)
        except WrongDatabaseKeyError:
            continue
        except DatabaseError as exc:
            raise ValidationError(str(exc)) from None
        return key
    given = _("none of the keys given opens it") if keys else _("no key given")
    raise ValidationError(
        _(
            "{file} is encrypted and {given}: put that laptop's recovery key "
            "(boothapp db recovery-key there) in a file and pass it with --key-file"
        ).format(file=path.name, given=given)
    )


def _open_source(path: Path, keys: Sequence[bytes]) -> Engine:
    if not path.is_file():
        raise ValidationError(_("{file}: no such file").format(file=path))
    key = _key_of(path, keys) if file_state(path) is FileState.ENCRYPTED else None
    try:
        check_sqlite_file(str(path), key)
    except DatabaseError as exc:
        raise ValidationError(str(exc)) from None
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true", key)
    revision = current_revision(engine)
    if revision != head_revision():
        engine.dispose()
        raise ValidationError(
            _(
                "{file} is at database version {revision}, this BoothApp at {head}: open it "
                "once with this version (boothapp --db sqlite:///{path} db upgrade), then merge"
            ).format(file=path.name, revision=revision or "none", head=head_revision(), path=path)
        )
    return engine


def _source_event(src: Session, ref: str, path: Path) -> EventRow:
    row = src.get(EventRow, ref) or src.scalar(select(EventRow).where(EventRow.name == ref))
    if row is None:
        names = ", ".join(src.scalars(select(EventRow.name)).all()) or _("none")
        raise ValidationError(
            _("{file} has no event {event} (it has: {names}); name it with --from-event").format(
                file=path.name, event=repr(ref), names=names
            )
        )
    return row


def _merge(
    src: Session,
    tx: LeadTransaction,
    src_event: EventRow,
    target: EventRow,
    name: str,
    progress: Callable[[int, int], None] | None,
) -> MergeReport:
    s = tx.session
    staff_map, staff_added = _merge_staff(src, s, src_event.id, target.id)
    leads = src.scalars(select(LeadRow).where(LeadRow.event_id == src_event.id)).all()
    added = updated = combined = already = 0
    graves = Graveyard.load(s)
    for n, lead in enumerate(leads, 1):
        if graves.erased(email=lead.email, badge_id=lead.badge_id):
            continue  # erased here (issue 18): the other laptop's copy must not revive them
        staff_id = staff_map.get(lead.staff_id, lead.staff_id)
        here = s.get(LeadRow, lead.id)
        history = src.scalars(select(LeadChangeRow).where(LeadChangeRow.lead_id == lead.id))
        if here is not None and here.event_id != target.id:
            raise ValidationError(
                _("lead {lead} belongs to another event here").format(lead=lead.id)
            )
        if here is None and lead.badge_key:
            same_badge = s.scalar(
                select(LeadRow).where(
                    LeadRow.event_id == target.id, LeadRow.badge_key == lead.badge_key
                )
            )
            if same_badge is not None:
                if _combine(tx, same_badge, lead):
                    combined += 1
                else:
                    already += 1
                tx.import_history(same_badge.id, history)
                continue
        if here is None:
            s.add(_copy(lead, target.id, staff_id))
            row = s.get(LeadRow, lead.id)
            assert row is not None
            tx.created(row)
            added += 1
        elif here.updated_at is None or (
            lead.updated_at and _utc(lead.updated_at) > _utc(here.updated_at)
        ):
            # The device's version is newer: its own history rows (imported below) say who
            # changed what, so the door records no second entry for the same change.
            values = {column: getattr(lead, column) for column in LEAD_COLUMNS}
            values["staff_id"] = staff_id
            tx.update(here, values, history=False)
            here.updated_at = lead.updated_at
            updated += 1
        else:
            already += 1
        tx.import_history(lead.id, history)
        if progress is not None:
            progress(n, len(leads))
    log.info(
        "merged %s into %s: +%d ~%d =%d already %d",
        name, target.name, added, updated, combined, already,
    )  # fmt: skip
    return MergeReport(name, added, updated, combined, already, staff_added)


def _merge_staff(
    src: Session, s: Session, src_event_id: str, target_event_id: str
) -> tuple[dict[str, str], int]:
    """Device staff id -> staff id here (same name = same person); new names are added."""
    mapping: dict[str, str] = {}
    added = 0
    for person in src.scalars(select(StaffRow).where(StaffRow.event_id == src_event_id)):
        here = s.scalar(
            select(StaffRow).where(
                StaffRow.event_id == target_event_id, StaffRow.name == person.name
            )
        )
        if here is None:
            here = StaffRow(
                event_id=target_event_id, name=person.name, email=person.email,
                pin_hash=person.pin_hash, role=person.role, active=person.active,
            )  # fmt: skip
            s.add(here)
            s.flush()
            added += 1
        mapping[person.id] = here.id
    return mapping, added


def _copy(lead: LeadRow, event_id: str, staff_id: str) -> LeadRow:
    row = LeadRow(id=lead.id, event_id=event_id)
    for column in LEAD_COLUMNS:
        setattr(row, column, getattr(lead, column))
    row.staff_id = staff_id
    row.crm_ids = dict(lead.crm_ids or {})
    row.sync_state = SyncState.NOT_QUEUED.value
    row.created_at, row.updated_at = lead.created_at, lead.updated_at
    row.created_by, row.device_id = lead.created_by, lead.device_id
    return row


def _combine(tx: LeadTransaction, here: LeadRow, other: LeadRow) -> int:
    """Fill this lead's empty fields from the other device's scan; 1 when anything changed."""
    values: dict[str, object] = {
        column: getattr(other, column)
        for column in (*CONTACT_FIELDS, "owner", "consent_text", "consent_given_at", "referred_by")
        if not getattr(here, column) and getattr(other, column)
    }
    answers = {**(other.answers or {}), **(here.answers or {})}
    if answers != (here.answers or {}):
        values["answers"] = answers
    if other.notes.strip() and other.notes.strip() not in here.notes:
        values["notes"] = f"{here.notes}\n{other.notes}".strip()
    return 1 if tx.update(here, values, staff_id="merge") else 0


def _utc(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
