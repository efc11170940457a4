"""HubSpot CRM v3 contacts (CRM.md §2.1).

Contacts are batch-upserted (100 inputs per call) keyed on a custom contact property with unique
values (``boothapp_lead_uuid`` by default) holding the lead UUID; ``email`` only if configured.
200 = all ok, 207 = per-input ``results[]`` + ``errors[]`` (mapped back by the id property value
in the result properties and by ``context.ids`` in errors). 429 is throttling: never a lead
failure. Notes (association type 202) and the owner's task (204) are created only when HubSpot
reports the contact as new, so a repeated upsert never repeats them; the note text is also kept
in a contact property so a lost first reply loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmConfigError,
    CrmError,
    CrmRejected,
    CrmThrottled,
    PushResult,
    SyncRecord,
    missing_result,
    parse_retry_after,
)
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

log = logging.getLogger(__name__)

NOTE_TO_CONTACT = 202
TASK_TO_CONTACT = 204


@dataclass(frozen=True, slots=True)
class HubSpotConfig:
    token: str
    base_url: str = "https://api.hubapi.com"
    id_property: str = "boothapp_lead_uuid"
    use_email_as_id: bool = False  # fallback when the customer refuses the custom property
    event_property: str = "boothapp_event"
    notes_property: str = "boothapp_notes"
    batch_size: int = 100
    timeout_s: float = 30.0


def budget_from_headers(headers: Any) -> Budget | None:
    """X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds (burst window)."""
    try:
        limit = int(headers["X-HubSpot-RateLimit-Max"])
        remaining = int(headers["X-HubSpot-RateLimit-Remaining"])
        window = int(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")) / 1000
    except (KeyError, ValueError, TypeError):
        return None
    return Budget(limit, remaining, window)


class HubSpotAdapter:
    name = "hubspot"

    def __init__(self, config: HubSpotConfig) -> None:
        if not config.token:
            raise ValueError("HubSpot needs a private-app access token")
        self.config = config
        self.batch_size = min(100, config.batch_size)
        self.http = HttpClient(
            config.base_url, {"Authorization": f"Bearer {config.token}"}, config.timeout_s
        )
        self._owners: dict[str, tuple[str, str | None]] | None = None

    def _key(self, record: SyncRecord) -> str:
        return record.email.strip().lower() if self.config.use_email_as_id else record.lead_id

    def _input(self, record: SyncRecord) -> dict[str, Any]:
        props = dict(record.fields)
        props[self.config.id_property] = record.lead_id
        if record.email:
            props.setdefault("email", record.email)
        if record.event_name:
            props[self.config.event_property] = record.event_name
        if record.notes:
            props[self.config.notes_property] = "\n\n".join(record.notes)
        id_prop = "email" if self.config.use_email_as_id else self.config.id_property
        return {"id": self._key(record), "idProperty": id_prop, "properties": props}

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        if self.config.use_email_as_id:
            no_email = [r for r in records if not r.email]
            records = [r for r in records if r.email]
        else:
            no_email = []
        outcome = self._upsert(records) if records else BatchOutcome(())
        rejected = tuple(
            PushResult(r.lead_id, ok=False, error="no e-mail address, which HubSpot needs here")
            for r in no_email
        )
        return BatchOutcome(
            outcome.results + rejected, outcome.budget, outcome.http_status, outcome.requests
        )

    def _upsert(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        resp = self.http.request(
            "POST",
            "/crm/v3/objects/contacts/batch/upsert",
            {"inputs": [self._input(r) for r in records]},
        )
        budget = budget_from_headers(resp.headers)
        body = json_or_none(resp)
        self._raise_for_status(resp, body, budget)
        by_key = {self._key(r): r for r in records}
        results: dict[str, PushResult] = {}
        id_prop = "email" if self.config.use_email_as_id else self.config.id_property
        new_contacts: list[tuple[SyncRecord, str]] = []
        for res in (body or {}).get("results", []):
            key = str(res.get("properties", {}).get(id_prop, "")).lower()
            record = by_key.get(key) or by_key.get(str(res.get("properties", {}).get(id_prop, "")))
            if record is None:
                continue
            created = bool(res.get("new", False))
            results[record.lead_id] = PushResult(
                record.lead_id, ok=True, remote_id=str(res.get("id", "")), created=created
            )
            if created:
                new_contacts.append((record, str(res.get("id", ""))))
        for err in (body or {}).get("errors", []):
            message = str(err.get("message") or err.get("category") or "HubSpot error")
            ids = err.get("context", {}).get("ids", []) or err.get("context", {}).get("id", [])
            for key in ids:
                record = by_key.get(str(key)) or by_key.get(str(key).lower())
                if record is not None and record.lead_id not in results:
                    transient = str(err.get("category", "")) == "RATE_LIMITS"
                    results[record.lead_id] = PushResult(
                        record.lead_id, ok=False, error=message, transient=transient
                    )
        extra = 0
        if new_contacts:
            try:
                extra = self._follow_ups(new_contacts)
            except CrmError as exc:
                # The contacts are saved and carry the notes property; no lead is failed.
                log.warning("HubSpot notes/tasks not created: %s", exc)
        out = tuple(results.get(r.lead_id) or missing_result(r.lead_id, "HubSpot") for r in records)
        return BatchOutcome(out, budget, resp.status_code, requests=1 + extra)

    def _raise_for_status(self, resp: requests.Response, body: Any, budget: Budget | None) -> None:
        if resp.status_code in (200, 207):
            return
        message = str((body or {}).get("message", "")) if isinstance(body, dict) else ""
        if resp.status_code == 429:
            policy = (body or {}).get("policyName", "") if isinstance(body, dict) else ""
            raise CrmThrottled(
                f"HubSpot rate limit reached ({policy or 'RATE_LIMIT'})",
                http_status=429,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                budget=budget,
            )
        if resp.status_code == 400 and "non-unique" in message:
            raise CrmConfigError(
                f"HubSpot: property {self.config.id_property!r} must have unique values: {message}",
                http_status=400,
            )
        if resp.status_code == 400:
            raise CrmRejected(f"HubSpot rejected the batch: {message}", http_status=400)
        raise_for_common(resp, "HubSpot")

    def _owner_id(self, who: str) -> str | None:
        """The HubSpot owner id for a booth owner: an id as is, else the owner whose name or
        e-mail matches (owners are read once per adapter)."""
        if who.isdigit():
            return who
        if self._owners is None:
            try:
                self._owners = load_owners(self.http)
            except CrmError as exc:
                log.warning("HubSpot owners not read: %s", exc)
                self._owners = {}
        key = who.strip().casefold()
        for owner_id, (name, email) in self._owners.items():
            if key in (name.casefold(), (email or "").casefold()):
                return owner_id
        return None

    def _follow_ups(self, new_contacts: Sequence[tuple[SyncRecord, str]]) -> int:
        """Notes and tasks for new contacts, one batch-create call each; returns requests made."""
        ms = str(int(datetime.now(UTC).timestamp() * 1000))
        notes = [
            {
                "properties": {"hs_timestamp": ms, "hs_note_body": note},
                "associations": [_assoc(cid, NOTE_TO_CONTACT)],
            }
            for record, cid in new_contacts
            for note in record.notes
        ]
        tasks = []
        for record, cid in new_contacts:
            if record.task is None:
                continue
            due = record.task.due_at or datetime.now(UTC)
            props = {
                "hs_timestamp": str(int(due.timestamp() * 1000)),
                "hs_task_subject": record.task.subject,
                "hs_task_body": record.task.body,
                "hs_task_status": "NOT_STARTED",
            }
            who = record.task.owner or record.owner
            owner_id = self._owner_id(who) if who else None
            if owner_id:
                props["hubspot_owner_id"] = owner_id
            elif who:  # no HubSpot user by that name: the task still says whose it is
                props["hs_task_body"] = f"{record.task.body}\n\nOwner at the booth: {who}".strip()
            tasks.append({"properties": props, "associations": [_assoc(cid, TASK_TO_CONTACT)]})
        sent = 0
        for path, inputs in (("notes", notes), ("tasks", tasks)):
            for i in range(0, len(inputs), 100):
                resp = self.http.request(
                    "POST", f"/crm/v3/objects/{path}/batch/create", {"inputs": inputs[i : i + 100]}
                )
                sent += 1
                if resp.status_code >= 300:
                    log.warning("HubSpot %s not created (%s)", path, resp.status_code)
        return sent


def load_owners(http: HttpClient) -> dict[str, tuple[str, str | None]]:
    """Every owner of the portal, ``id -> (name, e-mail)``, following ``paging.next.after``."""
    owners: dict[str, tuple[str, str | None]] = {}
    after = ""
    for _page in range(100):
        resp = http.request(
            "GET", "/crm/v3/owners/?limit=500" + (f"&after={after}" if after else "")
        )
        if resp.status_code == 429:
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            raise CrmThrottled(
                "HubSpot rate limit reached (owners)", http_status=429, retry_after=wait
            )
        raise_for_common(resp, "HubSpot")
        body = json_or_none(resp) or {}
        for o in body.get("results", []):
            name = f"{o.get('firstName') or ''} {o.get('lastName') or ''}".strip()
            email = o.get("email") or None
            owners[str(o.get("id"))] = (name or email or str(o.get("id")), email)
        after = str(((body.get("paging") or {}).get("next") or {}).get("after") or "")
        if not after:
            break
    return owners


def _assoc(contact_id: str, type_id: int) -> dict[str, Any]:
    return {
        "to": {"id": contact_id},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    }
