"""The photographed business card as a file on the CRM record (issue 20): the CARD item.

Each CRM that takes files gets the kept photo once, named ``business-card-<lead uuid>.<ext>``
so a retry after a crash or a lost reply finds the file already there instead of adding a
second one:

- HubSpot: the Files API (``POST /files/v3/files``, multipart ``file`` + ``folderPath`` +
  ``options`` with ``overwrite``, so a repeat replaces the same file), then a note keyed on the
  item (``boothapp_item_key``, upserted like the booth note) with ``hs_attachment_ids`` and a
  default association to the contact, which is how HubSpot shows a file on a record.
- Salesforce: a ``ContentVersion`` with ``FirstPublishLocationId`` = the Lead, which links the
  document to the Lead; looked up first by that Lead and ``PathOnClient``.
- BottleCRM (django-crm 1.35.0): ``POST /api/leads/<id>/`` multipart ``lead_attachment``;
  the lead's ``attachments`` (read with ``GET`` first) are checked for the file name.

A photo gone from disk fails the item with one line (nothing to retry); the rest of the lead
is unaffected.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from boothapp.sync.crm.base import (
    BatchOutcome,
    CrmError,
    CrmUnavailable,
    ItemKind,
    PushResult,
    Related,
    SyncRecord,
)
from boothapp.sync.crm.http import json_or_none, raise_for_common

if TYPE_CHECKING:
    import requests

    from boothapp.sync.crm.bottlecrm import BottleCrmAdapter
    from boothapp.sync.crm.hubspot import HubSpotAdapter
    from boothapp.sync.crm.salesforce import SalesforceAdapter

# The CRMs whose adapters send CARD items; items_for queues a card only for these.
CARD_CRMS = frozenset({"hubspot", "salesforce", "bottlecrm"})
HUBSPOT_FOLDER = "/boothapp/business-cards"
NOTE_TEXT = "Business card photographed at the booth"


def card_record(lead_id: str, photo: Path, event_name: str = "") -> SyncRecord:
    """The CARD outbox item of a lead whose card photo is kept at ``photo``."""
    return SyncRecord(
        lead_id, event_name=event_name, kind=ItemKind.CARD, attachment=str(photo.resolve())
    )


def file_name(record: SyncRecord) -> str:
    suffix = Path(record.attachment).suffix.lower() or ".jpg"
    return f"business-card-{record.lead_id}{suffix}"


def _mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _photo(record: SyncRecord) -> bytes | PushResult:
    """The photo's bytes, or the item's failure when it is gone (not worth retrying)."""
    try:
        return Path(record.attachment).read_bytes()
    except OSError:
        return PushResult(
            record.key, ok=False, error=f"card photo missing on this device: {record.attachment}"
        )


def _post_file(
    session: requests.Session, url: str, timeout: float, **kwargs: Any
) -> requests.Response:
    import requests  # imported by the session's own module already: a look-up

    try:
        return session.post(url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise CrmUnavailable(f"no reply within {timeout:g} s") from exc
    except requests.ConnectionError as exc:
        raise CrmUnavailable(f"connection failed: {exc.__class__.__name__}") from exc


def _each(
    items: Sequence[Related], send: Callable[[Related, bytes], PushResult]
) -> tuple[PushResult, ...]:
    out = []
    for item in items:
        data = _photo(item.record)
        out.append(data if isinstance(data, PushResult) else send(item, data))
    return tuple(out)


# -- HubSpot -----------------------------------------------------------------------------------
def push_hubspot(adapter: HubSpotAdapter, items: Sequence[Related]) -> BatchOutcome:
    adapter._reset()
    status = 200

    def send(item: Related, data: bytes) -> PushResult:
        nonlocal status
        record, name = item.record, file_name(item.record)
        adapter._tl.calls += 1
        options = {"access": "PRIVATE", "overwrite": True, "duplicateValidationStrategy": "NONE"}
        resp = _post_file(
            adapter.http.session,
            adapter.http.base_url + "/files/v3/files",
            adapter.http.timeout_s,
            files={"file": (name, data, _mime(name))},
            data={"folderPath": HUBSPOT_FOLDER, "fileName": name, "options": json.dumps(options)},
        )
        body = json_or_none(resp)
        adapter._raise_for_status(resp, body, None)
        file_id = str((body or {}).get("id", ""))
        prop = adapter.config.item_key_property
        now_ms = str(int(datetime.now(UTC).timestamp() * 1000))
        props = {"hs_timestamp": now_ms, "hs_note_body": NOTE_TEXT, "hs_attachment_ids": file_id,
                 prop: record.key}  # fmt: skip
        resp = adapter._call(
            "POST",
            "/crm/v3/objects/notes/batch/upsert",
            {"inputs": [{"id": record.key, "idProperty": prop, "properties": props}]},
        )
        body = json_or_none(resp)
        adapter._raise_for_status(resp, body, None)
        note_id = str(((body or {}).get("results") or [{}])[0].get("id", ""))
        if not note_id:
            return PushResult(record.key, ok=False, error="HubSpot made no note for the card")
        resp = adapter._call(
            "POST",
            "/crm/v4/associations/notes/contacts/batch/associate/default",
            {"inputs": [{"from": {"id": note_id}, "to": {"id": item.parent_id}}]},
        )
        if resp.status_code >= 300:
            adapter._raise_for_status(resp, json_or_none(resp), None)
        status = resp.status_code
        return PushResult(record.key, ok=True, remote_id=note_id)

    results = _each(items, send)
    return BatchOutcome(results, adapter._tl.budget, status, requests=max(1, adapter._tl.calls),
                        daily=adapter._tl.daily)  # fmt: skip


# -- Salesforce --------------------------------------------------------------------------------
def push_salesforce(adapter: SalesforceAdapter, items: Sequence[Related]) -> BatchOutcome:
    adapter._tl.extra_calls = 0
    status = 200

    def send(item: Related, data: bytes) -> PushResult:
        nonlocal status
        record, name = item.record, file_name(item.record)
        soql = (
            "SELECT Id FROM ContentVersion WHERE FirstPublishLocationId IN "
            f"('{item.parent_id}') AND PathOnClient IN ('{name}')"
        )
        resp = adapter._call("GET", "/query?q=" + quote(soql), None)
        body = json_or_none(resp)
        adapter._raise_for_status(resp, body, None)
        found = (body or {}).get("records") or []
        if found:
            return PushResult(record.key, ok=True, remote_id=str(found[0].get("Id", "")))
        version = {
            "Title": f"Business card {record.event_name}".strip(),
            "PathOnClient": name,
            "VersionData": base64.b64encode(data).decode("ascii"),
            "FirstPublishLocationId": item.parent_id,
        }
        resp = adapter._call("POST", "/sobjects/ContentVersion", version)
        body = json_or_none(resp)
        adapter._raise_for_status(resp, body, None)
        status = resp.status_code
        return PushResult(record.key, ok=True, remote_id=str((body or {}).get("id", "")))

    results = _each(items, send)
    return BatchOutcome(results, None, status, requests=max(1, adapter._tl.extra_calls))


# -- BottleCRM ---------------------------------------------------------------------------------
def push_bottlecrm(adapter: BottleCrmAdapter, items: Sequence[Related]) -> BatchOutcome:
    status = 200

    def attached(body: Any, name: str) -> str:
        for a in (body or {}).get("attachments") or []:
            if str(a.get("file_name", "")) == name:
                return str(a.get("id", ""))
        return ""

    def send(item: Related, data: bytes) -> PushResult:
        nonlocal status
        record, name = item.record, file_name(item.record)
        path = f"/api/leads/{item.parent_id}/"
        resp = adapter._request(adapter.api, "GET", path)
        raise_for_common(resp, "BottleCRM")
        done = attached(json_or_none(resp), name)
        if done:
            return PushResult(record.key, ok=True, remote_id=done)
        resp = _post_file(
            adapter.api.session,
            adapter.api.base_url + path,
            adapter.api.timeout_s,
            files={"lead_attachment": (name, data, _mime(name))},
        )
        raise_for_common(resp, "BottleCRM")
        status = resp.status_code
        done = attached(json_or_none(resp), name)
        if not done:
            return PushResult(record.key, ok=False, error="BottleCRM kept no attachment")
        return PushResult(record.key, ok=True, remote_id=done)

    def guarded(item: Related, data: bytes) -> PushResult:
        if not adapter.config.api_token:
            return PushResult(item.record.key, ok=False,
                              error="BottleCRM: the card photo needs the API token")  # fmt: skip
        try:
            return send(item, data)
        except CrmError as exc:  # as for notes: this item retried, the others go on
            return PushResult(item.record.key, ok=False, error=exc.message, transient=True)

    results = _each(items, guarded)
    return BatchOutcome(results, None, status, requests=0)


__all__ = [
    "CARD_CRMS",
    "card_record",
    "file_name",
    "push_bottlecrm",
    "push_hubspot",
    "push_salesforce",
]
