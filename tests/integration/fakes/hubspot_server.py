"""A fake HubSpot CRM v3 contacts API following the published behaviour in CRM.md §2.1.

* ``POST /crm/v3/objects/contacts/batch/upsert``: at most 100 inputs (400 beyond); ``idProperty``
  must be ``email`` or a property with unique values, else 400 "Unable to perform update/upsert
  by non-unique 0-1 property"; 200 when every input succeeds, 207 Multi-Status with
  ``results[]`` (``id``, ``properties``, ``new``) + ``errors[]`` (``status, category, message,
  context``) + ``numErrors`` when some fail.
* Burst limit per account: more than ``limit`` requests in a ``window_s`` window gets 429 with
  body ``{"status":"error","errorType":"RATE_LIMIT","policyName":"SECONDLY",...}``; every reply
  carries ``X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds`` and ``-Secondly*``.
  No Retry-After (not a documented contract).
* ``POST /crm/v3/objects/notes`` / ``tasks`` with associations (202 note->contact, 204
  task->contact). Private-app Bearer token; anything else is 401.

* ``POST /crm/v3/objects/contacts/batch/read`` (``idProperty`` unique, at most 100 inputs):
  ``results[]`` with ``properties`` and ``propertiesWithHistory`` (newest first, each
  ``{value, timestamp, sourceType}``), ``updatedAt``; unknown ids give 207 with an
  ``OBJECT_NOT_FOUND`` error naming them in ``context.ids``. ``GET /crm/v3/owners`` pages the
  portal's owners (``paging.next.after``). ``sales_edit`` plays a rep changing a contact in
  HubSpot at a given time.

* E-mail is unique per portal: a new contact (upserted on another unique property) whose e-mail
  another contact has fails with a CONFLICT error, as HubSpot answers "Contact already exists".
* Every reply carries the published headers, the daily ones counting down from ``daily``.
* ``GET/POST /crm/v3/properties/<object>[/batch/create]`` (``schema_scope=False`` plays a token
  without the schema scope: 403); ``/crm/v3/lists/`` static lists (create, by name, add
  members); ``POST /crm/v3/objects/notes|tasks/batch/upsert`` on the unique
  ``boothapp_item_key``, ``batch/read`` by it (missing ones: 207 OBJECT_NOT_FOUND) and
  ``batch/archive`` (204); ``POST /crm/v4/associations/<from>/contacts/batch/associate/default``.

Fault injection (``FaultPlan``): 5xx, timeouts, lost replies (applied, then connection closed),
partial per-record validation errors.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.integration.fakes.common import (
    Fault,
    FaultPlan,
    JsonHandler,
    SlidingWindow,
    read_multipart,
)

UPSERT = "/crm/v3/objects/contacts/batch/upsert"
READ = "/crm/v3/objects/contacts/batch/read"
OWNERS = "/crm/v3/owners/"
FILES = "/files/v3/files"


@dataclass
class HubSpotFake:
    token: str = "pat-na1-test-token"
    limit: int = 100
    window_s: float = 10.0
    unique_properties: frozenset[str] = frozenset({"email", "boothapp_lead_uuid"})
    faults: FaultPlan = field(default_factory=FaultPlan)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # hubspot id -> properties
    creations: Counter[str] = field(default_factory=Counter)  # id-property value -> creations
    notes: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    owners: list[dict[str, Any]] = field(default_factory=list)  # {id, email, firstName, lastName}
    owners_page: int = 100
    history: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)  # contact id -> updatedAt
    daily: int = 250_000
    schema_scope: bool = True
    properties: dict[str, set[str]] = field(default_factory=dict)  # object -> property names
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)  # list id -> {name, members}
    engagements: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # notes/tasks
    associations: set[tuple[str, str, str]] = field(default_factory=set)  # (object, id, contact)
    archived: list[str] = field(default_factory=list)  # note/task ids archived through the API
    latency_s: float = 0.0
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # file id -> {path, bytes...}

    def __post_init__(self) -> None:
        self.window = SlidingWindow(self.limit, self.window_s)
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        self._index: dict[tuple[str, str], str] = {}
        self._daily_used = 0

    def _headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Max": str(self.limit),
            "X-HubSpot-RateLimit-Remaining": str(remaining),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(self.window_s * 1000)),
            "X-HubSpot-RateLimit-Secondly": str(max(1, int(self.limit / self.window_s))),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(max(0, int(remaining / self.window_s))),
            "X-HubSpot-RateLimit-Daily": str(self.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, self.daily - self._daily_used)),
        }

    def handle(self, h: JsonHandler) -> None:
        path = h.path.split("?")[0]
        form = read_multipart(h) if path == FILES else None
        body = h.read_json() if form is None else {}
        self.requests[path] += 1
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            h.send_json(
                401,
                {
                    "status": "error",
                    "message": "Authentication credentials not found.",
                    "category": "INVALID_AUTHENTICATION",
                },
            )
            return
        if self.latency_s:
            time.sleep(self.latency_s)
        ok, remaining = self.window.take()
        if ok:
            with self._lock:
                self._daily_used += 1
        if not ok:
            self.requests["429"] += 1
            h.send_json(
                429,
                {
                    "status": "error",
                    "message": "You have reached your secondly limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": "fake",
                    "policyName": "SECONDLY",
                },
                self._headers(0),
            )
            return
        if body is ValueError:
            h.send_json(
                400,
                {
                    "status": "error",
                    "message": "Invalid input JSON",
                    "category": "VALIDATION_ERROR",
                },
                self._headers(remaining),
            )
            return
        if form is not None:
            self._file(h, form, remaining)
        elif path == UPSERT:
            self._upsert(h, body or {}, remaining)
        elif path.startswith("/crm/v3/properties/"):
            self._properties(h, path, body, remaining)
        elif path.startswith("/crm/v3/lists"):
            self._lists(h, h.command, path, body, remaining)
        elif path in ("/crm/v3/objects/notes/batch/upsert", "/crm/v3/objects/tasks/batch/upsert"):
            self._engagement_upsert(h, path.split("/")[4], body or {}, remaining)
        elif path in ("/crm/v3/objects/notes/batch/read", "/crm/v3/objects/tasks/batch/read"):
            self._engagement_read(h, path.split("/")[4], body or {}, remaining)
        elif path in (
            "/crm/v3/objects/notes/batch/archive",
            "/crm/v3/objects/tasks/batch/archive",
        ):
            table = self.engagements.setdefault(path.split("/")[4], {})
            with self._lock:
                for item in (body or {}).get("inputs", []):
                    if table.pop(str(item.get("id")), None) is not None:
                        self.archived.append(str(item.get("id")))
            # 204 No Content (published), also for ids that are gone already.
            h.send_response(204)
            for k, v in self._headers(remaining).items():
                h.send_header(k, v)
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif path.startswith("/crm/v4/associations/"):
            obj = path.split("/")[4]
            with self._lock:
                for link in (body or {}).get("inputs", []):
                    self.associations.add((obj, str(link["from"]["id"]), str(link["to"]["id"])))
            h.send_json(200, {"status": "COMPLETE", "results": []}, self._headers(remaining))
        elif path == READ:
            self._read(h, body or {}, remaining)
        elif path.rstrip("/") == OWNERS.rstrip("/"):
            self._owners(h, h.path, remaining)
        elif path in ("/crm/v3/objects/notes/batch/create", "/crm/v3/objects/tasks/batch/create"):
            target = self.notes if "/notes/" in path else self.tasks
            inputs = (body or {}).get("inputs", [])
            owner_ids = {str(o.get("id")) for o in self.owners}
            bad = [
                i["properties"]["hubspot_owner_id"]
                for i in inputs
                if "hubspot_owner_id" in i.get("properties", {})
                and str(i["properties"]["hubspot_owner_id"]) not in owner_ids
            ]
            if bad:  # an owner id HubSpot does not know fails the batch create
                h.send_json(
                    400,
                    {"status": "error", "category": "VALIDATION_ERROR",
                     "message": f"Property values were not valid: hubspot_owner_id {bad[0]!r}"},
                    self._headers(remaining),
                )  # fmt: skip
                return
            with self._lock:
                target.extend(inputs)
            h.send_json(201, {"status": "COMPLETE", "results": []}, self._headers(remaining))
        elif path in ("/crm/v3/objects/notes", "/crm/v3/objects/tasks"):
            target = self.notes if path.endswith("notes") else self.tasks
            with self._lock:
                target.append(body)
            h.send_json(
                201,
                {"id": str(next(self._ids)), "properties": body.get("properties", {})},
                self._headers(remaining),
            )
        elif path == "/crm/v3/objects/contacts" and body is None:
            # GET list (first page): what a connection test reads.
            with self._lock:
                page = [{"id": k, "properties": v} for k, v in list(self.contacts.items())[:1]]
            h.send_json(200, {"results": page}, self._headers(remaining))
        else:
            h.send_json(404, {"status": "error", "message": f"no route {path}"})

    def _file(self, h: JsonHandler, form: dict[str, tuple[str, bytes]], remaining: int) -> None:
        """``POST /files/v3/files`` (issue 20), as HubSpot's Files API documents it: multipart
        ``file``, ``folderPath`` (or ``folderId``), ``fileName`` and ``options`` (JSON, ``access``
        required); a name already in the folder is replaced in place with ``overwrite``, else
        the new file gets a suffixed name. 201 with the File object."""
        try:
            options = json.loads(form.get("options", ("", b"{}"))[1] or b"{}")
        except ValueError:
            options = {}
        folder = (
            form.get("folderPath", ("", b""))[1].decode()
            or form.get("folderId", ("", b""))[1].decode()
        )
        if "file" not in form or not folder or "access" not in options:
            h.send_json(400, {"status": "error", "category": "VALIDATION_ERROR",
                              "message": "file, folderPath or folderId, and options.access are "
                              "required"}, self._headers(remaining))  # fmt: skip
            return
        name = form.get("fileName", ("", b""))[1].decode() or form["file"][0]
        path = f"{folder.rstrip('/')}/{name}"
        with self._lock:
            same = [fid for fid, f in self.files.items() if f["path"] == path]
            if same and options.get("overwrite"):
                fid = same[0]
            else:
                fid = str(next(self._ids))
                if same:
                    path = f"{path}-{fid}"
            self.files[fid] = {"path": path, "name": name, "bytes": form["file"][1],
                               "access": options["access"]}  # fmt: skip
        h.send_json(201, {"id": fid, "name": name, "path": path, "size": len(form["file"][1]),
                          "access": options["access"]}, self._headers(remaining))  # fmt: skip

    def _upsert(self, h: JsonHandler, body: dict[str, Any], remaining: int) -> None:
        headers = self._headers(remaining)
        inputs = body.get("inputs")
        if not isinstance(inputs, list) or not inputs or len(inputs) > 100:
            h.send_json(
                400,
                {
                    "status": "error",
                    "category": "VALIDATION_ERROR",
                    "message": "inputs must hold between 1 and 100 items",
                },
                headers,
            )
            return
        for item in inputs:
            prop = item.get("idProperty", "")
            if prop not in self.unique_properties:
                h.send_json(
                    400,
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": f"Unable to perform update/upsert by non-unique "
                        f"0-1 property {prop}",
                    },
                    headers,
                )
                return
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(503, {"status": "error", "message": "Service unavailable"}, headers)
            return
        bad = self.faults.pick_partial(len(inputs)) if fault == Fault.PARTIAL else set()
        results, errors = [], []
        with self._lock:
            for n, item in enumerate(inputs):
                key = str(item.get("id", ""))
                props = dict(item.get("properties") or {})
                email = props.get("email", "")
                if n in bad or (email and "@" not in email):
                    errors.append(
                        {
                            "status": "error",
                            "category": "VALIDATION_ERROR",
                            "message": f"Property values were not valid: email {email!r}",
                            "context": {"ids": [key]},
                            "errors": [],
                        }
                    )
                    continue
                prop = item["idProperty"]
                found = self._index.get((prop, key.lower()))
                new = found is None
                taken = self._index.get(("email", email.lower())) if email else None
                if new and taken is not None:
                    errors.append(
                        {
                            "status": "error",
                            "category": "CONFLICT",
                            "message": f"Contact already exists. Existing ID: {taken}",
                            "context": {"ids": [key]},
                            "errors": [],
                        }
                    )
                    continue
                cid = str(next(self._ids)) if new else found
                merged = {**self.contacts.get(cid, {}), **props, prop: key}
                self.contacts[cid] = merged
                self._record(cid, props, _hs_time(datetime.now(UTC)), "INTEGRATION")
                for p in self.unique_properties:
                    if merged.get(p):
                        self._index[(p, str(merged[p]).lower())] = cid
                if new:
                    self.creations[key] += 1
                results.append(
                    {
                        "id": cid,
                        "properties": merged,
                        "new": new,
                        "createdAt": "2026-01-01T00:00:00Z",
                    }
                )
        status = 207 if errors else 200
        reply = {"status": "COMPLETE", "results": results}
        if errors:
            reply.update(errors=errors, numErrors=len(errors))
        if fault == Fault.LOST:
            h.drop()
            return
        if fault == Fault.TIMEOUT:
            time.sleep(self.faults.timeout_sleep_s)
        h.send_json(status, reply, headers)

    def _record(self, cid: str, props: dict[str, Any], stamp: str, source: str) -> None:
        hist = self.history.setdefault(cid, {})
        for name, value in props.items():
            hist.setdefault(name, []).insert(
                0, {"value": str(value), "timestamp": stamp, "sourceType": source}
            )
        self.updated[cid] = max(self.updated.get(cid, ""), stamp)

    def sales_edit(self, lead_uuid: str, at: datetime, **props: str) -> None:
        """A rep edits the contact in HubSpot at ``at`` (e.g. ``hs_lead_status="CONNECTED"``)."""
        with self._lock:
            cid = self._index[("boothapp_lead_uuid", lead_uuid.lower())]
            self.contacts[cid].update(props)
            self._record(cid, props, _hs_time(at), "CRM_UI")

    def _read(self, h: JsonHandler, body: dict[str, Any], remaining: int) -> None:
        headers = self._headers(remaining)
        inputs = body.get("inputs")
        prop = body.get("idProperty") or "hs_object_id"
        if not isinstance(inputs, list) or not inputs or len(inputs) > 100:
            h.send_json(
                400,
                {"status": "error", "category": "VALIDATION_ERROR",
                 "message": "inputs must hold between 1 and 100 items"},
                headers,
            )  # fmt: skip
            return
        if prop != "hs_object_id" and prop not in self.unique_properties:
            h.send_json(
                400,
                {"status": "error", "category": "VALIDATION_ERROR",
                 "message": f"Unable to perform read by non-unique property {prop}"},
                headers,
            )  # fmt: skip
            return
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(503, {"status": "error", "message": "Service unavailable"}, headers)
            return
        wanted = list(body.get("properties") or [])
        with_history = list(body.get("propertiesWithHistory") or [])
        results, unknown = [], []
        with self._lock:
            for item in inputs:
                key = str(item.get("id", ""))
                cid = key if prop == "hs_object_id" else self._index.get((prop, key.lower()))
                if cid is None or cid not in self.contacts:
                    unknown.append(key)
                    continue
                props = self.contacts[cid]
                hist = self.history.get(cid, {})
                results.append(
                    {
                        "id": cid,
                        "properties": {p: props.get(p) for p in wanted},
                        "propertiesWithHistory": {p: list(hist.get(p, [])) for p in with_history},
                        "createdAt": "2026-01-01T00:00:00Z",
                        "updatedAt": self.updated.get(cid, "2026-01-01T00:00:00Z"),
                        "archived": False,
                    }
                )
        reply: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if unknown:
            reply["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": "Could not get some CONTACT objects, they may be deleted or "
                    "not exist. Check that ids are valid.",
                    "context": {"ids": unknown},
                }
            ]
            reply["numErrors"] = 1
        if fault == Fault.LOST:
            h.drop()
            return
        h.send_json(207 if unknown else 200, reply, headers)

    def _owners(self, h: JsonHandler, raw_path: str, remaining: int) -> None:
        query = dict(p.split("=", 1) for p in raw_path.partition("?")[2].split("&") if "=" in p)
        start = int(query.get("after") or 0)
        size = min(int(query.get("limit") or 100), self.owners_page)
        page = self.owners[start : start + size]
        body: dict[str, Any] = {"results": page}
        if start + size < len(self.owners):
            body["paging"] = {"next": {"after": str(start + size)}}
        h.send_json(200, body, self._headers(remaining))

    def _properties(self, h: JsonHandler, path: str, body: Any, remaining: int) -> None:
        obj = path.split("/")[4]
        if not self.schema_scope:
            h.send_json(
                403,
                {"status": "error", "category": "MISSING_SCOPES",
                 "message": "This app hasn't been granted all required scopes to make this call."},
                self._headers(remaining),
            )  # fmt: skip
            return
        have = self.properties.setdefault(obj, {"email", "firstname", "lastname"})
        if path.endswith("/batch/create"):
            with self._lock:
                for i in (body or {}).get("inputs", []):
                    have.add(str(i["name"]))
                    if i.get("hasUniqueValue") and obj == "contacts":
                        self.unique_properties = self.unique_properties | {str(i["name"])}
            h.send_json(201, {"status": "COMPLETE", "results": []}, self._headers(remaining))
            return
        h.send_json(200, {"results": [{"name": n} for n in sorted(have)]}, self._headers(remaining))

    def _lists(self, h: JsonHandler, method: str, path: str, body: Any, remaining: int) -> None:
        parts = path.rstrip("/").split("/")
        headers = self._headers(remaining)
        with self._lock:
            if method == "GET" and "name" in parts:
                name = urllib.parse.unquote(parts[-1])
                found = [(k, v) for k, v in self.lists.items() if v["name"] == name]
                if not found:
                    h.send_json(404, {"status": "error", "message": "list not found"}, headers)
                    return
                h.send_json(200, {"list": {"listId": found[0][0], "name": name}}, headers)
            elif method == "POST" and parts[-1] == "lists":
                list_id = str(next(self._ids))
                self.lists[list_id] = {"name": body["name"], "members": set()}
                h.send_json(200, {"list": {"listId": list_id, "name": body["name"]}}, headers)
            elif method == "PUT" and parts[-1] == "add":
                self.lists[parts[-3]]["members"].update(str(x) for x in body or [])
                h.send_json(200, {"recordsIdsAdded": body}, headers)
            else:
                h.send_json(404, {"status": "error", "message": f"no route {path}"}, headers)

    def _engagement_upsert(self, h: JsonHandler, obj: str, body: Any, remaining: int) -> None:
        headers = self._headers(remaining)
        fault = self.faults.next()
        if fault == Fault.SERVER_ERROR:
            h.send_json(503, {"status": "error", "message": "Service unavailable"}, headers)
            return
        table = self.engagements.setdefault(obj, {})
        results = []
        with self._lock:
            for item in body.get("inputs", []):
                key = str(item["id"])
                found = next(
                    (k for k, v in table.items() if v.get(item["idProperty"]) == key), None
                )
                eid = found or str(next(self._ids))
                table[eid] = {**table.get(eid, {}), **item["properties"]}
                results.append({"id": eid, "properties": table[eid], "new": found is None})
        if fault == Fault.LOST:
            h.drop()
            return
        h.send_json(200, {"status": "COMPLETE", "results": results}, headers)

    def _engagement_read(self, h: JsonHandler, obj: str, body: Any, remaining: int) -> None:
        """Batch read by a unique property (``idProperty``): found ones in ``results``, the rest
        as one OBJECT_NOT_FOUND error (207), as HubSpot answers."""
        table = self.engagements.setdefault(obj, {})
        prop = str(body.get("idProperty") or "hs_object_id")
        results, missing = [], []
        with self._lock:
            for item in body.get("inputs", []):
                key = str(item.get("id"))
                found = next(
                    (k for k, v in table.items() if (v.get(prop) if prop != "hs_object_id"
                                                     else k) == key), None
                )  # fmt: skip
                if found is None:
                    missing.append(key)
                else:
                    results.append({"id": found, "properties": dict(table[found])})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if missing:
            answer["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                                 "message": f"Could not get some {obj} objects",
                                 "context": {"ids": missing}}]  # fmt: skip
            answer["numErrors"] = 1
        h.send_json(207 if missing else 200, answer, self._headers(remaining))

    def contacts_by(self, prop: str = "boothapp_lead_uuid") -> Counter[str]:
        return Counter(str(p.get(prop, "")) for p in self.contacts.values())


def _hs_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
