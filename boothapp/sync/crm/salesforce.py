"""Salesforce Lead upsert by external id (CRM.md §2.2).

sObject Collections ``PATCH /composite/sobjects/Lead/<ExtId>`` with ``allOrNone=false``: up to 200
records, results in request order, per-record ``errors[{statusCode, message, fields}]`` shown as
Salesforce wrote them. 403 ``REQUEST_LIMIT_EXCEEDED`` is throttling (no Retry-After exists, so
the engine backs off and paces from ``Sforce-Limit-Info: api-usage=used/limit``). The owner's
task is upserted too, on its own external id ``<lead uuid>:task``, so it is never doubled; notes
go into ``Lead.Description``; the event is a Campaign (the configured one, else the campaign named
after the event, created once as a "Trade Show" campaign) and each new lead a CampaignMember.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from boothapp.sync.crm.base import (
    BatchOutcome,
    Budget,
    CrmAuthError,
    CrmError,
    CrmRejected,
    CrmThrottled,
    PushResult,
    SyncRecord,
    missing_result,
)
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

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
        self._extra_calls = 0  # calls made after the upsert in this push
        self.http = HttpClient(
            config.instance_url,
            {"Authorization": f"Bearer {config.access_token}"},
            config.timeout_s,
        )

    def _path(self, rest: str) -> str:
        return f"/services/data/{self.config.api_version}{rest}"

    def _call(self, method: str, rest: str, body: Any) -> requests.Response:
        self._extra_calls += 1
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
        return lead

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        resp = self._call(
            "PATCH",
            f"/composite/sobjects/Lead/{self.config.external_id_field}",
            {"allOrNone": False, "records": [self._lead(r) for r in records]},
        )
        budget = budget_from_headers(resp.headers, self.config.allocation_window_s)
        body = json_or_none(resp)
        self._raise_for_status(resp, body, budget)
        if not isinstance(body, list) or len(body) != len(records):
            raise CrmRejected(
                f"Salesforce answered {len(body) if isinstance(body, list) else 'no'} results "
                f"for {len(records)} leads",
                http_status=resp.status_code,
            )
        results = []
        saved: list[tuple[SyncRecord, str, bool]] = []
        for record, res in zip(records, body, strict=True):
            if res.get("success"):
                results.append(
                    PushResult(
                        record.lead_id,
                        ok=True,
                        remote_id=str(res.get("id", "")),
                        created=bool(res.get("created")),
                    )
                )
                saved.append((record, str(res.get("id", "")), bool(res.get("created"))))
                continue
            errs = res.get("errors") or []
            text = "; ".join(
                f"{e.get('statusCode', 'ERROR')}: {e.get('message', '')}".strip() for e in errs
            )
            transient = bool(errs) and all(e.get("statusCode") in TRANSIENT_CODES for e in errs)
            results.append(
                PushResult(record.lead_id, ok=False, error=text or "rejected", transient=transient)
            )
        self._extra_calls = 0
        if saved:
            try:
                self._follow_ups(saved)
            except CrmError as exc:
                log.warning("Salesforce tasks/campaign members not written: %s", exc)
        out = tuple(results) or tuple(missing_result(r.lead_id, "Salesforce") for r in records)
        # Task, campaign and member calls count against the org's allocation too.
        return BatchOutcome(out, budget, resp.status_code, requests=1 + self._extra_calls)

    def _user_id(self, who: str) -> str | None:
        """A Salesforce user id as is; else the active user with that name (read once)."""
        if _USER_ID.fullmatch(who):
            return who
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

    def _follow_ups(self, saved: Sequence[tuple[SyncRecord, str, bool]]) -> None:
        tasks = []
        for record, lead_id, _created in saved:
            if record.task is None:
                continue
            task: dict[str, Any] = {
                "attributes": {"type": "Task"},
                self.config.task_external_id_field: f"{record.lead_id}:task",
                "WhoId": lead_id,
                "Subject": record.task.subject,
                "Status": "Not Started",
                "Priority": "Normal",
                "TaskSubtype": "Call",
            }
            if record.task.due_at is not None:
                task["ActivityDate"] = record.task.due_at.date().isoformat()
            who = record.task.owner or record.owner
            owner_id = self._user_id(who) if who else None
            body = record.task.body
            if owner_id:
                task["OwnerId"] = owner_id
            elif who:  # no active Salesforce user by that name: the task still says whose it is
                body = f"{body}\n\nOwner at the booth: {who}".strip()
            if body:
                task["Description"] = body
            tasks.append(task)
        if tasks:
            self._call(
                "PATCH",
                f"/composite/sobjects/Task/{self.config.task_external_id_field}",
                {"allOrNone": False, "records": tasks},
            )
        # Every saved lead, not only "created" ones: after a lost reply the repeat says
        # created=false, yet the lead may never have joined. A member already there comes back
        # as DUPLICATE_VALUE, which is the state we want.
        members = []
        for record, lead_id, _created in saved:
            campaign = self._campaign_id(record.event_name)
            if campaign:
                members.append(
                    {
                        "attributes": {"type": "CampaignMember"},
                        "CampaignId": campaign,
                        "LeadId": lead_id,
                        "Status": self.config.campaign_member_status,
                    }
                )
        if members:
            # Already a member comes back as DUPLICATE_VALUE, which is the state we want.
            self._call("POST", "/composite/sobjects", {"allOrNone": False, "records": members})
