"""BottleCRM (``django-crm`` 1.35.0) through its public lead-intake webhook (CRM.md §3.2).

``POST /api/public/leads/<intake_id>/`` with the intake key as Bearer and ``external_id`` = the
lead UUID: 201 ``created``, 200 ``duplicate`` (the same external id again: a no-op) or 200
``merged`` (matched by e-mail/phone). Over the per-intake limit it answers 429 with Retry-After.
Notes (comments) and the owner's task go through the REST API with a personal access token, and
only for a ``created`` answer, so a repeat never doubles them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from boothapp.sync.crm.base import (
    BatchOutcome,
    CrmAuthError,
    CrmError,
    CrmThrottled,
    PushResult,
    SyncRecord,
    parse_retry_after,
)
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

log = logging.getLogger(__name__)

KEPT = ("created", "duplicate", "merged")


@dataclass(frozen=True, slots=True)
class BottleCrmConfig:
    base_url: str
    intake_id: str
    intake_key: str
    api_token: str = ""  # personal access token (leads:write, tasks:write) for notes and tasks
    timeout_s: float = 30.0


class BottleCrmAdapter:
    name = "bottlecrm"
    batch_size = 1  # the intake takes one lead per post

    def __init__(self, config: BottleCrmConfig) -> None:
        if not (config.intake_id and config.intake_key):
            raise ValueError("BottleCRM needs the lead-intake id and key")
        self.config = config
        self.intake = HttpClient(
            config.base_url, {"Authorization": f"Bearer {config.intake_key}"}, config.timeout_s
        )
        self.api = HttpClient(
            config.base_url, {"Authorization": f"Bearer {config.api_token}"}, config.timeout_s
        )

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        results = []
        status = 0
        for i, record in enumerate(records):
            try:
                result, status = self._post(record)
            except CrmError:
                if i == 0:
                    raise
                break  # the rest stay unanswered and are retried by the engine
            results.append(result)
        answered = {r.lead_id for r in results}
        results += [
            PushResult(r.lead_id, ok=False, error="not sent yet", transient=True)
            for r in records
            if r.lead_id not in answered
        ]
        return BatchOutcome(tuple(results), None, status)

    def _payload(self, record: SyncRecord) -> dict[str, Any]:
        body: dict[str, Any] = dict(record.fields)
        body["external_id"] = record.lead_id
        if record.email:
            body.setdefault("email", record.email)
        if record.event_name:
            body.setdefault("event", record.event_name)
        return body

    def _post(self, record: SyncRecord) -> tuple[PushResult, int]:
        resp = self.intake.request(
            "POST", f"/api/public/leads/{self.config.intake_id}/", self._payload(record)
        )
        body = json_or_none(resp) or {}
        if resp.status_code == 429:
            raise CrmThrottled(
                f"BottleCRM: {body.get('detail', 'too many posts')}",
                http_status=429,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
        if resp.status_code in (401, 403):
            raise CrmAuthError(
                f"BottleCRM refused the intake key: {body.get('detail', resp.status_code)}",
                http_status=resp.status_code,
            )
        if resp.status_code in (200, 201) and body.get("result") in KEPT:
            lead = str(body.get("lead", ""))
            created = body.get("result") == "created"
            if created:
                self._follow_ups(record, lead)
            return PushResult(
                record.lead_id, ok=True, remote_id=lead, created=created
            ), resp.status_code
        if 400 <= resp.status_code < 500:
            message = str(body.get("detail") or body.get("error") or resp.text[:300])
            return PushResult(
                record.lead_id, ok=False, error=f"BottleCRM: {message}"
            ), resp.status_code
        raise_for_common(resp, "BottleCRM")
        return (
            PushResult(
                record.lead_id,
                ok=False,
                error=f"BottleCRM answered {resp.status_code}",
                transient=True,
            ),
            resp.status_code,
        )

    def _follow_ups(self, record: SyncRecord, lead: str) -> None:
        if not self.config.api_token or not lead:
            return
        try:
            for note in record.notes:
                self.api.request("POST", f"/api/leads/{lead}/", {"comment": note})
            if record.task is not None:
                due = record.task.due_at or datetime.now(UTC)
                self.api.request(
                    "POST",
                    "/api/tasks/",
                    {
                        "title": record.task.subject,
                        "due_date": due.date().isoformat(),
                        "priority": "High",
                        "status": "New",
                        "lead": lead,
                        "description": record.task.body,
                    },
                )
        except CrmError as exc:
            log.warning("BottleCRM note/task for %s not written: %s", record.lead_id, exc)
