"""A generic JSON webhook: one POST per lead, signed, with the lead UUID as Idempotency-Key.

"Test connection" sends a signed ``{"type": "ping"}`` without an Idempotency-Key (``ping``).

Headers: ``Idempotency-Key: <lead uuid>``, ``X-BoothApp-Timestamp: <unix s>`` and
``X-BoothApp-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret>``
(the timestamp inside the signed text stops replays). 2xx = ok; 409 = already have it (ok);
429/503 with Retry-After and 5xx are transient; other 4xx are the receiver's verdict on the lead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from boothapp.sync.crm.base import (
    BatchOutcome,
    CrmAuthError,
    CrmError,
    CrmThrottled,
    CrmUnavailable,
    PushResult,
    SyncRecord,
    parse_retry_after,
)
from boothapp.sync.crm.erase import EraseOutcome, outcome_of
from boothapp.sync.crm.http import HttpClient, json_or_none

SIGNATURE_HEADER = "X-BoothApp-Signature"
TIMESTAMP_HEADER = "X-BoothApp-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret: str
    timeout_s: float = 30.0


class WebhookAdapter:
    name = "webhook"
    batch_size = 1

    def __init__(self, config: WebhookConfig) -> None:
        if not config.secret:
            raise ValueError("the webhook needs a shared secret to sign with")
        self.config = config
        self.http = HttpClient(config.url, {}, config.timeout_s)

    def payload(self, record: SyncRecord) -> dict[str, Any]:
        return {
            "lead_id": record.lead_id,
            "email": record.email,
            "event": record.event_name,
            "fields": dict(record.fields),
            "notes": list(record.notes),
            "task": None
            if record.task is None
            else {
                "subject": record.task.subject,
                "due_at": record.task.due_at.isoformat() if record.task.due_at else None,
                "owner": record.task.owner,
                "body": record.task.body,
            },
            "owner": record.owner,
        }

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        results = []
        status = 0
        for i, record in enumerate(records):
            try:
                result, status = self._post(record)
            except CrmError:
                if i == 0:
                    raise
                break
            results.append(result)
        return BatchOutcome(tuple(results), None, status)

    def _post(self, record: SyncRecord) -> tuple[PushResult, int]:
        body = json.dumps(self.payload(record), separators=(",", ":"), sort_keys=True).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": record.lead_id,
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(self.config.secret, ts, body),
        }
        try:
            resp = self.http.session.post(
                self.config.url, data=body, headers=headers, timeout=self.config.timeout_s
            )
        except Exception as exc:  # requests' transport errors: reply unknown, retry is safe
            raise CrmUnavailable(f"webhook unreachable: {exc.__class__.__name__}") from exc
        code = resp.status_code
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if code == 429:
            raise CrmThrottled(
                "webhook asked to slow down", http_status=429, retry_after=retry_after
            )
        if code in (401, 403):
            raise CrmAuthError(f"webhook refused the signature ({code})", http_status=code)
        if code >= 500:
            raise CrmUnavailable(
                f"webhook answered {code}", http_status=code, retry_after=retry_after
            )
        data = json_or_none(resp)
        remote = str(data.get("id", "")) if isinstance(data, dict) else ""
        if 200 <= code < 300 or code == 409:
            return PushResult(record.lead_id, ok=True, remote_id=remote, created=code == 201), code
        message = str(data.get("error", "")) if isinstance(data, dict) else resp.text[:300]
        return PushResult(record.lead_id, ok=False, error=f"webhook {code}: {message}"), code

    def erase(self, remote_id: str) -> EraseOutcome:
        """A signed ``{"type": "lead.erased", "lead_id": ...}`` event (issue 18): the
        receiver deletes what it holds of that lead; 2xx means done."""
        body = json.dumps({"type": "lead.erased", "lead_id": remote_id}, sort_keys=True).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"erase:{remote_id}",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(self.config.secret, ts, body),
        }
        try:
            resp = self.http.session.post(
                self.config.url, data=body, headers=headers, timeout=self.config.timeout_s
            )
        except Exception as exc:  # requests' transport errors: try again later
            return EraseOutcome(False, f"webhook unreachable: {exc.__class__.__name__}", True)
        if resp.status_code == 409:
            return EraseOutcome(True, "webhook had it erased already")
        return outcome_of(resp, "webhook")


def ping(config: WebhookConfig) -> tuple[int, str]:
    """A signed ``{"type": "ping"}`` (no lead, no Idempotency-Key) for "Test connection";
    returns the receiver's status and text. Transport errors raise ``CrmUnavailable``."""
    body = b'{"type":"ping"}'
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: ts,
        SIGNATURE_HEADER: sign(config.secret, ts, body),
    }
    http = HttpClient(config.url, {}, config.timeout_s)
    try:
        resp = http.session.post(config.url, data=body, headers=headers, timeout=config.timeout_s)
    except Exception as exc:  # requests' transport errors
        raise CrmUnavailable(f"webhook unreachable: {exc.__class__.__name__}") from exc
    finally:
        http.close()
    return resp.status_code, resp.text
