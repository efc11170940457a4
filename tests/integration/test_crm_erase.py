"""Each CRM adapter's ``erase()`` (issue 18) against a local fake that follows the vendor's
published behaviour for deleting a person:

* HubSpot: ``POST /crm/v3/objects/contacts/gdpr-delete`` with ``{"objectId": id}`` answers 204
  No Content; a contact it does not have answers 404 (docs: CRM API, Contacts, "GDPR delete").
* Salesforce: ``DELETE /services/data/vXX.X/sobjects/Lead/{id}`` answers 204; a record already
  deleted answers 404 ``[{"errorCode": "ENTITY_IS_DELETED"}]`` (REST API Developer Guide,
  "Delete a Record").
* The webhook receiver (our own contract, docs/): a signed ``lead.erased`` event, 2xx = done.

An unknown record counts as erased (it is gone); 5xx and 429 are worth a retry; other 4xx are
the CRM's final word. BottleCRM's delete is tested against the real server in
``test_privacy_bottlecrm.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from boothapp.sync.crm.hubspot import HubSpotAdapter, HubSpotConfig
from boothapp.sync.crm.salesforce import SalesforceAdapter, SalesforceConfig
from boothapp.sync.crm.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookAdapter,
    WebhookConfig,
    verify,
)
from tests.integration.fakes.common import FakeServer, JsonHandler

pytestmark = pytest.mark.integration

TOKEN = "pat-na1-test-token"


def _no_content(h: JsonHandler, status: int = 204) -> None:
    h.send_response(status)
    h.send_header("Content-Length", "0")
    h.end_headers()


@dataclass
class DeleteFake:
    """Holds record ids; answers the vendor's delete for them."""

    vendor: str
    records: set[str] = field(default_factory=lambda: {"501", "502"})
    status_override: int = 0
    seen: list[Any] = field(default_factory=list)

    def handle(self, h: JsonHandler) -> None:
        path = h.path.split("?")[0]
        body = h.read_json()
        self.seen.append((h.command, path, body))
        if self.status_override:
            h.send_json(self.status_override, {"message": "try later"})
            return
        if self.vendor == "hubspot":
            if h.headers.get("Authorization") != f"Bearer {TOKEN}":
                h.send_json(401, {"status": "error", "category": "INVALID_AUTHENTICATION"})
            elif h.command == "POST" and path == "/crm/v3/objects/contacts/gdpr-delete":
                oid = str((body or {}).get("objectId", ""))
                if oid in self.records:
                    self.records.discard(oid)
                    _no_content(h)
                else:
                    h.send_json(404, {"status": "error", "category": "OBJECT_NOT_FOUND"})
            else:
                h.send_json(404, {"status": "error", "message": f"no route {path}"})
        elif self.vendor == "salesforce":
            prefix = "/services/data/v60.0/sobjects/Lead/"
            if h.command == "DELETE" and path.startswith(prefix):
                rid = path.removeprefix(prefix)
                if rid in self.records:
                    self.records.discard(rid)
                    _no_content(h)
                else:
                    h.send_json(404, [{"errorCode": "ENTITY_IS_DELETED",
                                       "message": "entity is deleted"}])  # fmt: skip
            else:
                h.send_json(404, [{"errorCode": "NOT_FOUND", "message": path}])
        else:
            raw = json.dumps(body, sort_keys=True).encode()
            ts, sig = h.headers.get(TIMESTAMP_HEADER, ""), h.headers.get(SIGNATURE_HEADER, "")
            if not verify("s3cret", ts, raw, sig) or body.get("type") != "lead.erased":
                h.send_json(401, {"error": "bad signature"})
            else:
                self.records.discard(str(body["lead_id"]))
                h.send_json(200, {"ok": True})


def test_hubspot_gdpr_delete() -> None:
    fake = DeleteFake("hubspot")
    with FakeServer(fake) as server:
        adapter = HubSpotAdapter(HubSpotConfig(TOKEN, server.url))
        first = adapter.erase("501")
        assert first.ok and fake.records == {"502"}
        assert fake.seen[-1] == (
            "POST",
            "/crm/v3/objects/contacts/gdpr-delete",
            {"objectId": "501"},
        )
        again = adapter.erase("501")
        assert again.ok and "no longer" in again.message  # gone already: nothing left to do
        fake.status_override = 503
        later = adapter.erase("502")
        assert not later.ok and later.transient


def test_salesforce_delete_lead() -> None:
    fake = DeleteFake("salesforce")
    with FakeServer(fake) as server:
        adapter = SalesforceAdapter(SalesforceConfig(server.url, "00Dfake!session"))
        assert adapter.erase("501").ok and fake.records == {"502"}
        assert adapter.erase("501").ok  # ENTITY_IS_DELETED: erased before
        fake.status_override = 400
        refused = adapter.erase("502")
        assert not refused.ok and not refused.transient and "400" in refused.message


def test_webhook_lead_erased_event() -> None:
    fake = DeleteFake("webhook", records={"uuid-1"})
    with FakeServer(fake) as server:
        assert WebhookAdapter(WebhookConfig(server.url + "/hook", "s3cret")).erase("uuid-1").ok
        assert fake.records == set()
        wrong = WebhookAdapter(WebhookConfig(server.url + "/hook", "other")).erase("uuid-2")
        assert not wrong.ok
