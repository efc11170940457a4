"""Merge another booth laptop's database file into this one, after the show.

Each laptop captured offline into its own SQLite file. The event manager merges them with the
event hub's own merge rule (issue 19), from the same code (``hub_apply.apply_change``):

* the device's event is the one with the same name (or ``from_event``); its staff come along
  (matched by folded name, so the same person on two laptops is one person);
* the file's change log (its own changes and those it pulled from a hub) is applied here as a
  hub pull would apply it, in clock-stamp order: field-level last writer wins on hybrid
  logical clocks, a visitor captured on two laptops (same badge, or same e-mail without a
  badge) becomes one lead whose id is the earlier capture's (the other id an alias), the
  history of both sides is kept, a person erased here is never brought back, and a change
  applied before (same device and number) is skipped: merging the same file twice changes
  nothing;
* **fallback**, leads with no capture in the file's change log (captured before the change
  log existed, migration 0009): the old rule. A lead here already keeps the version with the
  newer ``updated_at``; a visitor scanned on both (same badge) gets its empty fields filled
  from the other scan and the notes joined; any other lead is copied with its history.

Unlike a hub pull, the merge maps the file's staff ids to this database's staff of the same
name (it brings the staff rows; the hub does not), and the merged leads are planned and queued
for the CRM here: after the show this database is the one that sends.

The source file is opened read-only and must be at this version's schema. One transaction per
file: a file that fails merges nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from boothapp.core.i18n import _
from boothapp.core.models import CONTACT_FIELDS, SyncState
from boothapp.core.textfold import fold
from boothapp.services import hub_apply
from boothapp.services.errors import NotFoundError, ValidationError
from boothapp.services.hub_apply import Applied, apply_change
from boothapp.services.lead_changes import (
    CREATED,
    LEAD_COLUMNS,
    ChangeOrigin,
    LeadChanges,
    LeadTransaction,
    RemoteChange,
)
from boothapp.services.tombstones import Graveyard
from boothapp.store.cipher import FileState, file_state
from boothapp.store.db import DatabaseError, WrongDatabaseKeyError, check_sqlite_file, make_engine
from boothapp.store.migrate import current_revision, head_revision
from boothapp.store.tables import ChangeLogRow, EventRow, LeadChangeRow, LeadRow, StaffRow

log = logging.getLogger(__name__)

_PREFETCH = 500  # change-log entries whose lookups are read at once


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
    device_name: str = "",
) -> MergeReport:
    """``keys`` open an encrypted device file: each laptop's key (from its recovery key) and
    this device's own; the one that opens the file is used. ``device_name`` names the laptop
    in "scanned before by ... (laptop 2)" (default: see ``source_device_name``)."""
    src_engine = _open_source(source, keys)
    try:
        with Session(src_engine) as src, changes.transaction(ChangeOrigin.MERGE, "merge") as tx:
            target = tx.session.get(EventRow, target_event_id)
            if target is None:
                raise NotFoundError(_("no event {event}").format(event=target_event_id))
            src_event = _source_event(src, from_event or target.name, source)
            report = _merge(
                src, tx, src_event, target, str(source), progress,
                device_name or source_device_name(source),
            )  # fmt: skip
            if dry_run:
                tx.discard()
                return replace(report, dry_run=True)
            return report
    finally:
        src_engine.dispose()


def source_device_name(path: Path) -> str:
    """The name the laptop goes by: the ``device_name`` it joined a hub with (its data
    folder's settings.json beside the file), else the file's name, or the folder's when the
    file is a data folder's own ``boothapp.db``."""
    settings = path.parent / "settings.json"
    if settings.is_file():
        try:
            name = json.loads(settings.read_text(encoding="utf-8")).get("device_name")
        except (OSError, ValueError, AttributeError):
            name = None  # a broken settings file only costs the name
        if isinstance(name, str) and name.strip():
            return name.strip()
    return path.parent.name if path.stem == "boothapp" and path.parent.name else path.stem


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
    device_name: str = "",
) -> MergeReport:
    s = tx.session
    staff_map, staff_added = _merge_staff(src, s, src_event.id, target.id)
    entries = src.scalars(
        select(ChangeLogRow)
        .where(ChangeLogRow.event_id == src_event.id)
        # Clock-stamp order keeps each device's own order (its stamps rise with its
        # numbers) and puts a change after the capture it edits, as the hub's order does.
        .order_by(ChangeLogRow.hlc, ChangeLogRow.device_id, ChangeLogRow.device_seq)
    ).all()
    logged = {e.lead_id for e in entries if e.field == CREATED}
    leads = src.scalars(select(LeadRow).where(LeadRow.event_id == src_event.id)).all()
    unlogged = [lead for lead in leads if lead.id not in logged]
    total = len(unlogged) + len(entries)
    # The fallback first: a logged edit of an unlogged lead then lands on the copy.
    old = _merge_unlogged(src, tx, unlogged, target, staff_map, progress, total)
    outcomes: dict[str, set[Applied]] = {}
    for start in range(0, len(entries), _PREFETCH):
        chunk = entries[start : start + _PREFETCH]
        # What the rule asks of these entries (which are here already; the aliases, leads
        # and field clocks of their leads), read at once as a hub pull does: a dozen
        # primary-key reads, each with an autoflush, per entry otherwise.
        remotes = [_remote(e, target.id, staff_map, device_name) for e in chunk]
        hub_apply.prefetch(tx, remotes)
        for n, (e, rc) in enumerate(zip(chunk, remotes, strict=True), len(unlogged) + start + 1):
            outcomes.setdefault(e.lead_id, set()).add(apply_change(tx, rc))
            if progress is not None:
                progress(n, total)
    # Per lead of the file, what happened to it here (a lead erased on either side: nothing).
    kept = {i: o for i, o in outcomes.items() if Applied.ERASED not in o}
    created = {i for i, o in kept.items() if Applied.CREATED in o}
    combined = {i for i, o in kept.items() if Applied.COMBINED in o} - created
    updated = {i for i, o in kept.items() if Applied.WON in o} - created - combined
    logged_leads = len(leads) - len(unlogged)
    report = MergeReport(
        name,
        added=old.added + len(created),
        updated=old.updated + len(updated),
        combined=old.combined + len(combined),
        already_merged=old.already_merged
        + max(0, logged_leads - len(created) - len(combined) - len(updated)),
        staff_added=staff_added,
    )
    log.info(
        "merged %s into %s: +%d ~%d =%d already %d (%d without a change log)",
        name, target.name, report.added, report.updated, report.combined,
        report.already_merged, len(unlogged),
    )  # fmt: skip
    return report


def _remote(
    e: ChangeLogRow, event_id: str, staff_map: dict[str, str], device_name: str
) -> RemoteChange:
    """The file's change-log entry as a hub pull hands it over, staff mapped to this
    database's staff."""
    value = e.value
    if e.field == CREATED and isinstance(value, dict) and value.get("staff_id"):
        value = {**value, "staff_id": staff_map.get(value["staff_id"], value["staff_id"])}
    elif e.field == "staff_id" and isinstance(value, str):
        value = staff_map.get(value, value)
    return RemoteChange(
        e.device_id, e.device_seq, e.hlc, event_id, e.lead_id, e.field, value, e.old_value,
        staff_map.get(e.staff_id, e.staff_id), e.staff_name, e.device_name or device_name,
        e.change_id, e.at,
    )  # fmt: skip


def _merge_unlogged(
    src: Session,
    tx: LeadTransaction,
    leads: Sequence[LeadRow],
    target: EventRow,
    staff_map: dict[str, str],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> MergeReport:
    """The fallback for leads the file's change log does not hold (see the module doc)."""
    s = tx.session
    added = updated = combined = already = 0
    graves = Graveyard.load(s)
    for n, lead in enumerate(leads, 1):
        if graves.erased(email=lead.email, badge_id=lead.badge_id):
            continue  # erased here (issue 18): the other laptop's copy must not revive them
        staff_id = staff_map.get(lead.staff_id, lead.staff_id)
        here = s.get(LeadRow, tx.resolve(lead.id))
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
        tx.import_history(here.id if here is not None else lead.id, history)
        if progress is not None:
            progress(n, total)
    return MergeReport("", added, updated, combined, already)


def _merge_staff(
    src: Session, s: Session, src_event_id: str, target_event_id: str
) -> tuple[dict[str, str], int]:
    """Device staff id -> staff id here; new people are added. The same folded name is the
    same person ("AYSE" on one laptop, "Ayşe" on the other), as on the dashboard."""
    mapping: dict[str, str] = {}
    added = 0
    here_by_name = {
        fold(row.name): row
        for row in s.scalars(select(StaffRow).where(StaffRow.event_id == target_event_id))
    }
    for person in src.scalars(select(StaffRow).where(StaffRow.event_id == src_event_id)):
        here = here_by_name.get(fold(person.name))
        if here is None:
            here = StaffRow(
                event_id=target_event_id, name=person.name, email=person.email,
                pin_hash=person.pin_hash, role=person.role, active=person.active,
            )  # fmt: skip
            s.add(here)
            s.flush()
            here_by_name[fold(person.name)] = here
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
