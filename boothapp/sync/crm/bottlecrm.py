"""BottleCRM (``django-crm`` 1.35.0) through its public lead-intake webhook (CRM.md §3.2).

``POST /api/public/leads/<intake_id>/`` with the intake key as Bearer and ``external_id`` = the
lead UUID: 201 ``created``, 200 ``duplicate`` (the same external id again: a no-op) or 200
``merged`` (matched by e-mail, then phone). So a visitor already in BottleCRM is never created
twice. Over the per-intake limit (120 posts a minute by default) it answers 429 with
Retry-After; the engine paces ahead of that limit and the daily one (5,000 posts), counting
intake posts only: the REST API behind the personal access token is not throttled. Up to four
requests are in flight at once.

With the API token (issue 17) every lead item then makes the record one sales can work with:
the adapter reads the remote lead and PATCHes ``/api/leads/<id>/`` with what differs: the mapped
lead columns, ``assigned_to`` (the routed owner's BottleCRM profile, matched by name or e-mail
from ``/api/users/``, which needs the ``users:read`` scope), ``source`` "trade show" (added to
the org's source list once), ``status`` from the event's ``crm.stages`` (never ``converted``,
which runs BottleCRM's irreversible conversion, and never over a converted lead), ``rating``
and, in its description ("Notes"), the event, consent (given, text, time, legal basis), score
and answers as labelled lines, since BottleCRM has no columns for them.
On a ``merged`` answer the CRM lead's own e-mail stays when it differs from ours: the intake
matched it by phone, and rewriting a lead's e-mail is changing who it is.

Notes and tasks are their own outbox items (``push_related``): the note is a comment ending in
a ``[boothapp:<key>]`` marker, found again by that marker and edited in place, so a repeat or an
edit never adds a second; the task is found by its remote id, else by the marker in its
description among the lead's tasks, and edited in place too.

Without an API token a repeat stays a no-op (the connection test says so).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from boothapp.sync.crm import card_files
from boothapp.sync.crm.base import (
    BatchOutcome,
    CrmAuthError,
    CrmError,
    CrmThrottled,
    ItemKind,
    PushResult,
    RateLimit,
    Related,
    SyncRecord,
    parse_retry_after,
)
from boothapp.sync.crm.erase import EraseOutcome, outcome_of
from boothapp.sync.crm.http import HttpClient, json_or_none, raise_for_common

if TYPE_CHECKING:  # requests is imported when a CRM is first called, not at start
    import requests

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


# The lead columns the PATCH also takes besides the intake's (``LeadCreateSerializer``).
PATCH_ONLY = frozenset({"status", "rating", "source", "source_detail"})
SOURCE_LABEL = "Trade show"  # BottleCRM keys a source by its lower-cased label
IRREVERSIBLE = frozenset({"converted"})
RATINGS = {"hot": "HOT", "warm": "WARM", "cold": "COLD"}


def marker(key: str) -> str:
    return f"[boothapp:{key}]"


@dataclass(frozen=True, slots=True)
class BottleCrmConfig:
    base_url: str
    intake_id: str
    intake_key: str
    # Personal access token (leads:read/write, tasks:write): notes, tasks and edits of leads
    # already in BottleCRM. Empty: new leads still sync, edits after the first sync do not.
    api_token: str = ""
    timeout_s: float = 30.0
    # LEAD_INTAKE_THROTTLE_MINUTE (a DRF rate, default "120/min"): posts per window in seconds.
    intake_rate: tuple[int, float] = (120, 60.0)
    # LEAD_INTAKE_THROTTLE_DAY (default "5000/day"): posts in any 24 h.
    intake_daily: int = 5000
    # Requests in flight at once: the intake's limit is per minute, not per connection, and
    # the REST calls that make each lead complete (read, PATCH, comment, task) overlap.
    concurrent: int = 4


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
        self._tl = threading.local()  # per push (pushes run on several workers)
        self._tl.calls = 0  # intake posts in the current push, for the pacer
        self._setup = threading.Lock()  # users, the source list: read or made once
        # Paced on intake posts only: django-crm 1.35.0 throttles nothing else. Its
        # ``leads/views/intake_public_views.py`` (``LeadIntakePostView._over_limit``) applies
        # ``IntakeMinuteThrottle`` (LEAD_INTAKE_THROTTLE_MINUTE) then ``IntakeDayThrottle``
        # (LEAD_INTAKE_THROTTLE_DAY, counting only posts the minute bucket let through), and
        # ``crm/settings.py`` deliberately sets no DEFAULT_THROTTLE_CLASSES, so the REST API
        # behind the access token is not rate-limited. A 429 + Retry-After still waits.
        self.rate_limit = RateLimit(
            *config.intake_rate, concurrent=config.concurrent, daily=config.intake_daily
        )
        self._profiles: dict[str, str] | None = None  # name / e-mail (casefold) -> profile id
        self._source_ready = False
        self._tl.unmatched = set()

    def push(self, records: Sequence[SyncRecord]) -> BatchOutcome:
        results = []
        status = 0
        self._tl.calls = 0
        self._tl.unmatched = set()
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
        return BatchOutcome(
            tuple(results), None, status, requests=self._tl.calls,
            unmatched_owners=frozenset(self._tl.unmatched),
        )  # fmt: skip

    def _request(
        self, client: HttpClient, method: str, path: str, body: Any = None
    ) -> requests.Response:
        if client is self.intake:
            self._tl.calls = getattr(self._tl, "calls", 0) + 1
        return client.request(method, path, body)

    def _payload(self, record: SyncRecord) -> dict[str, Any]:
        """What the intake takes: lead columns (a country only as its 2-letter code, the
        column's choices) and ``external_id``; extra keys go into its enquiry text."""
        body: dict[str, Any] = {
            k: v for k, v in record.fields.items() if k in LEAD_COLUMNS and k != "country"
        }
        country = record.fields.get("country", "").strip()
        if len(country) == 2 and country.isalpha():
            body["country"] = country.upper()
        body["external_id"] = record.lead_id
        if record.email:
            body.setdefault("email", record.email)
        if record.event_name:
            body.setdefault("event", record.event_name)
        return body

    def _wanted(self, record: SyncRecord) -> dict[str, Any]:
        """The lead as sales should see it: columns, status, rating, source, description."""
        wanted = {k: v for k, v in self._payload(record).items() if k in LEAD_COLUMNS}
        f = record.fields
        if f.get("status") and f["status"] not in IRREVERSIBLE:
            wanted["status"] = f["status"]
        if f.get("rating", "").lower() in RATINGS:
            wanted["rating"] = RATINGS[f["rating"].lower()]
        if self._ensure_source():
            wanted["source"] = SOURCE_LABEL.lower()
        detail = f.get("source_detail") or record.event_name
        if detail:
            wanted["source_detail"] = detail[:100]
        lines = [f"Trade show: {record.event_name}"] if record.event_name else []
        country = f.get("country", "").strip()
        if country and "country" not in wanted:
            lines.append(f"Country: {country}")
        for key, value in f.items():
            if key in LEAD_COLUMNS or key in PATCH_ONLY or not value:
                continue
            text = value.replace("\n", "; ") if key == "Answers" else value
            lines.append(f"{key}: {text}")
        if lines:
            wanted["description"] = "\n".join(lines)
        return wanted

    def _ensure_source(self) -> bool:
        """The org's "Trade show" source exists (added once; BottleCRM refuses a repeat)."""
        with self._setup:
            return self._make_source()

    def _make_source(self) -> bool:
        if self._source_ready or not self.config.api_token:
            return self._source_ready
        resp = self._request(self.api, "GET", "/api/leads/sources/")
        keys = {str(x.get("key")) for x in (json_or_none(resp) or {}).get("sources", [])}
        if resp.status_code == 200 and SOURCE_LABEL.lower() not in keys:
            resp = self._request(self.api, "POST", "/api/leads/sources/", {"label": SOURCE_LABEL})
            self._source_ready = resp.status_code in (200, 201)
        else:
            self._source_ready = resp.status_code == 200
        return self._source_ready

    def _profile_id(self, who: str) -> str | None:
        """The BottleCRM profile of a booth owner, by name or e-mail (users read once)."""
        with self._setup:
            return self._match_profile(who)

    def _match_profile(self, who: str) -> str | None:
        if self._profiles is None:
            self._profiles = {}
            resp = self._request(self.api, "GET", "/api/users/")
            if resp.status_code == 200:
                body = json_or_none(resp) or {}
                for entry in (body.get("active_users") or {}).get("active_users", []):
                    user = entry.get("user_details") or {}
                    for name in (user.get("name"), user.get("email")):
                        if name:
                            self._profiles[str(name).strip().casefold()] = str(entry["id"])
            else:
                log.warning("BottleCRM users not read (%s): owners left unset", resp.status_code)
        return self._profiles.get(who.strip().casefold())

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
            if self.config.api_token and lead:
                result, code = self._update(record, lead, merged=answer == "merged")
                if answer == "created" and not result.ok and not result.transient:
                    # The intake made the lead; a refused API token only costs its owner,
                    # status and source (the connection test names the token problem).
                    log.warning("BottleCRM lead %s created without extras: %s", lead, result.error)
                    result = PushResult(record.lead_id, ok=True, remote_id=lead)
                return replace(result, created=answer == "created"), code
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
        path = f"/api/leads/{lead}/"
        try:
            wanted: dict[str, Any] = self._wanted(record)
            owner = self._profile_id(record.owner) if record.owner else None
            if record.owner and owner is None:
                self._tl.unmatched.add(record.owner)
            resp = self._request(self.api, "GET", path)
            if resp.status_code == 200:
                remote = (json_or_none(resp) or {}).get("lead_obj") or {}
                wanted = {k: v for k, v in wanted.items() if not _same(k, v, remote.get(k))}
                if merged and remote.get("email"):
                    wanted.pop("email", None)
                if remote.get("status") in IRREVERSIBLE:
                    wanted.pop("status", None)
                assigned = {str(a.get("id")) for a in remote.get("assigned_to") or []}
                if owner and assigned != {owner}:
                    wanted["assigned_to"] = [owner]
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

    # -- notes and tasks (their own outbox items) -------------------------------------------
    def push_related(self, items: Sequence[Related]) -> BatchOutcome:
        if items and items[0].record.kind == ItemKind.CARD:  # the card photo (issue 20)
            return card_files.push_bottlecrm(self, items)
        self._tl.calls = 0
        self._tl.unmatched = set()
        results = []
        for item in items:
            key = item.record.key
            if not self.config.api_token:
                results.append(
                    PushResult(key, ok=False, error="BottleCRM: notes and tasks need the API "
                               "token (add it on the CRM sync page)")
                )  # fmt: skip
                continue
            try:
                if item.record.kind == ItemKind.NOTE:
                    results.append(self._note(item))
                else:
                    results.append(self._task(item))
            except CrmError as exc:
                results.append(PushResult(key, ok=False, error=exc.message, transient=True))
        return BatchOutcome(
            tuple(results), None, 200, requests=0, unmatched_owners=frozenset(self._tl.unmatched)
        )

    def _note(self, item: Related) -> PushResult:
        key = item.record.key
        text = "\n\n".join(item.record.notes).strip()
        body = f"{text}\n\n{marker(key)}"
        resp = self._request(self.api, "GET", f"/api/leads/{item.parent_id}/")
        if resp.status_code != 200:
            return self._related_failed(key, resp)
        comments = (json_or_none(resp) or {}).get("comments") or []
        mine = [c for c in comments if marker(key) in str(c.get("comment", ""))]
        if not text:
            # The note was emptied at the booth: its comment goes (none there: already so).
            for comment in mine:
                resp = self._request(self.api, "DELETE", f"/api/leads/comment/{comment['id']}/")
                if resp.status_code not in (200, 204, 404):
                    return self._related_failed(key, resp)
            return PushResult(key, ok=True)
        if mine:
            comment = mine[0]
            if str(comment.get("comment", "")) != body:
                resp = self._request(
                    self.api, "PUT", f"/api/leads/comment/{comment['id']}/", {"comment": body}
                )
                if resp.status_code != 200:
                    return self._related_failed(key, resp)
            return PushResult(key, ok=True, remote_id=str(comment["id"]))
        resp = self._request(self.api, "POST", f"/api/leads/{item.parent_id}/", {"comment": body})
        if resp.status_code != 200:
            return self._related_failed(key, resp)
        created = [
            c for c in (json_or_none(resp) or {}).get("comments") or []
            if marker(key) in str(c.get("comment", ""))
        ]  # fmt: skip
        return PushResult(key, ok=True, remote_id=str(created[0]["id"]) if created else "")

    def _task(self, item: Related) -> PushResult:
        key, task = item.record.key, item.record.task
        if task is None:
            return PushResult(key, ok=True)
        due = task.due_at or datetime.now(UTC)
        body: dict[str, Any] = {
            "title": task.subject,
            "due_date": due.date().isoformat(),
            "priority": "High",
            "status": "New",
            "lead": item.parent_id,
            "description": f"{task.body}\n\n{marker(key)}".strip(),
        }
        who = task.owner or item.record.owner
        profile = self._profile_id(who) if who else None
        if profile:
            body["assigned_to"] = [profile]
        elif who:
            self._tl.unmatched.add(who)
        task_id = item.remote_id or self._find_task(item.parent_id, key)
        if task_id:
            body.pop("status")  # the rep may have moved it on
            resp = self._request(self.api, "PATCH", f"/api/tasks/{task_id}/", body)
            if resp.status_code == 200:
                return PushResult(key, ok=True, remote_id=task_id)
            if resp.status_code != 404:
                return self._related_failed(key, resp)
        resp = self._request(self.api, "POST", "/api/tasks/", body)
        if resp.status_code not in (200, 201):
            return self._related_failed(key, resp)
        # BottleCRM answers no id; an edit finds the task again by its marker.
        return PushResult(key, ok=True)

    def _find_task(self, lead: str, key: str) -> str:
        resp = self._request(self.api, "GET", f"/api/tasks/?lead={lead}")
        if resp.status_code != 200:
            return ""
        for t in (json_or_none(resp) or {}).get("tasks") or []:
            detail = self._request(self.api, "GET", f"/api/tasks/{t['id']}/")
            obj = (json_or_none(detail) or {}).get("task_obj") or json_or_none(detail) or {}
            if marker(key) in str(obj.get("description", "")):
                return str(t["id"])
        return ""

    @staticmethod
    def _related_failed(key: str, resp: requests.Response) -> PushResult:
        body = json_or_none(resp)
        if resp.status_code == 429:
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            return PushResult(
                key, ok=False, error="BottleCRM: too many requests", transient=True,
                retry_after=wait,
            )  # fmt: skip
        return PushResult(
            key,
            ok=False,
            error=f"BottleCRM {resp.status_code}: {_message(body, resp.text)}",
            transient=resp.status_code >= 500 or resp.status_code == 404,
        )

    def erase(self, remote_id: str) -> EraseOutcome:
        """Delete the lead (GDPR erase, issue 18); needs the API token (leads:write)."""
        if not self.config.api_token:
            return EraseOutcome(False, "BottleCRM: the API token is needed to delete a lead")
        try:
            resp = self._request(self.api, "DELETE", f"/api/leads/{remote_id}/")
        except CrmError as exc:
            return EraseOutcome(False, f"BottleCRM: {exc.message}", exc.transient)
        return outcome_of(resp, "BottleCRM")


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
