"""Salesforce Lead sync (CRM.md §2.2), deduplicated by e-mail against Leads and Contacts.

Per batch of up to 200 (issue 17): one composite request runs two SOQL queries (Leads and
Contacts with the batch's e-mails; a composite request counts as one call against the org's
allocation). A visitor who is already an open Lead has that Lead updated by Id (our external id
``BoothApp_Lead_Id__c`` written into it when it has none); a visitor who is already a Contact
gets no Lead: a "visited the booth" Task (upserted on ``<lead uuid>:visit``) and campaign
membership are attached to the Contact instead; anyone else is upserted by the external id with
sObject Collections ``PATCH /composite/sobjects/Lead/<ExtId>`` (``allOrNone=false``, results in
request order). So a visitor already in the org is never created twice.

Every Lead gets ``OwnerId`` from the routed owner (matched to an active Salesforce user by
name; unmatched owners are reported and the org's assignment applies), ``Status`` from the
event's ``crm.stages``, and joins the event's Campaign (the configured one, else the campaign
named after the event, created once as a "Trade Show" campaign). Notes and tasks are their own
outbox items (``push_related``): Tasks upserted on ``BoothApp_Task_Id__c`` = ``<uuid>:note`` /
``<uuid>:task``, so an edit changes the same Task.

403 ``REQUEST_LIMIT_EXCEEDED`` is throttling (no Retry-After exists): the engine paces from
``Sforce-Limit-Info: api-usage=used/limit`` (the rolling 24 h allocation) and never sends more
than 25 requests at once (the org's limit for long-running requests).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from boothapp.sync.crm import card_files
from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmAuthError,
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
)
from boothapp.sync.crm.erase import EraseOutcome, outcome_of
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

log = logging.getLogger(__name__)

TRANSIENT_CODES = frozenset(
    {"UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG", "SERVER_UNAVAILABLE"}
)
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")
_USER_ID = re.compile(r"005[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?")


@dataclass(frozen=True, slots=True)
class SalesforceConfig:
    instance_url: str
    access_token: str
    api_version: str = "v60.0"
    external_id_field: str = "BoothApp_Lead_Id__c"
    task_external_id_field: str = "BoothApp_Task_Id__c"
    campaign_id: str = ""
    campaign_member_status: str = "Responded"  # a default status of every new campaign
    auto_campaign: bool = True  # no campaign id: find or create the event's own campaign
    lead_source: str = "Trade Show"
    batch_size: int = 200
    allocation_window_s: float = 86400.0  # the org allocation is a rolling 24 h
    timeout_s: float = 30.0


def soql_quote(value: str) -> str:
    """A SOQL string literal (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def raise_for_salesforce(resp: requests.Response, body: Any, budget: Budget | None) -> None:
    """Salesforce's error answers (a list of ``{errorCode, message}``) as CrmErrors: 403
    REQUEST_LIMIT_EXCEEDED is throttling, 401/403 otherwise the session, 400 a bad request."""
    if resp.status_code == 200:
        return
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    code, message = str(first.get("errorCode", "")), str(first.get("message", ""))
    if resp.status_code == 403 and code == "REQUEST_LIMIT_EXCEEDED":
        raise CrmThrottled(
            f"Salesforce API allocation used up: {message}", http_status=403, budget=budget
        )
    if resp.status_code in (401, 403):
        raise CrmAuthError(
            f"Salesforce refused the session ({code or resp.status_code}): {message}",
            http_status=resp.status_code,
        )
    if resp.status_code == 400:
        raise CrmRejected(f"Salesforce: {code}: {message}", http_status=400)
    raise_for_common(resp, "Salesforce")


def budget_from_headers(headers: Any, window_s: float) -> Budget | None:
    match = _USAGE.search(str(headers.get("Sforce-Limit-Info", "")))
    if not match:
        return None
    used, limit = int(match.group(1)), int(match.group(2))
    return Budget(limit, max(0, limit - used), window_s)


class SalesforceAdapter:
    name = "salesforce"

    def __init__(
        self, config: SalesforceConfig, refresh_token: Callable[[], str] | None = None
    ) -> None:
        if not config.access_token:
            raise ValueError("Salesforce needs an access token (connect the account first)")
        self.config = config
        self.batch_size = min(200, config.batch_size)
        self._refresh = refresh_token
        self._campaigns: dict[str, str] = {}  # event name -> campaign id
        self._users: dict[str, str] = {}  # booth owner name -> Salesforce user id ("": none)
        self._tl = threading.local()  # per-push: calls made (all count against the allocation)
        self._tl.extra_calls = 0
        self._setup = threading.RLock()  # users, campaigns: read or made once
        # The allocation is learnt from the first reply; 25 long-running requests at once.
        self.rate_limit = RateLimit(0, config.allocation_window_s, concurrent=25)
        self._tl.unmatched = set()
        self.http = HttpClient(
            config.instance_url,
            {"Authorization": f"Bearer {config.access_token}"},
            config.timeout_s,
        )

    def _path(self, rest: str) -> str:
        return f"/services/data/{self.config.api_version}{rest}"

    def _call(self, method: str, rest: str, body: Any) -> requests.Response:
        self._tl.extra_calls = getattr(self._tl, "extra_calls", 0) + 1
        resp = self.http.request(method, self._path(rest), body)
        if resp.status_code == 401 and self._refresh is not None:
            # An expired session is normal for OAuth: refresh once, then retry this request.
            token = self._refresh()
            self.http.session.headers["Authorization"] = f"Bearer {token}"
            resp = self.http.request(method, self._path(rest), body)
        return resp

    def _lead(self, record: SyncRecord) -> dict[str, Any]:
        lead: dict[str, Any] = {"attributes": {"type": "Lead"}}
        lead.update(record.fields)
        lead[self.config.external_id_field] = record.lead_id
        if record.email:
            lead.setdefault("Email", record.email)
        lead.setdefault("LeadSource", self.config.lead_source)
        if record.notes:
            lead["Description"] = "\n\n".join(record.notes)
        if record.owner:
            owner_id = self._user_id(record.owner)
            if owner_id:
                lead["OwnerId"] = owner_id
            else:
                self._tl.unmatched.add(record.owner)
        return lead

    def _existing(
        self, records: Sequence[SyncRecord]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """Open Leads and Contacts with the batch's e-mails, in one composite request:
        (e-mail -> Lead row, e-mail -> Contact id); e-mails compared lower-cased."""
        emails = sorted({r.email.strip() for r in records if r.email.strip()})
        if not emails:
            return {}, {}
        listed = ", ".join(soql_quote(e) for e in {*emails, *(e.lower() for e in emails)})
        ext = self.config.external_id_field
        queries = {
            "leads": f"SELECT Id, Email, {ext}, IsConverted FROM Lead WHERE Email IN ({listed})",
            "contacts": f"SELECT Id, Email FROM Contact WHERE Email IN ({listed})",
        }
        resp = self._call(
            "POST",
            "/composite",
            {
                "allOrNone": False,
                "compositeRequest": [
                    {"method": "GET", "referenceId": ref,
                     "url": self._path("/query?q=" + quote(soql))}
                    for ref, soql in queries.items()
                ],
            },
        )  # fmt: skip
        body = json_or_none(resp)
        self._raise_for_status(resp, body, self._budget(resp))
        leads: dict[str, dict[str, Any]] = {}
        contacts: dict[str, str] = {}
        for sub in (body or {}).get("compositeResponse", []):
            if sub.get("httpStatusCode") != 200:
                log.warning("Salesforce lookup %s failed: %s", sub.get("referenceId"), sub)
                continue
            for row in (sub.get("body") or {}).get("records", []):
                email = str(row.get("Email") or "").lower()
                if sub.get("referenceId") == "leads" and not row.get("IsConverted"):
                    # Prefer the Lead that already carries this booth lead's id.
                    leads.setdefault(email, row)
                elif sub.get("referenceId") == "contacts":
                    contacts.setdefault(email, str(row["Id"]))
        return leads, contacts

    def _budget(self, resp: requests.Response) -> Budget | None:
        return budget_from_headers(resp.headers, self.config.allocation_window_s)

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        self._tl.extra_calls = 0
        self._tl.unmatched = set()
        leads, contacts = self._existing(records)
        ext = self.config.external_id_field
        to_update: list[tuple[SyncRecord, dict[str, Any]]] = []
        to_upsert: list[SyncRecord] = []
        on_contact: list[tuple[SyncRecord, str]] = []
        for record in records:
            email = record.email.strip().lower()
            found = leads.get(email) if email else None
            if found is not None and found.get(ext) in (None, "", record.lead_id):
                to_update.append((record, found))
            elif found is None and email in contacts:
                on_contact.append((record, contacts[email]))
            else:
                to_upsert.append(record)
        results: dict[str, PushResult] = {}
        budget: Budget | None = None
        status = 200
        saved: list[tuple[SyncRecord, str, str]] = []  # record, CRM id, "Lead" / "Contact"
        if to_upsert:
            resp = self._call(
                "PATCH",
                f"/composite/sobjects/Lead/{ext}",
                {"allOrNone": False, "records": [self._lead(r) for r in to_upsert]},
            )
            budget, status = self._budget(resp) or budget, resp.status_code
            for record, res in zip(to_upsert, self._results(resp, len(to_upsert)), strict=True):
                results[record.lead_id] = self._result(record, res)
                if res.get("success"):
                    saved.append((record, str(res.get("id", "")), "Lead"))
        if to_update:
            rows = []
            for record, found in to_update:
                row = self._lead(record)
                row["id"] = found["Id"]
                rows.append(row)
            resp = self._call("PATCH", "/composite/sobjects", {"allOrNone": False, "records": rows})
            budget, status = self._budget(resp) or budget, resp.status_code
            for (record, found), res in zip(to_update, self._results(resp, len(rows)), strict=True):
                res = {**res, "id": res.get("id") or found["Id"], "created": False}
                results[record.lead_id] = self._result(record, res)
                if res.get("success"):
                    saved.append((record, str(found["Id"]), "Lead"))
        for record, contact_id in on_contact:
            results[record.lead_id] = PushResult(
                record.lead_id, ok=True, remote_id=contact_id, created=False
            )
            saved.append((record, contact_id, "Contact"))
        if saved:
            try:
                self._follow_ups(saved)
            except CrmError as exc:
                log.warning("Salesforce visit tasks/campaign members not written: %s", exc)
        out = tuple(
            results.get(r.lead_id) or missing_result(r.lead_id, "Salesforce") for r in records
        )
        return BatchOutcome(
            out, budget, status, requests=self._tl.extra_calls,
            unmatched_owners=frozenset(self._tl.unmatched),
        )  # fmt: skip

    def _results(self, resp: requests.Response, n: int) -> list[dict[str, Any]]:
        body = json_or_none(resp)
        self._raise_for_status(resp, body, self._budget(resp))
        if not isinstance(body, list) or len(body) != n:
            raise CrmRejected(
                f"Salesforce answered {len(body) if isinstance(body, list) else 'no'} results "
                f"for {n} leads",
                http_status=resp.status_code,
            )
        return body

    @staticmethod
    def _result(record: SyncRecord, res: dict[str, Any]) -> PushResult:
        if res.get("success"):
            return PushResult(
                record.lead_id, ok=True, remote_id=str(res.get("id", "")),
                created=bool(res.get("created")),
            )  # fmt: skip
        errs = res.get("errors") or []
        text = "; ".join(
            f"{e.get('statusCode', 'ERROR')}: {e.get('message', '')}".strip() for e in errs
        )
        transient = bool(errs) and all(e.get("statusCode") in TRANSIENT_CODES for e in errs)
        return PushResult(record.lead_id, ok=False, error=text or "rejected", transient=transient)

    # -- notes and tasks (their own outbox items) -------------------------------------------
    def push_related(self, items: Sequence[Related]) -> BatchOutcome:
        if items and items[0].record.kind == ItemKind.CARD:  # the card photo (issue 20)
            return card_files.push_salesforce(self, items)
        self._tl.extra_calls = 0
        self._tl.unmatched = set()
        cleared = [i for i in items if is_cleared(i.record)]
        sent = [i for i in items if not is_cleared(i.record)]
        results: dict[str, PushResult] = self._delete_notes(cleared) if cleared else {}
        resp: requests.Response | None = None
        if sent:
            tasks = [self._task(i.record, i.parent_id) for i in sent]
            resp = self._call(
                "PATCH",
                f"/composite/sobjects/Task/{self.config.task_external_id_field}",
                {"allOrNone": False, "records": tasks},
            )
            for i, res in zip(sent, self._results(resp, len(tasks)), strict=True):
                results[i.record.key] = replace(self._result(i.record, res), lead_id=i.record.key)
        return BatchOutcome(
            tuple(results[i.record.key] for i in items),
            self._budget(resp) if resp is not None else None,
            resp.status_code if resp is not None else 200,
            requests=self._tl.extra_calls,
            unmatched_owners=frozenset(self._tl.unmatched),
        )

    def _delete_notes(self, items: Sequence[Related]) -> dict[str, PushResult]:
        """A note emptied at the booth: its Task is deleted (found by its external id, so a
        note whose first send lost its reply goes too); none there is already the wanted end."""
        ext = self.config.task_external_id_field
        keys = ", ".join(soql_quote(i.record.key) for i in items)
        soql = f"SELECT Id, {ext} FROM Task WHERE {ext} IN ({keys})"
        resp = self._call("GET", "/query?q=" + quote(soql), None)
        self._raise_for_status(resp, json_or_none(resp), self._budget(resp))
        rows = (json_or_none(resp) or {}).get("records") or []
        ids = {str(r.get(ext, "")): str(r["Id"]) for r in rows if r.get("Id")}
        out = {i.record.key: PushResult(i.record.key, ok=True) for i in items}
        if ids:
            # sObject Collections delete: up to 200 ids, one result per id, in order.
            q = urlencode({"ids": ",".join(ids.values()), "allOrNone": "false"})
            resp = self._call("DELETE", f"/composite/sobjects?{q}", None)
            for key, res in zip(ids, self._results(resp, len(ids)), strict=True):
                gone = any(
                    e.get("statusCode") == "ENTITY_IS_DELETED" for e in res.get("errors") or []
                )
                if not res.get("success") and not gone:
                    out[key] = replace(self._result(SyncRecord(key), res), lead_id=key)
        return out

    def _task(self, record: SyncRecord, who_id: str) -> dict[str, Any]:
        """A note as a completed Task, the owner's call as an open one; keyed on the item."""
        task: dict[str, Any] = {
            "attributes": {"type": "Task"},
            self.config.task_external_id_field: record.key,
            "WhoId": who_id,
            "Priority": "Normal",
        }
        if record.kind == ItemKind.NOTE:
            task.update(
                Subject=f"Booth note: {record.event_name}".strip(": "),
                Description="\n\n".join(record.notes),
                Status="Completed",
                TaskSubtype="Task",
            )
            return task
        t = record.task
        task.update(Subject=t.subject if t else "Call", Status="Not Started", TaskSubtype="Call")
        if t is not None and t.due_at is not None:
            task["ActivityDate"] = t.due_at.date().isoformat()
        who = (t.owner if t else "") or record.owner
        owner_id = self._user_id(who) if who else None
        body = t.body if t else ""
        if owner_id:
            task["OwnerId"] = owner_id
        elif who:  # no active Salesforce user by that name: the task still says whose it is
            self._tl.unmatched.add(who)
            body = f"{body}\n\nOwner at the booth: {who}".strip()
        if body:
            task["Description"] = body
        return task

    def _user_id(self, who: str) -> str | None:
        """A Salesforce user id as is; else the active user with that name (read once)."""
        if _USER_ID.fullmatch(who):
            return who
        with self._setup:
            return self._find_user(who)

    def _find_user(self, who: str) -> str | None:
        if who not in self._users:
            soql = f"SELECT Id, IsActive FROM User WHERE Name IN ({soql_quote(who)})"
            resp = self._call("GET", "/query?q=" + quote(soql), None)
            found = ""
            if resp.status_code == 200:
                rows = (json_or_none(resp) or {}).get("records") or []
                found = next((str(r["Id"]) for r in rows if r.get("IsActive", True)), "")
            self._users[who] = found
        return self._users[who] or None

    def _campaign_id(self, event_name: str) -> str:
        if self.config.campaign_id or not (self.config.auto_campaign and event_name):
            return self.config.campaign_id
        with self._setup:  # two workers must not both create the event's campaign
            return self._find_or_make_campaign(event_name)

    def _find_or_make_campaign(self, event_name: str) -> str:
        if event_name in self._campaigns:
            return self._campaigns[event_name]
        # Find before create: after a lost reply the next attempt finds the one it made.
        name = "'" + event_name.replace("\\", "\\\\").replace("'", "\\'") + "'"
        resp = self._call(
            "GET", "/query?q=" + quote(f"SELECT Id FROM Campaign WHERE Name IN ({name})"), None
        )
        self._raise_for_status(resp, json_or_none(resp), None)
        rows = (json_or_none(resp) or {}).get("records") or []
        if rows:
            campaign = str(rows[0].get("Id", ""))
        else:
            resp = self._call(
                "POST",
                "/composite/sobjects",
                {
                    "allOrNone": True,
                    "records": [
                        {
                            "attributes": {"type": "Campaign"},
                            "Name": event_name,
                            "Type": "Trade Show",
                            "Status": "In Progress",
                            "IsActive": True,
                        }
                    ],
                },
            )
            self._raise_for_status(resp, json_or_none(resp), None)
            body = json_or_none(resp)
            first = body[0] if isinstance(body, list) and body else {}
            if not first.get("success"):
                log.warning("Salesforce campaign %r not created: %s", event_name, first)
                return ""
            campaign = str(first.get("id", ""))
        self._campaigns[event_name] = campaign
        return campaign

    def _raise_for_status(self, resp: requests.Response, body: Any, budget: Budget | None) -> None:
        raise_for_salesforce(resp, body, budget)

    def _follow_ups(self, saved: Sequence[tuple[SyncRecord, str, str]]) -> None:
        """A Contact that visited gets a Task saying so (instead of a new Lead); every saved
        Lead or Contact joins the event's campaign."""
        visits = []
        for record, contact_id, sobject in saved:
            if sobject != "Contact":
                continue
            summary = "\n".join(f"{k}: {v}" for k, v in record.fields.items() if v)
            visits.append(
                {
                    "attributes": {"type": "Task"},
                    self.config.task_external_id_field: f"{record.lead_id}:visit",
                    "WhoId": contact_id,
                    "Subject": f"Visited the booth at {record.event_name}".strip(),
                    "Status": "Completed",
                    "Priority": "Normal",
                    "TaskSubtype": "Task",
                    "Description": summary,
                }
            )
        if visits:
            self._call(
                "PATCH",
                f"/composite/sobjects/Task/{self.config.task_external_id_field}",
                {"allOrNone": False, "records": visits},
            )
        # Every saved record, not only "created" ones: after a lost reply the repeat says
        # created=false, yet it may never have joined. A member already there comes back as
        # DUPLICATE_VALUE, which is the state we want.
        members = []
        for record, remote_id, sobject in saved:
            campaign = self._campaign_id(record.event_name)
            if campaign:
                members.append(
                    {
                        "attributes": {"type": "CampaignMember"},
                        "CampaignId": campaign,
                        "LeadId" if sobject == "Lead" else "ContactId": remote_id,
                        "Status": self.config.campaign_member_status,
                    }
                )
        if members:
            self._call("POST", "/composite/sobjects", {"allOrNone": False, "records": members})

    def erase(self, remote_id: str) -> EraseOutcome:
        """Delete the Lead record (issue 18); it goes to the org's recycle bin, which the
        org empties on its own schedule."""
        try:
            resp = self._call("DELETE", f"/sobjects/Lead/{quote(remote_id, safe='')}", None)
        except CrmError as exc:
            return EraseOutcome(False, f"Salesforce: {exc.message}", exc.transient)
        return outcome_of(resp, "Salesforce")
