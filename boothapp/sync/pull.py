"""Pull owner and stage changes back from a CRM: what every puller returns, and BottleCRM's.

Sales reps move leads on in the CRM after the show; the booth sees that without losing its own
edits: the merge (``boothapp.services.sync_pull``) is field-level last-writer-wins, a local change
(``lead_changes``) newer than the CRM's change of that field stays. Each CRM gives its own
timestamps: HubSpot per property (``propertiesWithHistory``), Salesforce per field where field
history is tracked (``LeadHistory``) else the record's ``LastModifiedDate``, BottleCRM the
record's ``updated_at``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from boothapp.core.models import Stage
from boothapp.sync.crm.base import CrmAuthError, CrmError
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

# BottleCRM lead statuses (its choices list) -> the booth pipeline.
BOTTLECRM_STAGES = {
    "assigned": Stage.TO_CONTACT,
    "in process": Stage.IN_CONTACT,
    "converted": Stage.WON,
    "recycled": Stage.FOLLOW_UP,
    "closed": Stage.NOT_INTERESTED,
}


@dataclass(frozen=True, slots=True)
class RemoteLead:
    remote_id: str
    owner: str | None  # None: the CRM names nobody, keep ours
    stage: Stage | None
    updated_at: datetime | None  # the record's last change
    owner_email: str | None = None  # helps match the CRM user to one of the event's reps
    # When the CRM says each field last changed ("owner", "stage").
    field_times: Mapping[str, datetime] = field(default_factory=dict)
    # True: ``field_times`` is the CRM's own per-field history, so a field missing from it has
    # not changed since the record was created (by our push). False: only ``updated_at`` is
    # known, and it stands for every field.
    exact_times: bool = False

    def changed_at(self, name: str) -> datetime | None:
        if name in self.field_times:
            return self.field_times[name]
        return None if self.exact_times else self.updated_at


@dataclass(frozen=True, slots=True)
class PullRef:
    lead_id: str  # the booth's lead UUID: the CRM's idempotency key
    remote_id: str  # the CRM's own id, kept by the outbox at push time


@dataclass(frozen=True, slots=True)
class PullBatch:
    found: Mapping[str, RemoteLead]  # lead id -> what the CRM holds now
    missing: tuple[str, ...] = ()  # lead ids the CRM no longer has (deleted or merged away)
    requests: int = 1


class CrmPuller(Protocol):
    """Reads a batch of leads back; raises ``CrmError`` when the request as a whole failed
    (``CrmThrottled`` carries the vendor's wait, so the caller can honour it)."""

    name: str
    batch_size: int

    def fetch_batch(self, refs: Sequence[PullRef]) -> PullBatch: ...


class BottleCrmPuller:
    name = "bottlecrm"
    batch_size = 1  # its REST API reads one lead per call

    def __init__(self, base_url: str, api_token: str, timeout_s: float = 30.0) -> None:
        if not api_token:
            raise ValueError("pulling back from BottleCRM needs its API token (leads:read)")
        self.http = HttpClient(base_url, {"Authorization": f"Bearer {api_token}"}, timeout_s)

    def fetch_batch(self, refs: Sequence[PullRef]) -> PullBatch:
        found: dict[str, RemoteLead] = {}
        missing: list[str] = []
        for ref in refs:
            remote = self.fetch(ref.remote_id)
            if remote is None:
                missing.append(ref.lead_id)
            else:
                found[ref.lead_id] = remote
        return PullBatch(found, tuple(missing), requests=len(refs))

    def fetch(self, remote_id: str) -> RemoteLead | None:
        resp = self.http.request("GET", f"/api/leads/{remote_id}/")
        if resp.status_code in (401, 403):
            raise CrmAuthError(
                f"BottleCRM refused the API token ({resp.status_code})",
                http_status=resp.status_code,
            )
        if resp.status_code == 404:
            return None
        raise_for_common(resp, "BottleCRM")
        body = json_or_none(resp) or {}
        lead = body.get("lead_obj") or {}
        if not isinstance(lead, dict) or not lead.get("id"):
            raise CrmError(f"BottleCRM sent no lead for {remote_id}")
        owner, email = _owner(lead.get("assigned_to") or [])
        return RemoteLead(
            remote_id=str(lead["id"]),
            owner=owner,
            stage=BOTTLECRM_STAGES.get(str(lead.get("status") or "")),
            updated_at=parse_iso(lead.get("updated_at")),
            owner_email=email,
        )


def parse_iso(stamp: Any) -> datetime | None:
    """ISO 8601 from a CRM (``Z`` or ``+0000`` offsets); None when absent or unreadable."""
    if not stamp or not isinstance(stamp, str):
        return None
    text = stamp.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # Salesforce writes +0000
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _owner(assigned: list[Any]) -> tuple[str | None, str | None]:
    for entry in assigned:
        if isinstance(entry, dict):
            user = entry.get("user_details") or {}
            name = user.get("name") or user.get("email")
            if name:
                return str(name), (str(user["email"]) if user.get("email") else None)
    return None, None
