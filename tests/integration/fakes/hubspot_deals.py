"""The fake HubSpot with deals (issue 22), following the published behaviour:

* ``POST /crm/v4/associations/contacts/deals/batch/read``: ``inputs: [{id, after?}]``;
  ``results[]`` of ``{from: {id}, to: [{toObjectId, associationTypes: [{category:
  "HUBSPOT_DEFINED", typeId: 3, label: null}]}], paging?}`` with at most ``assoc_page``
  associations per contact and page (``paging.next.after``); contacts without deals are
  left out (207 with an ``errors[]`` entry naming them).
* ``POST /crm/v3/objects/deals/batch/read``: at most 100 ``inputs``; ``results[]`` of ``{id,
  properties}`` with the requested properties as text (``hs_is_closed_won`` "true"/"false").
* ``GET /account-info/v3/details``: ``companyCurrency``.
Auth and the burst window are the contacts fake's (``hubspot_server``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.integration.fakes.common import JsonHandler
from tests.integration.fakes.hubspot_server import HubSpotFake

ASSOC = "/crm/v4/associations/contacts/deals/batch/read"
DEALS = "/crm/v3/objects/deals/batch/read"
ACCOUNT = "/account-info/v3/details"


@dataclass
class HubSpotDealsFake(HubSpotFake):
    deals: dict[str, dict[str, str]] = field(default_factory=dict)  # deal id -> properties
    associations: dict[str, list[str]] = field(default_factory=dict)  # contact id -> deal ids
    assoc_page: int = 500
    company_currency: str = "EUR"

    def __post_init__(self) -> None:
        super().__post_init__()
        self._deal_ids = itertools.count(9001)

    def add_deal(self, lead_uuid: str, **props: Any) -> str:
        """A rep creates a deal and associates it with the booth lead's contact."""
        with self._lock:
            cid = self._index[("boothapp_lead_uuid", lead_uuid.lower())]
            did = str(next(self._deal_ids))
            self.deals[did] = {k: ("" if v is None else str(v)) for k, v in props.items()}
            self.associations.setdefault(cid, []).append(did)
        return did

    def handle(self, h: JsonHandler) -> None:
        path = h.path.split("?")[0]
        if path not in (ASSOC, DEALS, ACCOUNT):
            super().handle(h)
            return
        self.requests[path] += 1
        body = h.read_json()  # always read: an unread body would poison the kept-alive socket
        body = body if isinstance(body, dict) else {}
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            h.send_json(401, {"status": "error", "category": "INVALID_AUTHENTICATION",
                              "message": "Authentication credentials not found."})  # fmt: skip
            return
        ok, remaining = self.window.take()
        if not ok:
            self.requests["429"] += 1
            h.send_json(
                429,
                {"status": "error", "errorType": "RATE_LIMIT", "policyName": "SECONDLY",
                 "message": "You have reached your secondly limit."},
                self._headers(0),
            )  # fmt: skip
            return
        if path == ACCOUNT:
            h.send_json(200, {"portalId": 1, "companyCurrency": self.company_currency})
        elif path == ASSOC:
            self._assoc(h, body, remaining)
        else:
            self._deals(h, body, remaining)

    def _assoc(self, h: JsonHandler, body: dict[str, Any], remaining: int) -> None:
        results, missing = [], []
        with self._lock:
            for item in body.get("inputs") or []:
                cid = str(item.get("id"))
                ids = self.associations.get(cid, [])
                if not ids:
                    missing.append(cid)
                    continue
                start = int(item.get("after") or 0)
                page = ids[start : start + self.assoc_page]
                res: dict[str, Any] = {
                    "from": {"id": cid},
                    "to": [
                        {"toObjectId": int(d), "associationTypes": [
                            {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}]}
                        for d in page
                    ],
                }  # fmt: skip
                if start + self.assoc_page < len(ids):
                    res["paging"] = {"next": {"after": str(start + self.assoc_page)}}
                results.append(res)
        reply: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if missing:
            reply["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": "No deals associated",
                    "context": {"ids": missing},
                }
            ]
            reply["numErrors"] = 1
        h.send_json(207 if missing else 200, reply, self._headers(remaining))

    def _deals(self, h: JsonHandler, body: dict[str, Any], remaining: int) -> None:
        inputs = body.get("inputs") or []
        if not inputs or len(inputs) > 100:
            h.send_json(400, {"status": "error", "category": "VALIDATION_ERROR",
                              "message": "inputs must hold between 1 and 100 items"})  # fmt: skip
            return
        wanted = list(body.get("properties") or [])
        with self._lock:
            results = [
                {"id": str(i["id"]),
                 "properties": {p: self.deals[str(i["id"])].get(p) for p in wanted}}
                for i in inputs
                if str(i.get("id")) in self.deals
            ]  # fmt: skip
        h.send_json(200, {"status": "COMPLETE", "results": results}, self._headers(remaining))
