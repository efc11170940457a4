"""Pull what sales changed in the CRM (owner, stage) back into an event's leads.

``pull_event`` reads every synced lead back in the CRM's batch size, waiting out throttling (the
vendor's Retry-After, else growing pauses), and merges each batch in one transaction.
The merge is field-level last writer wins.

A field the booth changed (``lead_changes`` written by a person, not by an earlier pull) after the
CRM last changed that field keeps the booth's value: it goes out with the next sync. A field the
CRM has not changed since our push is left alone. Otherwise the CRM's value is taken and
recorded as a change by ``crm:<name>``, so the lead's history shows where it came from. A CRM
user is matched to one of the event's reps (by id, name or e-mail) so routing and the sales queue
keep working with rep ids.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from sqlalchemy import func, select

from boothapp.core.config.model import Rep
from boothapp.services.lead_changes import ChangeOrigin, LeadChanges, LeadTransaction
from boothapp.store.db import Database
from boothapp.store.tables import LeadChangeRow, LeadRow, OutboxAttemptRow, OutboxRow
from boothapp.sync.crm.base import CrmError, ErrorKind
from boothapp.sync.outbox import AttemptOutcome
from boothapp.sync.pull import CrmPuller, PullRef, RemoteLead

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PullPolicy:
    attempts: int = 5  # tries per batch while the CRM throttles or is unavailable
    backoff_s: float = 1.0  # first pause when the CRM names no wait; doubles, capped
    max_wait_s: float = 60.0


@dataclass(frozen=True, slots=True)
class PullSummary:
    checked: int
    updated: int  # fields taken from the CRM
    kept_local: int  # fields where a booth edit was newer than the CRM's record
    errors: tuple[str, ...] = ()
    missing: int = 0  # synced leads the CRM no longer has (deleted or merged there)

    @property
    def message(self) -> str:
        text = (
            f"{self.checked} lead(s) checked: {self.updated} change(s) taken from the CRM, "
            f"{self.kept_local} booth edit(s) kept"
        )
        if self.missing:
            text += f", {self.missing} no longer in the CRM"
        if self.errors:
            text += f"; {len(self.errors)} problem(s): {self.errors[0]}"
        return text


@dataclass(frozen=True, slots=True)
class MergeCounts:
    updated: int = 0  # fields taken from the CRM
    kept: int = 0  # fields where the booth's edit was newer


def pull_event(
    db: Database,
    changes: LeadChanges,
    event_id: str,
    crm: str,
    puller: CrmPuller,
    reps: Sequence[Rep],
    policy: PullPolicy = PullPolicy(),
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> PullSummary:
    cancel = cancel or threading.Event()
    with db.read() as s:
        # When each lead last went through: its newest accepted attempt (not the row's
        # updated_at, which a booth edit re-queueing the lead moves on).
        pushed = (
            select(OutboxAttemptRow.item_id, func.max(OutboxAttemptRow.finished_at).label("at"))
            .where(OutboxAttemptRow.outcome == AttemptOutcome.OK.value)
            .group_by(OutboxAttemptRow.item_id)
            .subquery()
        )
        synced = s.execute(
            select(OutboxRow.lead_id, OutboxRow.remote_id, pushed.c.at)
            .join(LeadRow, LeadRow.id == OutboxRow.lead_id)
            .outerjoin(pushed, pushed.c.item_id == OutboxRow.id)
            .where(LeadRow.event_id == event_id, OutboxRow.crm == crm, OutboxRow.remote_id != "")
            .order_by(OutboxRow.lead_id)
        ).all()
    refs = [PullRef(lead_id, remote_id) for lead_id, remote_id, _ in synced]
    synced_at = {lead_id: at for lead_id, _, at in synced}
    checked = updated = kept = missing = 0
    errors: list[str] = []
    for start in range(0, len(refs), puller.batch_size):
        if cancel.is_set():
            errors.append(f"cancelled: {len(refs) - start} lead(s) not checked")
            break
        chunk = refs[start : start + puller.batch_size]
        try:
            batch = read_with_retry(puller.name, partial(puller.fetch_batch, chunk), policy, cancel)
        except CrmError as exc:
            if exc.kind in (ErrorKind.AUTH, ErrorKind.CONFIG, ErrorKind.THROTTLED):
                errors.append(f"{exc.message} ({len(refs) - start} lead(s) not checked)")
                break  # retrying lead by lead cannot help: say how far it got
            errors.extend(f"{ref.lead_id}: {exc.message}" for ref in chunk)
            continue
        merged = merge_remote(changes, crm, batch.found, synced_at, reps)
        checked += len(batch.found)
        missing += len(batch.missing)
        updated += merged.updated
        kept += merged.kept
        if progress is not None:
            progress(start + len(chunk), len(refs))
    log.info("pulled back from %s: %d checked, %d taken, %d kept", crm, checked, updated, kept)
    return PullSummary(checked, updated, kept, tuple(errors), missing)


def read_with_retry(
    name: str, read: Callable[[], T], policy: PullPolicy, cancel: threading.Event
) -> T:
    """One CRM read, waiting out throttling and passing outages (the vendor's Retry-After, else
    growing pauses) up to ``policy.attempts``; the lead pull and the deal pull share it."""
    for attempt in range(policy.attempts):
        try:
            return read()
        except CrmError as exc:
            if not exc.transient or attempt == policy.attempts - 1:
                raise
            wait = exc.retry_after
            if wait is None:
                wait = min(policy.max_wait_s, policy.backoff_s * 2**attempt)
            log.info("%s: %s; reading again in %.1f s", name, exc.message, wait)
            if cancel.wait(wait):
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


CRM_USER = "CRM user {}"


def resolve_owner(remote: RemoteLead, reps: Sequence[Rep]) -> str | None:
    """The rep id the CRM's owner stands for, else ``CRM user <their name>``: a CRM owner who is
    not one of the event's reps is kept (and named as such), never dropped (issue 17)."""
    if remote.owner is None and remote.owner_email is None:
        return None
    names = {n.strip().casefold() for n in (remote.owner, remote.owner_email) if n}
    if remote.owner_email:
        names.add(remote.owner_email.split("@")[0].casefold())
    for rep in reps:
        if rep.id.casefold() in names or rep.name.strip().casefold() in names:
            return rep.id
    return CRM_USER.format(remote.owner or remote.owner_email)


def merge_remote(
    changes: LeadChanges,
    crm: str,
    found: Mapping[str, RemoteLead],
    synced_at: Mapping[str, datetime],
    reps: Sequence[Rep] = (),
) -> MergeCounts:
    """Merge a batch of CRM records (lead id -> record) in one transaction, through the lead
    door: history by ``crm:<name>``, follow-ups re-planned or stopped (a won lead gets no more
    mail), and not sent back to the CRM it came from."""
    updated = kept = 0
    with changes.transaction(ChangeOrigin.CRM_PULL, f"crm:{crm}") as tx:
        for lead_id, remote in found.items():
            u, k = _merge_one(tx, lead_id, remote, synced_at.get(lead_id), reps)
            updated += u
            kept += k
    return MergeCounts(updated, kept)


def _merge_one(
    tx: LeadTransaction,
    lead_id: str,
    remote: RemoteLead,
    synced_at: datetime | None,
    reps: Sequence[Rep],
) -> tuple[int, int]:
    s = tx.session
    row = s.get(LeadRow, lead_id)
    if row is None:
        return 0, 0
    # A CRM user who is not a rep is kept as "CRM user X"; whether it wins is the same
    # last-writer rule as for a rep (a record the CRM has not changed since our push keeps ours).
    owner = resolve_owner(remote, reps)
    wanted = {"stage": remote.stage.value if remote.stage else None, "owner": owner}
    taken: dict[str, str] = {}
    kept = 0
    for name, value in wanted.items():
        if value is None or getattr(row, name) == value:
            continue
        local_at = s.scalar(
            select(func.max(LeadChangeRow.created_at)).where(
                LeadChangeRow.lead_id == lead_id,
                LeadChangeRow.field == name,
                LeadChangeRow.created_by.not_like("crm:%"),
            )
        )
        remote_at = remote.changed_at(name)
        unchanged_in_crm = remote_at is None or (
            not remote.exact_times and synced_at is not None and _utc(remote_at) <= _utc(synced_at)
        )  # not changed since our push created / last updated the record
        if unchanged_in_crm or (
            local_at is not None and remote_at is not None and _utc(local_at) > _utc(remote_at)
        ):
            kept += local_at is not None  # the booth's edit is the newer one: it goes out next sync
            continue
        taken[name] = value
    return len(tx.update(row, taken)), kept


def _utc(stamp: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
