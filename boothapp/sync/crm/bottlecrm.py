"""BottleCRM (``django-crm`` 1.35.0) through its public lead-intake webhook (CRM.md §3.2).

``POST /api/public/leads/<intake_id>/`` with the intake key as Bearer and ``external_id`` = the
lead UUID: 201 ``created``, 200 ``duplicate`` (the same external id again: a no-op) or 200
``merged`` (matched by e-mail/phone). Over the per-intake limit it answers 429 with Retry-After.
Notes (comments) and the owner's task go through the REST API with a personal access token, and
only for a ``created`` answer, so a repeat never doubles them.

Edits: because a ``duplicate`` changes nothing (and a ``merged`` only fills blanks), a lead
edited at the booth after its first sync would never reach the CRM through the intake. With the
API token the adapter reads the remote lead and PATCHes ``/api/leads/<id>/`` with the mapped
columns that differ. The intake's top-level column names (django-crm
``webforms.constants.LEAD_FIELD_CHOICES``) are exactly the names ``LeadCreateSerializer`` takes
on PATCH (checked against the running server), so nothing is renamed; keys that are not lead
columns (``event``) only go to the intake's enquiry text and are never PATCHed. On a ``merged``
answer the CRM lead's own e-mail stays when it differs from ours: the intake matched it by phone
and keeps our address in the enquiry, and rewriting a lead's e-mail is changing who it is.

The status is deliberately not written: the booth pipeline has no BottleCRM status for "quote
to prepare/sent", a PATCH with ``converted`` runs BottleCRM's irreversible conversion (account,
contact, opportunity), and after hand-over the status belongs to the rep working the lead in
the CRM; pull-back (``boothapp.sync.pull``) brings it to the booth.

Without an API token a repeat stays a no-op (the connection test says so).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

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
# The lead columns the intake fills from top-level keys (django-crm 1.35.0
# ``webforms.constants.LEAD_FIELD_CHOICES``); ``PATCH /api/leads/<id>/`` takes the same names.
LEAD_COLUMNS = frozenset(
    {
        "salutation",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company_name",
        "job_title",
        "website",
        "title",
        "description",
        "city",
        "state",
        "country",
        "postcode",
        "industry",
    }
)


@dataclass(frozen=True, slots=True)
class BottleCrmConfig:
    base_url: str
    intake_id: str
    intake_key: str
    # Personal access token (leads:read/write, tasks:write): notes, tasks and edits of leads
    # already in BottleCRM. Empty: new leads still sync, edits after the first sync do not.
    api_token: str = ""
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
        self._calls = 0  # HTTP requests in the current push, for the pacer

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        results = []
        status = 0
        self._calls = 0
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
        return BatchOutcome(tuple(results), None, status, requests=max(1, self._calls))

    def _request(
        self, client: HttpClient, method: str, path: str, body: Any = None
    ) -> requests.Response:
        self._calls += 1
        return client.request(method, path, body)

    def _payload(self, record: SyncRecord) -> dict[str, Any]:
        body: dict[str, Any] = dict(record.fields)
        body["external_id"] = record.lead_id
        if record.email:
            body.setdefault("email", record.email)
        if record.event_name:
            body.setdefault("event", record.event_name)
        return body

    def _post(self, record: SyncRecord) -> tuple[PushResult, int]:
        resp = self._request(
            self.intake,
            "POST",
            f"/api/public/leads/{self.config.intake_id}/",
            self._payload(record),
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
            answer = body.get("result")
            if answer == "created":
                self._follow_ups(record, lead)
            elif self.config.api_token and lead:
                return self._update(record, lead, merged=answer == "merged")
            return PushResult(
                record.lead_id, ok=True, remote_id=lead, created=answer == "created"
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

    def _update(self, record: SyncRecord, lead: str, merged: bool) -> tuple[PushResult, int]:
        """Write the booth's edit onto the lead the intake answered ``duplicate``/``merged`` for.

        Only the columns that differ are sent: an unchanged lead is not written at all, so its
        ``updated_at`` (which pull-back compares with the booth's own edits) stays as it was.
        """
        wanted = {k: v for k, v in self._payload(record).items() if k in LEAD_COLUMNS}
        path = f"/api/leads/{lead}/"
        try:
            resp = self._request(self.api, "GET", path)
            if resp.status_code == 200:
                remote = (json_or_none(resp) or {}).get("lead_obj") or {}
                wanted = {k: v for k, v in wanted.items() if not _same(k, v, remote.get(k))}
                if merged and remote.get("email"):
                    wanted.pop("email", None)
                if not wanted:
                    return PushResult(record.lead_id, ok=True, remote_id=lead, created=False), 200
                resp = self._request(self.api, "PATCH", path, wanted)
        except CrmError as exc:  # timeout, connection refused: the edit may not have landed
            return self._edit_failed(record, lead, exc.message, transient=True), 0
        if resp.status_code == 200:
            return PushResult(record.lead_id, ok=True, remote_id=lead, created=False), 200
        body = json_or_none(resp)
        if resp.status_code == 429:
            raise CrmThrottled(
                f"BottleCRM: {_message(body, resp.text)}",
                http_status=429,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
        message = f"{resp.status_code}: {_message(body, resp.text)}"
        if resp.status_code in (401, 403):
            # Per lead, not CrmAuthError: new leads need only the intake key and keep syncing.
            message += " (check the API token on the CRM sync page)"
        return self._edit_failed(record, lead, message, transient=resp.status_code >= 500), (
            resp.status_code
        )

    @staticmethod
    def _edit_failed(record: SyncRecord, lead: str, message: str, transient: bool) -> PushResult:
        return PushResult(
            record.lead_id,
            ok=False,
            remote_id=lead,
            error=f"BottleCRM did not take the edit: {message}",
            transient=transient,
        )

    def _follow_ups(self, record: SyncRecord, lead: str) -> None:
        if not self.config.api_token or not lead:
            return
        try:
            for note in record.notes:
                self._request(self.api, "POST", f"/api/leads/{lead}/", {"comment": note})
            if record.task is not None:
                due = record.task.due_at or datetime.now(UTC)
                self._request(
                    self.api,
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


def _same(field: str, ours: str, theirs: Any) -> bool:
    if theirs is None:
        return ours == ""
    if field == "email":  # BottleCRM matches addresses case-insensitively
        return ours.strip().lower() == str(theirs).strip().lower()
    return ours.strip() == str(theirs).strip()


def _message(body: Any, text: str) -> str:
    """BottleCRM's own words: ``{"errors": {field: [..]}}`` from the serializer, ``{"detail":
    ..}`` from DRF (bad token, missing scope, not found), else the start of the body."""
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, Mapping) and errors:
            return "; ".join(
                f"{field}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                for field, msgs in errors.items()
            )
        for key in ("errors", "detail", "message", "error"):
            value = body.get(key)
            if value and not isinstance(value, bool):
                return str(value)
    return text.strip()[:300] or "no message"
