"""HubSpot CRM v3 contacts (CRM.md §2.1), deduplicated by e-mail (issue 17).

Contacts are batch-upserted (100 inputs per call) with ``idProperty=email``, "the primary unique
identifier to avoid duplicate contacts": a visitor who is already a contact is updated, never
created twice. The lead UUID is kept in the unique contact property ``boothapp_lead_uuid`` for
our own matching (pull-back), and a lead without an e-mail is upserted on that property instead.
``ensure_properties`` (run by ``boothapp sync configure``) creates the ``boothapp_*`` properties
when missing and explains a token without the schema scope.
200 = all ok, 207 = per-input ``results[]`` + ``errors[]``. 429 is throttling: never a lead
failure; the engine paces ahead of the burst limit (100 or 190 per 10 s, read from
``X-HubSpot-RateLimit-Max``) and stops before the daily allowance
(``X-HubSpot-RateLimit-Daily-Remaining``) runs out.

Every contact gets ``hubspot_owner_id`` from the routed owner (matched by name or e-mail to a
HubSpot owner; unmatched owners are reported) and joins the event's static list (created once,
named after the event). Notes and tasks are their own outbox items (``push_related``), upserted
on the unique ``boothapp_item_key`` property of notes/tasks (†: unique-value properties on
engagement objects are not confirmed on a vendor page) and associated with the contact, so a
repeat or an edit changes the same note.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from boothapp.sync.crm import card_files
from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmAuthError,
    CrmConfigError,
    CrmError,
    CrmRejected,
    CrmThrottled,
    ItemKind,
    PushResult,
    RateLimit,
    Related,
    SyncRecord,
    is_cleared,
    missing_result,
    parse_retry_after,
)
from boothapp.sync.crm.erase import EraseOutcome, outcome_of
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common
from boothapp.sync.crm.mapping import HUBSPOT_PROPERTIES

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

log = logging.getLogger(__name__)

NOTE_TO_CONTACT = 202
TASK_TO_CONTACT = 204


@dataclass(frozen=True, slots=True)
class HubSpotConfig:
    token: str
    base_url: str = "https://api.hubapi.com"
    id_property: str = "boothapp_lead_uuid"  # unique: our own matching; leads without e-mail
    use_email_as_id: bool = True  # dedupe by e-mail, as HubSpot recommends (issue 17)
    event_property: str = "boothapp_event"
    item_key_property: str = "boothapp_item_key"  # unique on notes and tasks
    batch_size: int = 100
    timeout_s: float = 30.0
    burst_limit: int = 100  # per 10 s: 100 Free/Starter, 190 Pro/Enterprise (headers correct it)
    event_lists: bool = True  # a static contact list per event


def budget_from_headers(headers: Any) -> Budget | None:
    """X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds (burst window)."""
    try:
        limit = int(headers["X-HubSpot-RateLimit-Max"])
        remaining = int(headers["X-HubSpot-RateLimit-Remaining"])
        window = int(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")) / 1000
    except (KeyError, ValueError, TypeError):
        return None
    return Budget(limit, remaining, window)


def daily_from_headers(headers: Any) -> Budget | None:
    """X-HubSpot-RateLimit-Daily / -Daily-Remaining: the portal's daily allowance."""
    try:
        limit = int(headers["X-HubSpot-RateLimit-Daily"])
        remaining = int(headers["X-HubSpot-RateLimit-Daily-Remaining"])
    except (KeyError, ValueError, TypeError):
        return None
    return Budget(limit, remaining, 86400.0)


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
        self.rate_limit = RateLimit(config.burst_limit, 10.0, concurrent=4)
        self._lists: dict[str, str] = {}  # event name -> static list id
        self._tl = threading.local()  # per-push counters: pushes run on several workers
        self._setup = threading.Lock()  # owners, lists: read or made once
        self._reset()

    def _reset(self) -> None:
        self._tl.calls = 0
        self._tl.unmatched = set()
        self._tl.daily = None
        self._tl.budget = None

    def _by_email(self, record: SyncRecord) -> bool:
        return self.config.use_email_as_id and bool(record.email.strip())

    def _key(self, record: SyncRecord) -> str:
        return record.email.strip().lower() if self._by_email(record) else record.lead_id

    def _call(self, method: str, path: str, body: Any = None) -> requests.Response:
        if not hasattr(self._tl, "calls"):
            self._reset()
        self._tl.calls += 1
        resp = self.http.request(method, path, body)
        self._tl.daily = daily_from_headers(resp.headers) or self._tl.daily
        # The newest reply's headers: the engine's pacer counts every call of the push.
        self._tl.budget = budget_from_headers(resp.headers) or self._tl.budget
        return resp

    def _input(self, record: SyncRecord) -> dict[str, Any]:
        props = dict(record.fields)
        props[self.config.id_property] = record.lead_id
        if record.email:
            props.setdefault("email", record.email)
        if record.event_name:
            props[self.config.event_property] = record.event_name
        if record.owner:
            owner_id = self._owner_id(record.owner)
            if owner_id:
                props["hubspot_owner_id"] = owner_id
            else:
                self._tl.unmatched.add(record.owner)
        id_prop = "email" if self._by_email(record) else self.config.id_property
        return {"id": self._key(record), "idProperty": id_prop, "properties": props}

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        self._reset()
        by_email = [r for r in records if self._by_email(r)]
        by_uuid = [r for r in records if not self._by_email(r)]
        results: dict[str, PushResult] = {}
        budget: Budget | None = None
        status = 200
        saved: list[tuple[SyncRecord, str]] = []
        for group, id_prop in ((by_email, "email"), (by_uuid, self.config.id_property)):
            if not group:
                continue
            out, group_budget, status, ok = self._upsert(group, id_prop)
            results.update(out)
            budget = group_budget or budget
            saved += ok
        if saved and self.config.event_lists:
            # A throttled list call throttles the push: the engine sends it again (the upsert
            # is idempotent) so no contact misses its event list.
            self._join_lists(saved)
        out_results = tuple(
            results.get(r.lead_id) or missing_result(r.lead_id, "HubSpot") for r in records
        )
        return BatchOutcome(
            out_results, self._tl.budget or budget, status, requests=self._tl.calls,
            unmatched_owners=frozenset(self._tl.unmatched), daily=self._tl.daily,
        )  # fmt: skip

    def _upsert(
        self, records: Sequence[SyncRecord], id_prop: str
    ) -> tuple[dict[str, PushResult], Budget | None, int, list[tuple[SyncRecord, str]]]:
        resp = self._call(
            "POST",
            "/crm/v3/objects/contacts/batch/upsert",
            {"inputs": [self._input(r) for r in records]},
        )
        budget = budget_from_headers(resp.headers)
        body = json_or_none(resp)
        self._raise_for_status(resp, body, budget)
        by_key = {self._key(r): r for r in records}
        results: dict[str, PushResult] = {}
        saved: list[tuple[SyncRecord, str]] = []
        for res in (body or {}).get("results", []):
            key = str(res.get("properties", {}).get(id_prop, "")).lower()
            record = by_key.get(key) or by_key.get(str(res.get("properties", {}).get(id_prop, "")))
            if record is None:
                continue
            created = bool(res.get("new", False))
            results[record.lead_id] = PushResult(
                record.lead_id, ok=True, remote_id=str(res.get("id", "")), created=created
            )
            saved.append((record, str(res.get("id", ""))))
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
        return results, budget, resp.status_code, saved

    def _raise_for_status(self, resp: requests.Response, body: Any, budget: Budget | None) -> None:
        if resp.status_code in (200, 201, 204, 207):
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
        with self._setup:
            return self._match_owner(who)

    def _match_owner(self, who: str) -> str | None:
        if self._owners is None:
            try:
                self._tl.calls += 1
                self._owners = load_owners(self.http)
            except CrmError as exc:
                log.warning("HubSpot owners not read: %s", exc)
                self._owners = {}
        key = who.strip().casefold()
        for owner_id, (name, email) in self._owners.items():
            if key in (name.casefold(), (email or "").casefold()):
                return owner_id
        return None

    # -- the event's static list -----------------------------------------------------------
    def _list_id(self, event_name: str) -> str:
        """The event's static (MANUAL) contact list: found by name, else created once."""
        with self._setup:  # two workers must not both create the event's list
            return self._find_or_make_list(event_name)

    def _find_or_make_list(self, event_name: str) -> str:
        if event_name in self._lists:
            return self._lists[event_name]
        resp = self._call(
            "GET", f"/crm/v3/lists/object-type-id/0-1/name/{quote(event_name, safe='')}"
        )
        list_id = ""
        if resp.status_code == 200:
            list_id = str(((json_or_none(resp) or {}).get("list") or {}).get("listId", ""))
        elif resp.status_code == 404:
            resp = self._call(
                "POST",
                "/crm/v3/lists/",
                {"name": event_name, "objectTypeId": "0-1", "processingType": "MANUAL"},
            )
            if resp.status_code in (200, 201):
                list_id = str(((json_or_none(resp) or {}).get("list") or {}).get("listId", ""))
        if not list_id:
            self._raise_for_status(resp, json_or_none(resp), None)
            return ""
        self._lists[event_name] = list_id
        return list_id

    def _join_lists(self, saved: Sequence[tuple[SyncRecord, str]]) -> None:
        by_event: dict[str, list[str]] = {}
        for record, contact_id in saved:
            if record.event_name and contact_id:
                by_event.setdefault(record.event_name, []).append(contact_id)
        for event_name, ids in by_event.items():
            list_id = self._list_id(event_name)
            if list_id:  # adding a member twice is a no-op in HubSpot
                resp = self._call("PUT", f"/crm/v3/lists/{list_id}/memberships/add", ids)
                self._raise_for_status(resp, json_or_none(resp), budget_from_headers(resp.headers))

    # -- notes and tasks (their own outbox items) -------------------------------------------
    def push_related(self, items: Sequence[Related]) -> BatchOutcome:
        if items and items[0].record.kind == ItemKind.CARD:  # the card photo (issue 20)
            return card_files.push_hubspot(self, items)
        self._reset()
        cleared = [i for i in items if is_cleared(i.record)]
        if cleared:
            gone = self._archive_notes(cleared)
            rest = [i for i in items if not is_cleared(i.record)]
            if not rest:
                return BatchOutcome(
                    tuple(gone[i.record.key] for i in items), self._tl.budget, 200,
                    requests=self._tl.calls, daily=self._tl.daily,
                )  # fmt: skip
            out = self._upsert_related(rest)
            by_key = {r.lead_id: r for r in out.results} | gone
            return replace(
                out, results=tuple(by_key[i.record.key] for i in items), requests=self._tl.calls
            )
        return self._upsert_related(items)

    def _archive_notes(self, items: Sequence[Related]) -> dict[str, PushResult]:
        """Notes emptied at the booth: archived in HubSpot (found by their unique item key, so
        one whose first send lost its reply goes too). None there is already the wanted end."""
        prop = self.config.item_key_property
        resp = self._call(
            "POST",
            "/crm/v3/objects/notes/batch/read",
            {"idProperty": prop, "properties": [prop], "inputs": [
                {"id": i.record.key} for i in items]},
        )  # fmt: skip
        body = json_or_none(resp)
        self._raise_for_status(resp, body, budget_from_headers(resp.headers))
        ids = [str(r.get("id")) for r in (body or {}).get("results", []) if r.get("id")]
        if ids:
            resp = self._call(
                "POST", "/crm/v3/objects/notes/batch/archive", {"inputs": [{"id": x} for x in ids]}
            )
            self._raise_for_status(resp, json_or_none(resp), budget_from_headers(resp.headers))
        return {i.record.key: PushResult(i.record.key, ok=True) for i in items}

    def _upsert_related(self, items: Sequence[Related]) -> BatchOutcome:
        kind = items[0].record.kind
        path = "notes" if kind == ItemKind.NOTE else "tasks"
        inputs = [self._related_input(i) for i in items]
        resp = self._call(
            "POST", f"/crm/v3/objects/{path}/batch/upsert", {"inputs": [x for x, _ in inputs]}
        )
        budget = budget_from_headers(resp.headers)
        body = json_or_none(resp)
        self._raise_for_status(resp, body, budget)
        prop = self.config.item_key_property
        ids = {
            str(r.get("properties", {}).get(prop, "")): str(r.get("id", ""))
            for r in (body or {}).get("results", [])
        }
        results = {}
        links = []
        for item in items:
            key = item.record.key
            if key in ids:
                results[key] = PushResult(key, ok=True, remote_id=ids[key])
                links.append({"from": {"id": ids[key]}, "to": {"id": item.parent_id}})
        for err in (body or {}).get("errors", []):
            message = str(err.get("message") or err.get("category") or "HubSpot error")
            for key in (err.get("context") or {}).get("ids", []):
                results.setdefault(str(key), PushResult(str(key), ok=False, error=message))
        if links:
            # Default association note/task -> contact; associating twice is a no-op.
            resp = self._call(
                "POST",
                f"/crm/v4/associations/{path}/contacts/batch/associate/default",
                {"inputs": links},
            )
            if resp.status_code >= 300:
                self._raise_for_status(resp, json_or_none(resp), budget_from_headers(resp.headers))
        out = tuple(
            results.get(i.record.key) or missing_result(i.record.key, "HubSpot") for i in items
        )
        return BatchOutcome(
            out, self._tl.budget or budget, resp.status_code, requests=self._tl.calls,
            unmatched_owners=frozenset(self._tl.unmatched), daily=self._tl.daily,
        )  # fmt: skip

    def _related_input(self, item: Related) -> tuple[dict[str, Any], str]:
        record, key = item.record, item.record.key
        now_ms = str(int(datetime.now(UTC).timestamp() * 1000))
        prop = self.config.item_key_property
        if record.kind == ItemKind.NOTE:
            props = {"hs_timestamp": now_ms, "hs_note_body": "\n\n".join(record.notes), prop: key}
            return {"id": key, "idProperty": prop, "properties": props}, key
        task = record.task
        due = (task.due_at if task else None) or datetime.now(UTC)
        props = {
            prop: key,
            "hs_timestamp": str(int(due.timestamp() * 1000)),
            "hs_task_subject": task.subject if task else "",
            "hs_task_body": task.body if task else "",
            "hs_task_type": "CALL",
        }
        who = (task.owner if task else "") or record.owner
        owner_id = self._owner_id(who) if who else None
        if owner_id:
            props["hubspot_owner_id"] = owner_id
        elif who:  # no HubSpot user by that name: the task still says whose it is
            self._tl.unmatched.add(who)
            props["hs_task_body"] = f"{props['hs_task_body']}\n\nOwner at the booth: {who}".strip()
        return {"id": key, "idProperty": prop, "properties": props}, key

    # -- set-up ------------------------------------------------------------------------------
    def ensure_properties(self) -> str:
        """Create the ``boothapp_*`` contact properties and the unique item key on notes and
        tasks when missing (what ``boothapp sync configure`` runs); returns what it did.
        Raises ``CrmAuthError`` with the scope to add when the token may not change the schema.
        """
        made = []
        wanted = {"contacts": dict(HUBSPOT_PROPERTIES)}
        for obj in ("notes", "tasks"):
            wanted[obj] = {self.config.item_key_property: "BoothApp item key (unique)"}
        for obj, props in wanted.items():
            resp = self._call("GET", f"/crm/v3/properties/{obj}?archived=false")
            self._schema_error(resp, obj)
            have = {str(p.get("name")) for p in (json_or_none(resp) or {}).get("results", [])}
            inputs = [
                {
                    "name": name,
                    "label": label,
                    "type": "string",
                    "fieldType": "textarea" if name == "boothapp_answers" else "text",
                    "groupName": "contactinformation"
                    if obj == "contacts"
                    else f"{obj[:-1]}information",
                    "hasUniqueValue": name
                    in (self.config.id_property, self.config.item_key_property),
                }
                for name, label in props.items()
                if name not in have
            ]
            if not inputs:
                continue
            resp = self._call("POST", f"/crm/v3/properties/{obj}/batch/create", {"inputs": inputs})
            self._schema_error(resp, obj)
            made += [f"{obj}.{i['name']}" for i in inputs]
        return f"HubSpot properties created: {', '.join(made)}" if made else ""

    @staticmethod
    def _schema_error(resp: requests.Response, obj: str) -> None:
        if resp.status_code in (401, 403):
            raise CrmAuthError(
                f"HubSpot refused to read or create {obj} properties ({resp.status_code}): give "
                f"the private app the crm.schemas.{obj}.read and crm.schemas.{obj}.write "
                "scopes, or have an admin create the boothapp_* properties (docs/CRM.md)",
                http_status=resp.status_code,
            )
        if resp.status_code >= 300:
            raise_for_common(resp, "HubSpot")

    def erase(self, remote_id: str) -> EraseOutcome:
        """HubSpot's GDPR delete of the contact (issue 18): permanent, and HubSpot blocks
        the address from being added again."""
        try:
            resp = self.http.request(
                "POST", "/crm/v3/objects/contacts/gdpr-delete", {"objectId": remote_id}
            )
        except CrmError as exc:
            return EraseOutcome(False, f"HubSpot: {exc.message}", exc.transient)
        return outcome_of(resp, "HubSpot")


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
