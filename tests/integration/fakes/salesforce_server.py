"""A fake Salesforce REST API following the published behaviour in CRM.md §2.2.

* ``PATCH /services/data/vXX.X/composite/sobjects/<Type>/<ExtIdField>`` (sObject Collections
  upsert): at most 200 records of one type, each with ``attributes.type`` and the external id;
  answers 200 with one UpsertResult ``{id, success, created, errors[{statusCode, message,
  fields}]}`` per record **in request order** (``allOrNone=false``). 400 only when the request
  is malformed. Lead needs ``LastName`` and ``Company`` (REQUIRED_FIELD_MISSING).
* ``POST /services/data/vXX.X/composite/sobjects``: creates (CampaignMember; DUPLICATE_VALUE
  when the lead is already a member).
* ``PATCH /services/data/vXX.X/composite/sobjects`` (sObject Collections update by ``id``) and
  ``POST /services/data/vXX.X/composite`` (up to 25 subrequests, here GET queries; the whole
  composite request counts as one call against the allocation).
* Allocation: more than ``allocation`` requests in ``window_s`` (the rolling 24 h, scaled) gets
  403 ``[{"errorCode":"REQUEST_LIMIT_EXCEEDED"}]``; no Retry-After, no 429. Every reply carries
  ``Sforce-Limit-Info: api-usage=used/limit``. More than ``max_concurrent`` requests at once
  (the org's concurrent long-running request limit, 25 in production) also get
  REQUEST_LIMIT_EXCEEDED. A bad/expired token gets 401 INVALID_SESSION_ID.
* OAuth 2.0 web-server flow with PKCE: ``GET /services/oauth2/authorize`` (auto-approves and
  redirects to the loopback ``redirect_uri`` with ``code`` + ``state``) and
  ``POST /services/oauth2/token`` (``authorization_code`` checked against the S256
  ``code_challenge``; ``refresh_token``).

* ``GET /services/data/vXX.X/query?q=<SOQL>`` and ``.../query/<locator>`` (``salesforce_query``):
  Lead (with ``Owner.Name``/``Owner.Email``, ``Status``, ``IsConverted``, ``LastModifiedDate``
  in Salesforce's ``+0000`` form) and ``LeadHistory`` (rows only when ``field_history`` is on,
  as in an org that tracks Status/Owner). ``sales_edit`` plays a rep changing a lead in
  Salesforce at a given time.

Fault injection (``FaultPlan``): 5xx, timeouts, lost replies, partial failures (per-record
``UNABLE_TO_LOCK_ROW`` when ``partial_code`` says so, else FIELD_CUSTOM_VALIDATION_EXCEPTION).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.integration.fakes.common import Fault, FaultPlan, JsonHandler, SlidingWindow
from tests.integration.fakes.salesforce_query import QueryPages, SoqlError, run_query

PREFIX = {
    "Lead": "00Q", "Task": "00T", "CampaignMember": "00v", "Campaign": "701", "Contact": "003",
}  # fmt: skip


@dataclass
class SalesforceFake:
    allocation: int = 15000
    window_s: float = 86400.0
    client_id: str = "boothapp-desktop"
    partial_code: str = "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    faults: FaultPlan = field(default_factory=FaultPlan)
    tokens: set[str] = field(default_factory=lambda: {"00Dfake!session"})
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # type -> id -> rec
    creations: Counter[str] = field(default_factory=Counter)  # "Type:extid" -> creations
    deleted: list[str] = field(default_factory=list)  # ids deleted through the API
    requests: Counter[str] = field(default_factory=Counter)
    field_history: bool = True
    page_size: int = 2000
    integration_user: tuple[str, str] = ("Integration User", "integration@example-org.com")
    history: list[dict[str, Any]] = field(default_factory=list)  # LeadHistory rows
    queries: list[str] = field(default_factory=list)
    max_concurrent: int = 25
    latency_s: float = 0.0  # server time per request (so concurrency is real)
    peak_concurrent: int = 0

    def __post_init__(self) -> None:
        self._pages = QueryPages(self.page_size)
        self.window = SlidingWindow(self.allocation, self.window_s)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._index: dict[tuple[str, str, str], str] = {}
        self._codes: dict[str, tuple[str, str, str]] = {}  # code -> challenge, redirect, client
        self._refresh: dict[str, str] = {}
        self._active = 0

    def _limit_header(self) -> dict[str, str]:
        return {"Sforce-Limit-Info": f"api-usage={len(self.window._times)}/{self.allocation}"}

    def handle(self, h: JsonHandler) -> None:
        parsed = urllib.parse.urlsplit(h.path)
        path = parsed.path
        self.requests[path] += 1
        if path == "/services/oauth2/authorize":
            self._authorize(h, urllib.parse.parse_qs(parsed.query))
            return
        if path == "/services/oauth2/token":
            self._token(h)
            return
        body = h.read_json()
        auth = h.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            h.send_json(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
            return
        with self._lock:
            self._active += 1
            self.peak_concurrent = max(self.peak_concurrent, self._active)
            busy = self._active > self.max_concurrent
        try:
            if busy:
                self.requests["403"] += 1
                h.send_json(
                    403,
                    [{"message": "ConcurrentRequests Limit exceeded.",
                      "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                    self._limit_header(),
                )  # fmt: skip
                return
            if self.latency_s:
                time.sleep(self.latency_s)
            self._serve(h, path, parsed, body)
        finally:
            with self._lock:
                self._active -= 1

    def _serve(
        self, h: JsonHandler, path: str, parsed: urllib.parse.SplitResult, body: Any
    ) -> None:
        ok, _ = self.window.take()
        if not ok:
            self.requests["403"] += 1
            h.send_json(
                403,
                [
                    {
                        "message": "TotalRequests Limit exceeded.",
                        "errorCode": "REQUEST_LIMIT_EXCEEDED",
                    }
                ],
                self._limit_header(),
            )
            return
        parts = path.split("/")
        if h.command == "GET" and len(parts) >= 5 and parts[4] == "query":
            self._query(h, parts, urllib.parse.parse_qs(parsed.query))
            return
        # /services/data/vXX.X/composite/sobjects[/<Type>/<ExtId>]
        if h.command == "DELETE" and len(parts) == 6 and parts[4:6] == ["composite", "sobjects"]:
            self._delete(h, urllib.parse.parse_qs(parsed.query))
            return
        if len(parts) >= 6 and parts[4:6] == ["composite", "sobjects"]:
            if body is ValueError or not isinstance(body, dict):
                h.send_json(
                    400,
                    [{"message": "Malformed JSON", "errorCode": "JSON_PARSER_ERROR"}],
                    self._limit_header(),
                )
                return
            if h.command == "PATCH" and len(parts) == 8:
                self._upsert(h, parts[6], parts[7], body)
                return
            if h.command == "POST" and len(parts) == 6:
                self._create(h, body)
                return
            if h.command == "PATCH" and len(parts) == 6:
                self._update(h, body)
                return
        if h.command == "POST" and parts[4:] == ["sobjects", "ContentVersion"]:
            self._content_version(h, body)
            return
        if h.command == "POST" and len(parts) == 5 and parts[4] == "composite":
            self._composite(h, parts[3], body)
            return
        h.send_json(404, [{"message": f"no route {h.command} {path}", "errorCode": "NOT_FOUND"}])

    def _content_version(self, h: JsonHandler, body: Any) -> None:
        """``POST .../sobjects/ContentVersion`` (a file, issue 20): ``VersionData`` base64 and
        ``PathOnClient`` required; ``FirstPublishLocationId`` must name an existing record, which
        the new document is linked to (a ContentDocumentLink); 201 ``{id, success, errors}``."""
        if not isinstance(body, dict) or not body.get("PathOnClient"):
            self._malformed(h, "Required fields are missing: [PathOnClient]")
            return
        try:
            data = base64.b64decode(str(body.get("VersionData", "")), validate=True)
        except ValueError:
            data = b""
        if not data:
            self._malformed(h, "Required fields are missing: [VersionData]")
            return
        with self._lock:
            parent = str(body.get("FirstPublishLocationId", ""))
            if parent and not any(parent in t for t in self.records.values()):
                h.send_json(
                    400,
                    [{"message": "invalid cross reference id",
                      "errorCode": "INVALID_CROSS_REFERENCE_KEY"}],
                    self._limit_header(),
                )  # fmt: skip
                return
            rid = f"068{next(self._ids):015d}"
            self.records.setdefault("ContentVersion", {})[rid] = {
                **{k: v for k, v in body.items() if k != "VersionData"},
                "Id": rid, "Bytes": data,
            }  # fmt: skip
        h.send_json(201, {"id": rid, "success": True, "errors": []}, self._limit_header())

    def _malformed(self, h: JsonHandler, message: str) -> None:
        h.send_json(400, [{"message": message, "errorCode": "INVALID_FIELD"}], self._limit_header())

    def _upsert(self, h: JsonHandler, sobject: str, ext: str, body: dict[str, Any]) -> None:
        records = body.get("records")
        if not isinstance(records, list) or not records or len(records) > 200:
            self._malformed(h, "records must hold between 1 and 200 items")
            return
        for rec in records:
            if rec.get("attributes", {}).get("type") != sobject or not rec.get(ext):
                self._malformed(h, f"each record needs attributes.type={sobject} and {ext}")
                return
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(
                503, [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
            )
            return
        bad = self.faults.pick_partial(len(records)) if fault == Fault.PARTIAL else set()
        results = []
        with self._lock:
            table = self.records.setdefault(sobject, {})
            for n, rec in enumerate(records):
                fields = {k: v for k, v in rec.items() if k != "attributes"}
                missing = [
                    f for f in ("LastName", "Company") if sobject == "Lead" and not fields.get(f)
                ]
                if n in bad:
                    msg = (
                        "unable to obtain exclusive access to this record"
                        if self.partial_code == "UNABLE_TO_LOCK_ROW"
                        else "Lead rejected by rule"
                    )
                    results.append(
                        {
                            "success": False,
                            "created": False,
                            "errors": [
                                {"statusCode": self.partial_code, "message": msg, "fields": []}
                            ],
                        }
                    )
                    continue
                owner = fields.get("OwnerId")
                if sobject == "Task" and owner and owner not in self.records.get("User", {}):
                    results.append(
                        {
                            "success": False,
                            "created": False,
                            "errors": [
                                {
                                    "statusCode": "INVALID_CROSS_REFERENCE_KEY",
                                    "message": "invalid cross reference id",
                                    "fields": ["OwnerId"],
                                }
                            ],
                        }
                    )
                    continue
                if missing:
                    results.append(
                        {
                            "success": False,
                            "created": False,
                            "errors": [
                                {
                                    "statusCode": "REQUIRED_FIELD_MISSING",
                                    "message": "Required fields are missing: ["
                                    + ", ".join(missing)
                                    + "]",
                                    "fields": missing,
                                }
                            ],
                        }
                    )
                    continue
                key = (sobject, ext, str(fields[ext]))
                rid = self._index.get(key)
                created = rid is None
                if created:
                    rid = f"{PREFIX.get(sobject, '001')}{next(self._ids):015d}"
                    self._index[key] = rid
                    self.creations[f"{sobject}:{fields[ext]}"] += 1
                table[rid] = {**table.get(rid, {}), **fields, "Id": rid}
                if sobject == "Lead":
                    self._stamp_lead(table[rid], created)
                results.append({"id": rid, "success": True, "created": created, "errors": []})
        if fault == Fault.LOST:
            h.drop()
            return
        if fault == Fault.TIMEOUT:
            time.sleep(self.faults.timeout_sleep_s)
        h.send_json(200, results, self._limit_header())

    def _stamp_lead(self, rec: dict[str, Any], created: bool) -> None:
        # What Salesforce fills in itself: the API user owns new leads, default status.
        if created:
            name, email = self.integration_user
            rec.setdefault("Owner", {"type": "User", "Name": name, "Email": email})
            rec.setdefault("Status", "Open - Not Contacted")
            rec.setdefault("IsConverted", False)
        rec["LastModifiedDate"] = _sf_time(datetime.now(UTC))

    def add_user(self, user_id: str, name: str, active: bool = True) -> None:
        self.records.setdefault("User", {})[user_id] = {
            "Id": user_id, "Name": name, "IsActive": active,
        }  # fmt: skip

    def sales_edit(self, external_id: str, at: datetime, **changes: Any) -> None:
        """A rep edits the lead in Salesforce at ``at`` (``Status=``, ``Owner=(name, email)``)."""
        with self._lock:
            rid = self._index[("Lead", "BoothApp_Lead_Id__c", external_id)]
            rec = self.records["Lead"][rid]
            for name, value in changes.items():
                if name == "Owner":
                    value = {"type": "User", "Name": value[0], "Email": value[1]}
                rec[name] = value
                if self.field_history and name in ("Status", "Owner"):
                    self.history.append({"LeadId": rid, "Field": name, "CreatedDate": _sf_time(at)})
            rec["LastModifiedDate"] = _sf_time(at)

    def _query(self, h: JsonHandler, parts: list[str], q: dict[str, list[str]]) -> None:
        version = parts[3]
        if len(parts) == 6:  # .../query/<locator>
            body = self._pages.more(parts[5], version)
            if body is None:
                h.send_json(
                    400,
                    [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}],
                    self._limit_header(),
                )
            else:
                h.send_json(200, body, self._limit_header())
            return
        soql = (q.get("q") or [""])[0]
        self.queries.append(soql)
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(
                503, [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
            )
            return
        with self._lock:
            tables = self._tables()
            try:
                _, rows = run_query(soql, tables)
            except SoqlError as exc:
                h.send_json(
                    400,
                    [{"message": str(exc), "errorCode": "MALFORMED_QUERY"}],
                    self._limit_header(),
                )
                return
            body = self._pages.page(rows, version)
        if fault == Fault.LOST:
            h.drop()
            return
        h.send_json(200, body, self._limit_header())

    def _composite(self, h: JsonHandler, version: str, body: Any) -> None:
        subs = (body or {}).get("compositeRequest") if isinstance(body, dict) else None
        if not isinstance(subs, list) or not subs or len(subs) > 25:
            self._malformed(h, "compositeRequest must hold between 1 and 25 subrequests")
            return
        out = []
        for sub in subs:
            url = urllib.parse.urlsplit(str(sub.get("url", "")))
            soql = (urllib.parse.parse_qs(url.query).get("q") or [""])[0]
            self.queries.append(soql)
            with self._lock:
                try:
                    _, rows = run_query(soql, self._tables())
                    res = {"body": self._pages.page(rows, version), "httpStatusCode": 200}
                except SoqlError as exc:
                    res = {"body": [{"message": str(exc), "errorCode": "MALFORMED_QUERY"}],
                           "httpStatusCode": 400}  # fmt: skip
            out.append({**res, "referenceId": sub.get("referenceId"), "httpHeaders": {}})
        h.send_json(200, {"compositeResponse": out}, self._limit_header())

    def _tables(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: list(self.records.get(name, {}).values())
            # Opportunity and CampaignInfluence: deals put there by fakes/salesforce_deals.py
            for name in (
                "Lead",
                "Campaign",
                "User",
                "Contact",
                "Task",
                "CampaignMember",
                "Opportunity",
                "CampaignInfluence",
                "ContentVersion",
            )
        } | {"LeadHistory": list(self.history)}

    def _update(self, h: JsonHandler, body: dict[str, Any]) -> None:
        """sObject Collections update: each record names its ``id``; results in order."""
        results = []
        with self._lock:
            for rec in body.get("records") or []:
                sobject = rec.get("attributes", {}).get("type", "")
                table = self.records.setdefault(sobject, {})
                rid = str(rec.get("id", ""))
                if rid not in table:
                    results.append({"id": rid, "success": False, "errors": [
                        {"statusCode": "ENTITY_IS_DELETED", "message": "not found", "fields": []}
                    ]})  # fmt: skip
                    continue
                fields = {k: v for k, v in rec.items() if k not in ("attributes", "id")}
                table[rid].update(fields)
                ext = "BoothApp_Lead_Id__c"
                if sobject == "Lead" and fields.get(ext):
                    self._index[("Lead", ext, str(fields[ext]))] = rid
                if sobject == "Lead":
                    self._stamp_lead(table[rid], False)
                results.append({"id": rid, "success": True, "errors": []})
        h.send_json(200, results, self._limit_header())

    def _delete(self, h: JsonHandler, q: dict[str, list[str]]) -> None:
        """sObject Collections delete (``?ids=..&allOrNone=false``, up to 200 ids): one result
        per id in order; an id not there is ``ENTITY_IS_DELETED`` (published behaviour)."""
        ids = [i for i in (q.get("ids") or [""])[0].split(",") if i]
        if not ids or len(ids) > 200:
            self._malformed(h, "ids: 1 to 200 record ids")
            return
        results = []
        with self._lock:
            for rid in ids:
                table = next((t for t in self.records.values() if rid in t), None)
                if table is None:
                    results.append({"id": rid, "success": False, "errors": [
                        {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted",
                         "fields": []}
                    ]})  # fmt: skip
                    continue
                del table[rid]
                for key in [k for k, v in self._index.items() if v == rid]:
                    del self._index[key]
                self.deleted.append(rid)
                results.append({"id": rid, "success": True, "errors": []})
        h.send_json(200, results, self._limit_header())

    def add_record(self, sobject: str, **fields: Any) -> str:
        """A record that was in the org before the sync (an existing Lead or Contact)."""
        with self._lock:
            rid = f"{PREFIX.get(sobject, '003')}{next(self._ids):015d}"
            self.records.setdefault(sobject, {})[rid] = {**fields, "Id": rid}
            if sobject == "Lead":
                self._stamp_lead(self.records[sobject][rid], True)
            return rid

    def _create(self, h: JsonHandler, body: dict[str, Any]) -> None:
        results = []
        with self._lock:
            for rec in body.get("records") or []:
                sobject = rec.get("attributes", {}).get("type", "")
                table = self.records.setdefault(sobject, {})
                if sobject == "CampaignMember" and any(
                    r.get("LeadId") == rec.get("LeadId")
                    and r.get("ContactId") == rec.get("ContactId")
                    and r.get("CampaignId") == rec.get("CampaignId")
                    for r in table.values()
                ):
                    results.append(
                        {
                            "success": False,
                            "errors": [
                                {
                                    "statusCode": "DUPLICATE_VALUE",
                                    "message": "Already a campaign member.",
                                    "fields": [],
                                }
                            ],
                        }
                    )
                    continue
                rid = f"{PREFIX.get(sobject, '001')}{next(self._ids):015d}"
                table[rid] = {k: v for k, v in rec.items() if k != "attributes"} | {"Id": rid}
                results.append({"id": rid, "success": True, "errors": []})
        h.send_json(200, results, self._limit_header())

    # OAuth 2.0 web-server flow with PKCE -------------------------------------------------
    def _authorize(self, h: JsonHandler, q: dict[str, list[str]]) -> None:
        get = lambda k: (q.get(k) or [""])[0]  # noqa: E731
        if (
            get("response_type") != "code"
            or get("client_id") != self.client_id
            or get("code_challenge_method") != "S256"
            or not get("code_challenge")
        ):
            h.send_json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "PKCE S256 code challenge required",
                },
            )
            return
        code = secrets.token_urlsafe(16)
        self._codes[code] = (get("code_challenge"), get("redirect_uri"), get("client_id"))
        target = (
            get("redirect_uri")
            + "?"
            + urllib.parse.urlencode({"code": code, "state": get("state")})
        )
        h.send_response(302)
        h.send_header("Location", target)
        h.send_header("Content-Length", "0")
        h.end_headers()

    def _token(self, h: JsonHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(h.rfile.read(length).decode()).items()}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = self._codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                entry is None
                or entry[0] != challenge
                or entry[1] != form.get("redirect_uri")
                or entry[2] != form.get("client_id")
            ):
                h.send_json(
                    400, {"error": "invalid_grant", "error_description": "authentication failure"}
                )
                return
            refresh = secrets.token_urlsafe(24)
        elif grant == "refresh_token" and form.get("refresh_token") in self._refresh:
            refresh = form["refresh_token"]
        else:
            h.send_json(
                400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}
            )
            return
        access = "00Dfake!" + secrets.token_urlsafe(24)
        self.tokens.add(access)
        self._refresh[refresh] = access
        host, port = h.server.server_address[:2]
        body = {
            "access_token": access,
            "instance_url": f"http://{host}:{port}",
            "id": f"http://{host}:{port}/id/00Dfake/005fake",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
            "signature": "fake",
        }
        if grant == "authorization_code":
            body["refresh_token"] = refresh
        h.send_json(200, body)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def leads_by_external_id(self, ext: str = "BoothApp_Lead_Id__c") -> Counter[str]:
        return Counter(str(r.get(ext, "")) for r in self.records.get("Lead", {}).values())


def _sf_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
