"""What every CRM adapter speaks: records in, one result per record out.

The lead's UUID travels as ``SyncRecord.lead_id`` and is the idempotency key on the CRM side in
every adapter (HubSpot unique property, Salesforce external id, BottleCRM intake external_id,
webhook ``Idempotency-Key``), so a retry after a crash or a lost reply never makes a second lead.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SyncTask:
    """A follow-up task for the lead's owner in the CRM."""

    subject: str
    due_at: datetime | None = None
    owner: str = ""
    body: str = ""


class ItemKind(enum.StrEnum):
    """What an outbox item carries. For the CRMs (HubSpot, Salesforce, BottleCRM) the booth
    note and the owner's task are their own items, keyed ``<lead uuid>:note`` / ``:task``, so an
    edit of either is sent again and a kill -9 between the lead and its note loses nothing
    (issue 17). Generic targets (webhook, CSV) get everything in the lead item."""

    LEAD = "lead"
    NOTE = "note"
    TASK = "task"
    CARD = "card"  # the photographed business card, a file on the CRM record (issue 20)


@dataclass(frozen=True, slots=True)
class SyncRecord:
    lead_id: str  # the lead UUID: idempotency key on the CRM side
    fields: Mapping[str, str] = field(default_factory=dict)  # CRM field name -> value
    email: str = ""
    event_name: str = ""
    notes: tuple[str, ...] = ()
    task: SyncTask | None = None
    owner: str = ""  # the owner as CRM users know them (rep name), matched to a CRM user
    kind: ItemKind = ItemKind.LEAD
    attachment: str = ""  # a CARD item: the kept photo's path on this device

    @property
    def key(self) -> str:
        """The outbox key and idempotency key: the lead UUID, or ``<uuid>:note`` / ``:task``."""
        return self.lead_id if self.kind == ItemKind.LEAD else f"{self.lead_id}:{self.kind.value}"


@dataclass(frozen=True, slots=True)
class Related:
    """A note or task item with the CRM id of the record it belongs to (contact, lead)."""

    record: SyncRecord
    parent_id: str
    remote_id: str = ""  # the CRM's id for this note/task from an earlier send, if any


@dataclass(frozen=True, slots=True)
class PushResult:
    """The CRM's answer for one record; ``lead_id`` holds the record's ``key``."""

    lead_id: str
    ok: bool
    remote_id: str = ""
    created: bool | None = None  # None when the CRM does not say
    error: str = ""  # the CRM's own message, shown to the user as-is
    transient: bool = False  # worth retrying without a change by the user
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """A vendor's rate-limit signal from the last reply (HubSpot headers, Sforce-Limit-Info)."""

    limit: int
    remaining: int
    window_s: float


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    results: tuple[PushResult, ...]
    budget: Budget | None = None
    http_status: int = 0
    requests: int = 1  # HTTP calls spent, so the pacer counts follow-up calls too
    # Booth owners no CRM user matched (the record went out without an owner): sync summary.
    unmatched_owners: frozenset[str] = frozenset()
    daily: Budget | None = None  # a second, daily allowance (HubSpot's X-HubSpot-RateLimit-Daily)


class ErrorKind(enum.StrEnum):
    THROTTLED = "throttled"  # 429 / REQUEST_LIMIT_EXCEEDED: wait, never a lead failure
    UNAVAILABLE = "unavailable"  # 5xx, timeout, connection reset: retry with backoff
    AUTH = "auth"  # 401/403 bad credentials: the user must fix the connection
    REJECTED = "rejected"  # 400 malformed: retrying the same request cannot help
    CONFIG = "config"  # our own set-up is wrong (e.g. non-unique idProperty)


class CrmError(Exception):
    """A whole request failed; no per-record answer exists."""

    kind: ErrorKind = ErrorKind.UNAVAILABLE

    def __init__(
        self,
        message: str,
        *,
        http_status: int = 0,
        retry_after: float | None = None,
        budget: Budget | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after
        self.budget = budget

    @property
    def transient(self) -> bool:
        return self.kind in (ErrorKind.THROTTLED, ErrorKind.UNAVAILABLE)


class CrmThrottled(CrmError):
    kind = ErrorKind.THROTTLED


class CrmUnavailable(CrmError):
    kind = ErrorKind.UNAVAILABLE


class CrmAuthError(CrmError):
    kind = ErrorKind.AUTH


class CrmRejected(CrmError):
    kind = ErrorKind.REJECTED


class CrmConfigError(CrmError):
    kind = ErrorKind.CONFIG


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A vendor's published limit the engine paces ahead of: ``requests`` per ``window_s``
    (counted on the requests ``BatchOutcome.requests`` reports), at most ``concurrent`` at once,
    and at most ``daily`` in any 24 h when the vendor publishes such a cap."""

    requests: int
    window_s: float
    concurrent: int = 1
    daily: int = 0  # a second, daily cap on the same requests (0: none published)


class CrmAdapter(Protocol):
    """One CRM. ``push`` returns exactly one result per input record, in input order,
    or raises ``CrmError`` when the request as a whole failed."""

    name: str
    batch_size: int

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome: ...


class RelatedAdapter(CrmAdapter, Protocol):
    """A CRM that takes notes and tasks as their own items (after their lead has a CRM id).
    ``push_related`` answers one result per item, keyed by ``record.key``; every item is
    idempotent on its key (a repeat updates the note/task, never adds a second)."""

    rate_limit: RateLimit

    def push_related(self, items: Sequence[Related]) -> BatchOutcome: ...


def is_cleared(record: SyncRecord) -> bool:
    """A note item whose note was emptied at the booth: the CRM's note is to be deleted."""
    return record.kind == ItemKind.NOTE and not "".join(record.notes).strip()


def separates_related(adapter: object) -> bool:
    return callable(getattr(adapter, "push_related", None))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; HTTP dates are treated as absent)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def missing_result(lead_id: str, crm: str) -> PushResult:
    # An upsert keyed on the lead UUID is safe to repeat, so an unanswered record is retried.
    return PushResult(
        lead_id, ok=False, error=f"{crm} gave no result for this lead", transient=True
    )
